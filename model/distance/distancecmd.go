package distance

import (
	"math"
	"slices"
)

// MixedCMD is the CMD of a catalogue under a CMD conditioned on the
// distance: P(g, bp-rp, bp-g) = the mean over Dists of P(g, bp-rp, bp-g |
// d), the distances standing for the catalogue's distance distribution
// (CatalogDistances). It is the density to compare with an unconditioned
// CMD flow, which learns the catalogue's CMD. It is a Density.
type MixedCMD struct {
	Dens  DistanceDensity
	Dists []float64 // pc
}

// LogProb implements Density: log of the mean of the conditional densities.
func (m MixedCMD) LogProb(dst, x []float64) {
	n, nd := len(dst), len(m.Dists)
	if nd == 0 { // no distance to average over: no density
		for i := range dst {
			dst[i] = math.Inf(-1)
		}
		return
	}
	xs := make([]float64, 0, 3*n*nd)
	ds := make([]float64, 0, n*nd)
	for i := range n {
		for _, d := range m.Dists {
			xs = append(xs, x[3*i:3*i+3]...)
			ds = append(ds, d)
		}
	}
	lp := make([]float64, n*nd)
	m.Dens.LogProbAt(lp, xs, ds)
	for i := range n {
		row := lp[i*nd : (i+1)*nd]
		mx := slices.Max(row)
		if math.IsInf(mx, -1) {
			dst[i] = mx
			continue
		}
		var s float64
		for _, v := range row {
			s += math.Exp(v - mx)
		}
		dst[i] = mx + math.Log(s/float64(nd))
	}
}

// CatalogDistances returns n distances that stand for the distribution of
// d: its quantiles at levels (j + 1/2)/n, over the finite positive values.
func CatalogDistances(d []float64, n int) []float64 {
	var v []float64
	for _, x := range d {
		if x > 0 && !math.IsInf(x, 1) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	out := make([]float64, n)
	for j := range out {
		out[j] = v[min(int((float64(j)+0.5)/float64(n)*float64(len(v))), len(v)-1)]
	}
	return out
}
