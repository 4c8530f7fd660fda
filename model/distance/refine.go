package distance

import "math"

// Refinement of collapsed posteriors.
//
// A star's K parallax samples are drawn from its parallax likelihood; when
// the CMD allows only a narrow range of absolute magnitude at its colours,
// far narrower than the spread of g over the samples (a low-SNR parallax on
// the main sequence), the weights of eq. 2 fall on one or two samples and
// the quantiles are those of a handful of points: too narrow, and coverage
// suffers. Such a star is estimated once more with its K samples drawn,
// stratified, from the same likelihood restricted to the parallax intervals
// where its posterior lies: around each sample that carries weight, between
// its neighbours (so a posterior with two modes keeps both). Inside them the
// proposal is still the likelihood (times a constant), so the weights keep
// the form of eq. 2; outside them the first pass found no weight, which the
// refinement neglects.

// collapsedESS is the effective sample size below which a refined
// estimate is refined again (see refiner): its quantiles fall between two
// or three samples.
const collapsedESS = 4.0

// refineRelWeight is the weight, relative to a star's largest, above which
// a sample counts as carrying posterior weight.
const refineRelWeight = 1e-3

// maxRefineDepth is the number of refinement rounds a star may go through.
// Where the colour draws collapse too, half of a round's samples span the
// whole likelihood (the defensive mixture) and a round narrows little: on
// the demo sky with the survey prior, 16 rounds leave 0.59 % of the stars
// with too few effective samples, 32 rounds 0.34 % (the stars that need
// them are faint, red, low-SNR background stars off the paper-000 CMD),
// at no measurable cost to the catalog's speed. A refinement's iterations
// stop once d_best settles (Config.StopEarly; the paper has no
// refinement).
const maxRefineDepth = 32

// needsRefinement reports whether star s of the chunk just iterated has an
// effective sample size below Config.RefineESS.
func (e *Estimator) needsRefinement(s int) bool {
	if !(e.cfg.RefineESS > 0) || e.zero[s] {
		return false
	}
	k := e.cfg.K
	var s2 float64
	for _, v := range e.w[s*k : (s+1)*k] {
		s2 += v * v
	}
	return 1/s2 < e.cfg.RefineESS
}

// span is a parallax interval [lo, hi] (mas, offset applied).
type span struct{ lo, hi float64 }

// refineSpans returns the parallax intervals of star s's refined samples:
// around every sample that carries weight, from the sample below it to the
// sample above it (0 and +Inf where there is none), overlapping intervals
// merged. A posterior with two modes (a dwarf and a giant solution) keeps
// both, each narrowed around its own samples.
func (e *Estimator) refineSpans(dst []span, p *Prepared, s int) []span {
	k := e.cfg.K
	w := e.w[s*k : (s+1)*k]
	ps := e.order[:k]
	for j := range ps {
		ps[j] = pair{p.Plx[s*k+j], w[j]}
	}
	sortPairs(ps)
	var mx float64
	for _, v := range w {
		mx = max(mx, v)
	}
	dst = dst[:0]
	for j, q := range ps {
		if !(q.w >= refineRelWeight*mx) {
			continue
		}
		lo, hi := 0.0, math.Inf(1)
		if j > 0 {
			lo = ps[j-1].x
		}
		if j+1 < k {
			hi = ps[j+1].x
		}
		if n := len(dst); n > 0 && lo <= dst[n-1].hi {
			dst[n-1].hi = max(dst[n-1].hi, hi)
			continue
		}
		dst = append(dst, span{lo, hi})
	}
	return dst
}

