package distance

import (
	"math"
	"slices"
)

// pair is one weighted sample.
type pair struct{ x, w float64 }

// cmpPair orders pairs by x. The samples are finite (parallaxes and
// distances of a star), so the plain comparisons suffice: cmp.Compare's
// NaN handling cost a third of the sort.
func cmpPair(a, b pair) int {
	switch {
	case a.x < b.x:
		return -1
	case a.x > b.x:
		return 1
	}
	return 0
}

// WeightedQuantiles writes into dst the quantiles at levels (each in [0, 1],
// ascending) of the distribution that puts weight w[i] on x[i], and returns
// dst (allocated if nil). The weights need not be normalised; zero weights
// are ignored. The quantile function interpolates linearly between the
// sorted samples placed at the midpoints of their weights, c_j = Σ_{i<j} w_i
// + w_j/2 (normalised), and is flat beyond the first and last: with equal
// weights sample j sits at level (j + 1/2)/n, the Hazen plotting position.
// It returns NaNs if no weight is positive. It panics if x and w differ in
// length or dst in length from levels.
func WeightedQuantiles(dst, levels, x, w []float64) []float64 {
	if len(x) != len(w) {
		panic("distance: WeightedQuantiles: x and w differ in length")
	}
	if dst == nil {
		dst = make([]float64, len(levels))
	}
	if len(dst) != len(levels) {
		panic("distance: WeightedQuantiles: dst and levels differ in length")
	}
	ps := make([]pair, len(x))
	for i := range x {
		ps[i] = pair{x[i], w[i]}
	}
	weightedQuantiles(dst, levels, ps)
	return dst
}

// sortPairs sorts ps by x, stably: for a star's few dozen samples by
// bucketing then insertion, beyond by slices.SortFunc.
func sortPairs(ps []pair) {
	if len(ps) > maxBucketed {
		slices.SortFunc(ps, cmpPair)
		return
	}
	bucketPairs(ps)
	insertPairs(ps)
}

// insertPairs sorts ps by x by insertion: linear on nearly sorted input.
func insertPairs(ps []pair) {
	for i := 1; i < len(ps); i++ {
		p := ps[i]
		j := i - 1
		for ; j >= 0 && cmpPair(ps[j], p) > 0; j-- {
			ps[j+1] = ps[j]
		}
		ps[j+1] = p
	}
}

// maxBucketed is the most pairs sortPairs buckets; beyond, the general sort
// is the faster.
const maxBucketed = 48

// bucketPairs puts ps nearly in order of x, stably, by a counting sort on
// 2 len(ps) equal-width buckets of a key that rises with x: -1/x where
// every x is positive (a star's distance samples, whose parallaxes are
// spread like a truncated normal while the distances have a long tail),
// else x itself. Insertion then finishes the order within buckets at about
// one comparison per pair, where on random order it took len(ps)/4 moves
// per pair and a mispredicted branch at each, most of a catalog row's cost.
// It leaves ps as it was if the keys are not finite or all equal.
func bucketPairs(ps []pair) {
	n := len(ps)
	if n < 8 {
		return
	}
	var keys [maxBucketed]float64
	positive := true
	for _, p := range ps {
		positive = positive && p.x > 0
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range ps {
		k := p.x
		if positive {
			k = -1 / k
		}
		if k != k { // NaN: no order to bucket by
			return
		}
		keys[i] = k
		// Plain comparisons: the builtin min and max order NaNs and
		// signed zeros, at several times the cost.
		if k < lo {
			lo = k
		}
		if k > hi {
			hi = k
		}
	}
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return
	}
	nb := 2 * n
	scale := float64(nb-1) / (hi - lo)
	if math.IsInf(scale, 0) { // keys a subnormal apart
		return
	}
	var start [2 * maxBucketed]uint8
	var bucket [maxBucketed]uint8
	for i := range n {
		b := uint8((keys[i] - lo) * scale)
		bucket[i] = b
		start[b]++
	}
	// Counts to first positions, the running sum in a register (a sum
	// through the array waits on each store).
	var sum uint8
	for b, c := range start[:nb] {
		start[b] = sum
		sum += c
	}
	var sorted [maxBucketed]pair
	for i, p := range ps {
		b := bucket[i]
		sorted[start[b]] = p
		start[b]++
	}
	copy(ps, sorted[:n])
}

// weightedQuantiles is WeightedQuantiles on pairs, which it sorts in place.
func weightedQuantiles(dst, levels []float64, ps []pair) {
	sortPairs(ps)
	var total float64
	for _, p := range ps {
		if p.w > 0 {
			total += p.w
		}
	}
	if !(total > 0) {
		for i := range dst {
			dst[i] = nan
		}
		return
	}
	// Walk the positive-weight samples and the ascending levels together.
	q := 0
	cum := 0.0
	prevX, prevC := 0.0, -1.0 // no previous sample yet
	for _, p := range ps {
		if !(p.w > 0) {
			continue
		}
		c := (cum + p.w/2) / total
		cum += p.w
		for q < len(levels) && levels[q] <= c {
			if prevC < 0 {
				dst[q] = p.x
			} else {
				dst[q] = prevX + (p.x-prevX)*(levels[q]-prevC)/(c-prevC)
			}
			q++
		}
		prevX, prevC = p.x, c
	}
	for ; q < len(levels); q++ {
		dst[q] = prevX
	}
}
