package anode

import "math"

// edgeMargin widens the bounds of a stretched feature beyond the patch's
// extreme values by this fraction of their range, so that the extreme stars
// map to finite values.
const edgeMargin = 1e-3

// stretch returns the feature columns of p with the hard edges of a patch
// moved to infinity, and for each star the log of the Jacobian determinant
// of the map, log |d stretched / d x|:
//
//   - the position (phi, lambda) radially: r -> r_max atanh(r/r_max), with
//     r = sqrt(phi^2 + lambda^2) and r_max the patch's largest r widened
//     by edgeMargin; the centre of the patch keeps its geometry (the map is
//     the identity to first order), the circular edge goes to infinity;
//   - g (Full only): g -> logit((g - lo)/(hi - lo)), lo and hi the patch's
//     extreme magnitudes widened by edgeMargin of their range.
//
// The map is one bijection for both flows, so R = p_SR/p_CR is the same
// function of the stars whether or not it is applied (the Jacobians
// cancel); it only spares the flows the discontinuities at the edges, which
// a MAF fits badly (Shih et al. 2022 sec. 3.2: spuriously large R near the
// patch edge and at faint g).
func stretch(p *Patch, fs Features) (cols [][]float64, logJac []float64) {
	n := p.Len()
	cols = p.columns(fs)
	logJac = make([]float64, n)
	out := make([][]float64, len(cols))
	copy(out, cols)
	rmax := 0.0
	for i := range n {
		rmax = max(rmax, math.Hypot(p.Phi[i], p.Lambda[i]))
	}
	rmax *= 1 + edgeMargin
	phi, lambda := make([]float64, n), make([]float64, n)
	for i := range n {
		r := math.Hypot(p.Phi[i], p.Lambda[i])
		// x -> (s(r)/r) x in the plane has determinant s'(r) s(r)/r;
		// s(r) = r_max atanh(r/r_max), s'(r) = 1/(1 - (r/r_max)^2).
		s, ds := 1.0, 1.0
		if r > 0 {
			q := r / rmax
			s = rmax * math.Atanh(q) / r
			ds = 1 / (1 - q*q)
		}
		phi[i], lambda[i] = s*p.Phi[i], s*p.Lambda[i]
		logJac[i] = math.Log(ds * s)
	}
	out[0], out[1] = phi, lambda
	if fs == Full {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, g := range p.G {
			lo, hi = min(lo, g), max(hi, g)
		}
		m := edgeMargin * (hi - lo)
		lo, hi = lo-m, hi+m
		g := make([]float64, n)
		for i, v := range p.G {
			u := (v - lo) / (hi - lo)
			g[i] = math.Log(u / (1 - u))
			logJac[i] -= math.Log((hi - lo) * u * (1 - u))
		}
		out[4] = g
	}
	return out, logJac
}