// appendRefined appends star s of p to dst (prepared by the refining
// Estimator r) with r's K samples drawn stratified from the star's
// parallax likelihood restricted to the union of spans: the strata are
// laid over the spans' probabilities end to end.
//
// w are star s's posterior weights in p (normalised): the colour-noise
// draws of the refined samples are centred on their weighted mean (see
// appendRefinedColourNoise).
func (r *Estimator) appendRefined(dst, p *Prepared, s int, spans []span, w []float64) {
	cfg := &r.cfg
	k := cfg.K
	tn := TruncNormal{Mu: p.Parallax[s] + cfg.ParallaxOffset, Sigma: p.ParallaxError[s]}
	ns := len(spans)
	ulo, uhi := make([]float64, ns), make([]float64, ns)
	var total float64
	for i, sp := range spans {
		ulo[i], uhi[i] = tn.CDF(sp.lo), 1.0
		if !math.IsInf(sp.hi, 1) {
			uhi[i] = tn.CDF(sp.hi)
		}
		total += uhi[i] - ulo[i]
	}
	smp := tn.sampler()
	st := &r.rng
	st.reset(cfg.Seed, p.SourceID[s], purposeRefine)
	// With colour noise the collapse may come from the colours, not from
	// g, and the spans could cut the parallax posterior short: then the
	// odd samples come from the whole likelihood (a defensive mixture, as
	// for the colours) and every sample's weight is corrected by
	// likelihood / mixture: 1/(½ + ½/total) inside the spans, 2 outside.
	defensive := r.hasColourNoise(p, s) && total < 1
	inSpans, outside := 0.0, 0.0
	if defensive {
		inSpans, outside = -math.Log(0.5+0.5/total), math.Log(2)
	}
	for j := 0; j < k; j++ {
		if defensive && j%2 == 1 {
			x := smp.quantile((float64(j/2) + st.open()) / float64(k/2))
			if !(x > 0) || math.IsInf(x, 1) {
				x = smp.quantile(0.5)
			}
			corr := outside
			for _, sp := range spans {
				if x >= sp.lo && x <= sp.hi {
					corr = inSpans
				}
			}
			d := 1000 / x
			dst.Plx = append(dst.Plx, x)
			dst.Dist = append(dst.Dist, d)
			dst.Mod = append(dst.Mod, 5*math.Log10(x)-10)
			dst.LogPrior = append(dst.LogPrior, cfg.Prior.logWeight(d)+corr)
			continue
		}
		// Position in the spans' joint probability, then the span.
		jj, kk := j, k
		if defensive {
			jj, kk = j/2, (k+1)/2
		}
		v := total * (float64(jj) + st.open()) / float64(kk)
		i := 0
		for i < ns-1 && v > uhi[i]-ulo[i] {
			v -= uhi[i] - ulo[i]
			i++
		}
		u := min(ulo[i]+v, uhi[i])
		x := smp.quantile(u)
		// Rounding at the interval's ends must not leave it.
		x = min(max(x, spans[i].lo), spans[i].hi)
		if !(x > 0) || math.IsInf(x, 1) {
			x = smp.quantile(0.5 * (ulo[i] + uhi[i]))
		}
		d := 1000 / x
		dst.Plx = append(dst.Plx, x)
		dst.Dist = append(dst.Dist, d)
		dst.Mod = append(dst.Mod, 5*math.Log10(x)-10)
		dst.LogPrior = append(dst.LogPrior, cfg.Prior.logWeight(d)+inSpans)
	}
	st.reset(cfg.Seed, p.SourceID[s], purposeRefineDust)
	for j := 0; j < k; j++ {
		dst.DustU = append(dst.DustU, st.open())
	}
	m1, m2 := weightedColourNoise(p, s, w)
	dst.appendRefinedColourNoise(r, p.SourceID[s], p.SigmaG[s], p.SigmaBP[s], p.SigmaRP[s], m1, m2, r.cmdColours(p, s, w))
	dst.SigmaG = append(dst.SigmaG, p.SigmaG[s])
	dst.SigmaBP = append(dst.SigmaBP, p.SigmaBP[s])
	dst.SigmaRP = append(dst.SigmaRP, p.SigmaRP[s])
	dst.SourceID = append(dst.SourceID, p.SourceID[s])
	dst.Row = append(dst.Row, p.Row[s])
	dst.RA = append(dst.RA, p.RA[s])
	dst.Dec = append(dst.Dec, p.Dec[s])
	dst.L = append(dst.L, p.L[s])
	dst.B = append(dst.B, p.B[s])
	dst.G = append(dst.G, p.G[s])
	dst.BPRP = append(dst.BPRP, p.BPRP[s])
	dst.BPG = append(dst.BPG, p.BPG[s])
	dst.Parallax = append(dst.Parallax, p.Parallax[s])
	dst.ParallaxError = append(dst.ParallaxError, p.ParallaxError[s])
	dst.RUWE = append(dst.RUWE, p.RUWE[s])
	dst.Flags = append(dst.Flags, p.Flags[s]|FlagRefined)
}

// cmdColours returns where the CMD component of star s's refined colour
// draws reads the CMD (see cmdColours), or nil where there is none: a
// density without a grid, or a star without colours.
func (r *Estimator) cmdColours(p *Prepared, s int, w []float64) *cmdColours {
	gd, ok := r.dens.(GridDensity)
	if !ok || p.Flags[s]&FlagNoColour != 0 {
		return nil
	}
	cond := gd.cond.get()
	if cond == nil {
		return nil
	}
	k := p.K
	var md float64
	for j, v := range w {
		md += v * p.Dist[s*k+j]
	}
	cc := &cmdColours{cond: cond}
	cc.g0, cc.a1, cc.a2 = r.dereddenedAt(p, s, md)
	return cc
}

// hasColourNoise reports whether star s of p gets colour-noise draws.
func (r *Estimator) hasColourNoise(p *Prepared, s int) bool {
	return drawsColours(&r.cfg, p.SigmaG[s], p.SigmaBP[s], p.SigmaRP[s])
}

// refiner returns the Estimator that runs refinements: e's configuration
// with RefineK samples rounded up to a multiple of 8, sharing e's density
// and dust map. The rounding draws a refined star's parallax and colour
// components in their exact shares (appendRefinedColourNoise).
func (e *Estimator) refiner() *Estimator {
	if e.fine == nil {
		cfg := e.cfg
		cfg.K, cfg.Stratified = (e.cfg.RefineK+7)/8*8, true
		// Later rounds are for posteriors that collapsed again (below
		// collapsedESS), which each round narrows in on. A star that
		// only had too few samples for good quantiles has RefineK (32 K)
		// after one round; without this, the stars off the CMD
		// (a demo's halo stars, whose weights stay on a few samples
		// however many are drawn) went through all the rounds at RefineK
		// samples each, and the demo's catalog cost 2.6 times as much.
		cfg.RefineESS = min(cfg.RefineESS, collapsedESS)
		// A refinement starts where the first estimate ended; its d_best
		// settles in a few iterations (maxRefineDepth).
		cfg.StopEarly = true
		e.fine = &Estimator{cfg: cfg, dust: e.dust, levels: e.levels}
		if cfg.Quantiles > 0 {
			e.fine.qbuf = make([]float64, cfg.Quantiles)
		}
	}
	// The density, and its marginal in g for the stars without BP/RP.
	e.fine.dens, e.fine.gdens = e.dens, e.gdens
	return e.fine
}
