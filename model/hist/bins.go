package hist

import "math"

// axis is a regular binning of [lo, hi) into n bins.
type axis struct {
	lo, hi float64
	n      int
}

// checkAxis panics unless lo < hi are finite and n >= 1.
func checkAxis(name string, lo, hi float64, n int) {
	if n < 1 {
		panic("hist: " + name + ": fewer than one bin")
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic("hist: " + name + ": range is empty, NaN or infinite")
	}
}

// edge returns the lower edge of bin i (the upper edge of bin n-1 for i = n).
func (a axis) edge(i int) float64 {
	if i == a.n {
		return a.hi
	}
	return a.lo + float64(i)*(a.hi-a.lo)/float64(a.n)
}

// bin returns the bin of x, -1 for underflow, n for overflow, and -2 for
// NaN. The result agrees with edge: edge(k) <= x < edge(k+1).
func (a axis) bin(x float64) int {
	switch {
	case math.IsNaN(x):
		return -2
	case x < a.lo:
		return -1
	case x >= a.hi:
		return a.n
	}
	k := int((x - a.lo) / (a.hi - a.lo) * float64(a.n))
	k = min(max(k, 0), a.n-1)
	if x < a.edge(k) {
		k--
	} else if x >= a.edge(k+1) {
		k++
	}
	return k
}

// edges returns the n+1 edges.
func (a axis) edges() []float64 {
	e := make([]float64, a.n+1)
	for i := range e {
		e[i] = a.edge(i)
	}
	return e
}

// centres returns the n bin centres.
func (a axis) centres() []float64 {
	c := make([]float64, a.n)
	for i := range c {
		c[i] = 0.5 * (a.edge(i) + a.edge(i+1))
	}
	return c
}

// goodWeight reports whether w can be added.
func goodWeight(w float64) bool { return !math.IsNaN(w) && !math.IsInf(w, 0) }

// addInto adds src to dst element-wise; they have the same length.
func addInto(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}
