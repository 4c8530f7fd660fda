package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// iterate runs the iteration of paper 000 eq. 2 on the stars of p (one
// chunk), all stars together so that the density sees one matrix per
// iteration:
//
//	d_best = the prior-weighted mean of the d_i
//	repeat at most T times, until d_best changes by less than Converged:
//	    E_i   = dust at (l, b, d_best): the map's median (Training) or
//	            sample i's own posterior draw of the map (Catalog)
//	    g_i   = G - A_G E_i + 5 log10(parallax_i) - 10
//	    w_i   = P(g_i, bp-rp - E(BP-RP)_i, bp-g - E(BP-G)_i) × prior_i
//	    d_best = Σ w_i d_i / Σ w_i
//
// (each star leaves the loop on its own; the catalog finds its sight line
// through the map once, not at every iteration).
// Afterwards, for star s: e.dbest[s]; e.w[sK:(s+1)K] the weights of its last
// iteration, normalised to sum 1 (the prior weights alone if the density
// was zero at every sample: FlagOffCMD); e.iters[s]; and e.flags[s], the
// star's flags from Prepare and the iteration.
//
// In the catalog each parallax sample i keeps one posterior draw of the dust
// map (index floor(DustU_i × n) of the map's n samples) through all
// iterations: the K samples are K joint draws of (parallax, dust line of
// sight), each evaluated at the current d_best as eq. 2 prescribes. This is
// how "the full dust posterior" of paper 000 §3 enters the evaluation: the
// weighted samples then marginalise over the map's uncertainty.
//
// That is the catalog with Config.DustAtDBest. By default sample i's E_i is
// its draw of the map at its own distance d_i (fillRowsPerSample): w_i is
// then the exact importance weight of the joint posterior of distance and
// dust, nothing depends on d_best, and one pass is the estimate (iters 1).
func (e *Estimator) iterate(p *Prepared) {
	n, k := p.Len(), e.cfg.K
	if p.K != k || (e.cfg.Mode == Catalog && len(p.DustU) != n*k) {
		panic("distance: stars prepared by an Estimator of another K or Mode")
	}
	e.chunkScratch(n)
	inf := math.Inf(1)
	for s := 0; s < n; s++ {
		e.dbest[s] = meanDist(p.Dist[s*k:(s+1)*k], p.LogPrior[s*k:(s+1)*k], e.cfg.Prior.Kind == FlatParallax)
		e.change[s] = inf
		e.iters[s] = 0
		e.flags[s] = p.Flags[s]
		e.zero[s] = false
		e.active[s] = int32(s)
	}
	active := e.active[:n]
	if e.cfg.Mode == Catalog && !e.cfg.DustAtDBest {
		// The weights do not depend on d_best: one pass is the estimate.
		for s := 0; s < n; s++ {
			e.fillRowsPerSample(e.x[3*s*k:3*(s+1)*k], p, s)
		}
		e.logProb(e.lp[:n*k], e.x[:3*n*k], p.Dist[:n*k])
		for s := 0; s < n; s++ {
			if p.Flags[s]&FlagNoColour != 0 {
				e.colourlessLogProb(e.lp[s*k:(s+1)*k], e.x[3*s*k:3*(s+1)*k])
			}
			e.update(s, e.lp[s*k:(s+1)*k], p.Dist[s*k:(s+1)*k], p.LogPrior[s*k:(s+1)*k])
			e.change[s] = 0
		}
		active = active[:0]
	}
	// A star whose d_best has converged leaves the iteration: more
	// iterations would give its rows again to within Converged.
	settled := e.cfg.Converged
	if e.cfg.StopEarly {
		settled = max(settled, e.cfg.Tol)
	}
	e.lines = e.lines[:0]
	if ld, ok := e.dust.(lineDust); ok && e.cfg.Mode == Catalog && len(active) > 0 {
		for s := range n {
			e.lines = append(e.lines, ld.line(p.L[s], p.B[s]))
		}
	}
	for t := 0; t < e.cfg.T && len(active) > 0; t++ {
		for r, s := range active {
			e.fillRows(e.x[3*r*k:3*(r+1)*k], p, int(s))
		}
		rows := len(active) * k
		var dist []float64
		if _, ok := e.dens.(DistanceDensity); ok {
			dist = e.rowDist[:0]
			for _, s := range active {
				dist = append(dist, p.Dist[int(s)*k:(int(s)+1)*k]...)
			}
			e.rowDist = dist
		}
		e.logProb(e.lp[:rows], e.x[:3*rows], dist)
		for r, s := range active {
			if p.Flags[s]&FlagNoColour != 0 {
				e.colourlessLogProb(e.lp[r*k:(r+1)*k], e.x[3*r*k:3*(r+1)*k])
			}
		}
		keep := active[:0]
		for r, s32 := range active {
			s := int(s32)
			e.update(s, e.lp[r*k:(r+1)*k], p.Dist[s*k:(s+1)*k], p.LogPrior[s*k:(s+1)*k])
			if !(e.change[s] <= settled) {
				keep = append(keep, s32)
			}
		}
		active = keep
	}
	for s := 0; s < n; s++ {
		w := e.w[s*k : (s+1)*k]
		if e.zero[s] {
			e.flags[s] |= FlagOffCMD
			lpr := p.LogPrior[s*k : (s+1)*k]
			mx := math.Inf(-1)
			for _, l := range lpr {
				mx = max(mx, l)
			}
			for j, l := range lpr {
				w[j] = math.Exp(l - mx)
			}
		}
		var sw float64
		for _, v := range w {
			sw += v
		}
		var s2 float64
		for j := range w {
			w[j] /= sw
			s2 += w[j] * w[j]
		}
		if 1/s2 < e.cfg.MinESS {
			e.flags[s] |= FlagFewSamples
		}
		if e.change[s] > e.cfg.Tol {
			e.flags[s] |= FlagNotConverged
		}
	}
}

