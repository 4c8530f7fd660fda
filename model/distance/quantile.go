package distance

import "slices"

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

// sortPairs sorts ps by x: by insertion for a star's few dozen samples,
// where it beats the general sort, and by slices.SortFunc beyond.
func sortPairs(ps []pair) {
	if len(ps) > 48 {
		slices.SortFunc(ps, cmpPair)
		return
	}
	for i := 1; i < len(ps); i++ {
		p := ps[i]
		j := i - 1
		for ; j >= 0 && cmpPair(ps[j], p) > 0; j-- {
			ps[j+1] = ps[j]
		}
		ps[j+1] = p
	}
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
