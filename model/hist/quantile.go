package hist

import (
	"fmt"
	"math"
	"slices"
)

// Quantile returns the p quantile (p in [0, 1]) of values sorted in
// ascending order, interpolated linearly between order statistics
// (Hyndman & Fan's type 7: R's and numpy's default, which gonum's stat
// package does not offer). It panics if sorted is empty or p is outside
// [0, 1]. It is the one quantile of the model packages.
func Quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 || !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("hist: Quantile: p %v of %d values", p, len(sorted)))
	}
	h := p * float64(len(sorted)-1)
	i := int(h)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// QuantileOf is Quantile of v in any order (v is not changed); NaN if v is
// empty.
func QuantileOf(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return Quantile(s, p)
}