// fillRows writes the K rows (g_i, bp-rp, bp-g) of star s into x, dereddened
// with the dust at the star's current d_best.
func (e *Estimator) fillRows(x []float64, p *Prepared, s int) {
	k := e.cfg.K
	ext := &e.cfg.Extinction
	l, b, d := p.L[s], p.B[s], e.dbest[s]
	g, c1, c2 := p.G[s], p.BPRP[s], p.BPG[s]
	mod := p.Mod[s*k : (s+1)*k]
	dc1, dc2 := p.DBPRP[s*k:(s+1)*k], p.DBPG[s*k:(s+1)*k]
	if e.cfg.Mode == Training {
		med, _, covered, _ := e.dust.Query(l, b, d)
		if !covered || !star.Finite(med) {
			med = 0
			e.flags[s] |= FlagDustUnreliable
		}
		g0, a, bb := g-ext.AG*med, c1-ext.BPRP*med, c2-ext.BPG*med
		for j, m := range mod {
			x[3*j], x[3*j+1], x[3*j+2] = g0+m, a+dc1[j], bb+dc2[j]
		}
		return
	}
	var es []float64
	if len(e.lines) > 0 {
		es = e.lines[s].Samples(e.es[:0], d)
	} else {
		es = e.dust.Samples(e.es[:0], l, b, d)
	}
	e.es = es
	ns := len(es)
	if ns == 0 {
		e.flags[s] |= FlagDustUnreliable
		for j, m := range mod {
			x[3*j], x[3*j+1], x[3*j+2] = g+m, c1+dc1[j], c2+dc2[j]
		}
		return
	}
	u := p.DustU[s*k : (s+1)*k]
	for j, m := range mod {
		ej := es[min(int(u[j]*float64(ns)), ns-1)]
		if !star.Finite(ej) {
			ej = 0
			e.flags[s] |= FlagDustUnreliable
		}
		x[3*j], x[3*j+1], x[3*j+2] = g-ext.AG*ej+m, c1-ext.BPRP*ej+dc1[j], c2-ext.BPG*ej+dc2[j]
	}
}

// fillRowsPerSample writes the K rows of star s into x as fillRows does in
// the catalog, each sample dereddened with the dust at its own distance:
// its posterior draw of the map (DustU) along the line of sight.
func (e *Estimator) fillRowsPerSample(x []float64, p *Prepared, s int) {
	k := e.cfg.K
	ext := &e.cfg.Extinction
	l, b := p.L[s], p.B[s]
	g, c1, c2 := p.G[s], p.BPRP[s], p.BPG[s]
	mod, dist := p.Mod[s*k:(s+1)*k], p.Dist[s*k:(s+1)*k]
	dc1, dc2 := p.DBPRP[s*k:(s+1)*k], p.DBPG[s*k:(s+1)*k]
	u := p.DustU[s*k : (s+1)*k]
	ed := e.edraw[:k]
	covered := true
	if ld, ok := e.dust.(lineDust); ok {
		covered = ld.Draws(ed, l, b, dist, u)
	} else {
		for j := range ed {
			es := e.dust.Samples(e.es[:0], l, b, dist[j])
			e.es = es
			if ns := len(es); ns == 0 {
				covered = false
				break
			} else {
				ed[j] = es[min(int(u[j]*float64(ns)), ns-1)]
			}
		}
	}
	for j, m := range mod {
		ej := 0.0
		if !covered {
			e.flags[s] |= FlagDustUnreliable
		} else if ej = ed[j]; !star.Finite(ej) {
			ej = 0
			e.flags[s] |= FlagDustUnreliable
		}
		x[3*j], x[3*j+1], x[3*j+2] = g-ext.AG*ej+m, c1-ext.BPRP*ej+dc1[j], c2-ext.BPG*ej+dc2[j]
	}
}

// lineDust is a Dust that finds a star's direction once for all its
// queries (MapDust): the per-sample draws of E at the samples' distances,
// or, through the iterations, at each d_best.
type lineDust interface {
	Draws(dst []float64, l, b float64, dist, u []float64) bool
	line(l, b float64) mapLine
}

// update turns one iteration's log densities lp of star s into weights and
// a new d_best (eq. 2). With zero density at every sample d_best is kept.
func (e *Estimator) update(s int, lp, dist, logPrior []float64) {
	k := e.cfg.K
	w := e.w[s*k : (s+1)*k]
	mx := math.Inf(-1)
	for j, l := range lp {
		if !(l < math.Inf(1)) { // NaN or +Inf: not a density
			e.flags[s] |= FlagDensityNaN
			l = math.Inf(-1)
		}
		l += logPrior[j]
		w[j] = l
		if l > mx { // not the builtin max: l is not NaN, and max's NaN and zero rules cost
			mx = l
		}
	}
	e.iters[s]++
	if mx == math.Inf(-1) {
		e.flags[s] |= FlagZeroWeights
		e.zero[s] = true
		e.change[s] = 0
		return
	}
	e.zero[s] = false
	var sw, swd float64
	for j, l := range w {
		v := math.Exp(l - mx)
		w[j] = v
		sw += v
		swd += v * dist[j]
	}
	d := swd / sw
	e.change[s] = math.Abs(d-e.dbest[s]) / d
	e.dbest[s] = d
}

// logProb evaluates the density at the rows x, at the distances dist of
// the rows where it is a DistanceDensity.
func (e *Estimator) logProb(lp, x, dist []float64) {
	if dd, ok := e.dens.(DistanceDensity); ok {
		dd.LogProbAt(lp, x, dist)
		return
	}
	e.dens.LogProb(lp, x)
}
