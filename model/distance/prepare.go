package distance

import (
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// Prepared holds the stars of a block that passed the cuts, with their K
// parallax samples and what the iteration derives from them once: steps 1
// and 2 of ARCHITECTURE.md's distances pipeline. The per-star columns have Len
// entries; the per-sample columns K × Len, star-major. A trainer may keep a
// Prepared and run Estimator.Train on views of it (Slice) with each new
// density; or Prepare mini-batches again, which gives the same samples.
type Prepared struct {
	K int // samples per star

	SourceID []int64
	Row      []int32   // index of the star in the block it came from
	RA, Dec  []float64 // degrees, ICRS
	L, B     []float64 // degrees, Galactic

	G, BPRP, BPG []float64 // observed (reddened) apparent magnitude and colours, mag

	// Parallax and ParallaxError are as published, mas (before the offset).
	Parallax, ParallaxError []float64
	RUWE                    []float64 // NaN if unknown
	Flags                   []Flag    // flags known before the iteration

	Plx      []float64 // K per star: parallax samples, offset applied, mas, > 0
	Dist     []float64 // K per star: 1000/Plx, pc
	Mod      []float64 // K per star: 5 log10(Plx) - 10 = -(distance modulus), mag
	LogPrior []float64 // K per star: log prior weight of the sample (see Prior)
	DustU    []float64 // K per star (Catalog mode; nil in Training): selects each sample's dust-map draw, in (0, 1)

	// SigmaG, SigmaBP and SigmaRP are the photometric errors, mag (0 where
	// the flux_over_error is unknown); DBPRP and DBPG, K per star, the
	// colour-noise draw of each sample, added to the observed colours
	// (zero with Config.ObservedColours).
	SigmaG, SigmaBP, SigmaRP []float64
	DBPRP, DBPG              []float64
}

// Len returns the number of stars in p.
func (p *Prepared) Len() int { return len(p.SourceID) }

// Reset empties p, keeping its storage.
func (p *Prepared) Reset() {
	p.SourceID, p.Row = p.SourceID[:0], p.Row[:0]
	for _, c := range p.floatColumns() {
		*c = (*c)[:0]
	}
	p.Flags = p.Flags[:0]
}

// reserve makes room in the empty p for n stars of k samples each (dust
// draws too if dust), in one allocation per column: growing by append
// would allocate, and a new process first touch, about twice the memory.
func (p *Prepared) reserve(n, k int, dust bool) {
	p.SourceID = slices.Grow(p.SourceID, n)
	p.Row = slices.Grow(p.Row, n)
	p.Flags = slices.Grow(p.Flags, n)
	perStar := []*[]float64{&p.RA, &p.Dec, &p.L, &p.B, &p.G, &p.BPRP, &p.BPG,
		&p.Parallax, &p.ParallaxError, &p.RUWE, &p.SigmaG, &p.SigmaBP, &p.SigmaRP}
	perSample := []*[]float64{&p.Plx, &p.Dist, &p.Mod, &p.LogPrior, &p.DBPRP, &p.DBPG}
	if dust {
		perSample = append(perSample, &p.DustU)
	}
	for _, c := range perStar {
		*c = slices.Grow(*c, n)
	}
	for _, c := range perSample {
		*c = slices.Grow(*c, n*k)
	}
}

func (p *Prepared) floatColumns() []*[]float64 {
	return []*[]float64{&p.RA, &p.Dec, &p.L, &p.B, &p.G, &p.BPRP, &p.BPG,
		&p.Parallax, &p.ParallaxError, &p.RUWE,
		&p.Plx, &p.Dist, &p.Mod, &p.LogPrior, &p.DustU,
		&p.SigmaG, &p.SigmaBP, &p.SigmaRP, &p.DBPRP, &p.DBPG}
}

// Slice returns a view of stars [i, j) of p, sharing its storage. It panics
// if the range is out of bounds.
func (p *Prepared) Slice(i, j int) Prepared {
	if i < 0 || j < i || j > p.Len() {
		panic("distance: Prepared.Slice out of range")
	}
	k := p.K
	v := Prepared{K: k,
		SourceID: p.SourceID[i:j], Row: p.Row[i:j],
		RA: p.RA[i:j], Dec: p.Dec[i:j], L: p.L[i:j], B: p.B[i:j],
		G: p.G[i:j], BPRP: p.BPRP[i:j], BPG: p.BPG[i:j],
		Parallax: p.Parallax[i:j], ParallaxError: p.ParallaxError[i:j],
		RUWE: p.RUWE[i:j], Flags: p.Flags[i:j],
		Plx: p.Plx[i*k : j*k], Dist: p.Dist[i*k : j*k], Mod: p.Mod[i*k : j*k],
		LogPrior: p.LogPrior[i*k : j*k],
		SigmaG:   p.SigmaG[i:j], SigmaBP: p.SigmaBP[i:j], SigmaRP: p.SigmaRP[i:j],
		DBPRP: p.DBPRP[i*k : j*k], DBPG: p.DBPG[i*k : j*k]}
	if p.DustU != nil {
		v.DustU = p.DustU[i*k : j*k]
	}
	return v
}

// Prepare applies the cuts to the stars of b and draws the parallax samples
// of those that pass into dst (reset first, its storage reused; allocated if
// nil), and returns it. Each star's fate is added to c if c is not nil. The
// cuts, in order (Cut): dec > MinDec; G, BP and BP-RP (or RP) present; a
// parallax with a positive error; in Training a RUWE below MaxRUWE; the dust
// map covering (l, b) (asked at the initial distance estimate).
//
// The samples (paper 000 eq. 1) are x_k = TruncNormal{parallax + offset,
// parallax_error}.Quantile(u_k) with u_k from the star's own stream keyed by
// (Config.Seed, source_id): they do not depend on b's other stars.
func (e *Estimator) Prepare(dst *Prepared, b *star.Block, c *Counts) *Prepared {
	if dst == nil {
		dst = &Prepared{}
	}
	dst.Reset()
	cfg := &e.cfg
	k := cfg.K
	dst.K = k
	dst.reserve(b.Len(), k, cfg.Mode == Catalog)
	var cnt Counts
	for i := range b.SourceID {
		cnt.In++
		g, bp := b.G[i], b.BP[i]
		bprp := b.BPRP[i]
		if math.IsNaN(bprp) {
			bprp = bp - b.RP[i]
		}
		plx, plxErr := b.Parallax[i], b.ParallaxError[i]
		var flags Flag
		if plx < 0 {
			flags |= FlagNegativeParallax
		}
		noColour := !star.Finite(bp) || !star.Finite(bprp)
		if noColour {
			flags |= FlagNoColour
			bp, bprp = math.NaN(), math.NaN()
		}
		ruwe := b.RUWE[i]
		if math.IsNaN(ruwe) && cfg.U0 != nil {
			ruwe = cfg.U0.RUWE(b.Chi2AL[i], b.NGoodObsAL[i], g, bprp)
		}
		sg, sbp, srp := magError(b.GFluxOverError[i]), magError(b.BPFluxOverError[i]), magError(b.RPFluxOverError[i])
		cut := NumCuts
		switch {
		case !(b.Dec[i] > MinDec) || b.Dec[i] > 90:
			cut = CutDec
		case !star.Finite(g) || (noColour && (cfg.Mode == Training || e.gdens == nil)):
			// Without colours the catalog can still use the density's
			// marginal in g; training cannot.
			cut = CutPhotometry
		case !star.Finite(plx) || !(plxErr > 0) || math.IsInf(plxErr, 1):
			cut = CutParallax
		case cfg.Mode == Training && !cfg.PassesFloor(plx, plxErr):
			cut = CutParallax
		case cfg.Mode == Training && !cfg.PassesColourFloor(math.Hypot(sbp, srp)):
			cut = CutColourError
		case math.IsNaN(ruwe):
			if cfg.Mode == Training && !cfg.KeepNoRUWE {
				cut = CutNoRUWE
			}
			flags |= FlagNoRUWE
		case ruwe >= cfg.MaxRUWE:
			if cfg.Mode == Training {
				cut = CutRUWE
			}
			flags |= FlagHighRUWE
		}
		if cut == NumCuts && (!star.Finite(b.L[i]) || !star.Finite(b.B[i])) {
			cut = CutDust
		}
		if cut != NumCuts {
			cnt.Cut[cut]++
			continue
		}
		if cfg.Mode == Training {
			flags &^= FlagNoRUWE | FlagHighRUWE
		}
		n := dst.Len()
		dst.appendSamples(e, b.SourceID[i], plx+cfg.ParallaxOffset, plxErr)
		dst.appendColourNoise(e, b.SourceID[i], purposeColour, sg, sbp, srp)
		// The coverage cut, at the prior-weighted mean distance of the
		// samples: the first distance the iteration asks the map about.
		if _, _, covered, _ := e.dust.Query(b.L[i], b.B[i], meanDist(dst.Dist[n*k:], dst.LogPrior[n*k:], cfg.Prior.Kind == FlatParallax)); !covered {
			dst.truncate(n)
			cnt.Cut[CutDust]++
			continue
		}
		cnt.Kept++
		dst.SourceID = append(dst.SourceID, b.SourceID[i])
		dst.Row = append(dst.Row, int32(i))
		dst.RA = append(dst.RA, b.RA[i])
		dst.Dec = append(dst.Dec, b.Dec[i])
		dst.L = append(dst.L, b.L[i])
		dst.B = append(dst.B, b.B[i])
		dst.G = append(dst.G, g)
		dst.BPRP = append(dst.BPRP, bprp)
		dst.BPG = append(dst.BPG, bp-g)
		dst.Parallax = append(dst.Parallax, plx)
		dst.ParallaxError = append(dst.ParallaxError, plxErr)
		dst.RUWE = append(dst.RUWE, ruwe)
		dst.Flags = append(dst.Flags, flags)
		dst.SigmaG = append(dst.SigmaG, sg)
		dst.SigmaBP = append(dst.SigmaBP, sbp)
		dst.SigmaRP = append(dst.SigmaRP, srp)
	}
	if c != nil {
		c.Add(cnt)
	}
	return dst
}

// appendSamples appends the K samples of one star (and their derived
// columns) to p.
func (p *Prepared) appendSamples(e *Estimator, sourceID int64, mu, sigma float64) {
	cfg := &e.cfg
	k := cfg.K
	tn := TruncNormal{Mu: mu, Sigma: sigma}.sampler()
	s := &e.rng
	s.reset(cfg.Seed, sourceID, purposeParallax)
	for j := 0; j < k; j++ {
		u := s.open()
		if cfg.Stratified {
			u = (float64(j) + u) / float64(k)
		}
		x := tn.quantile(u)
		d := 1000 / x
		p.Plx = append(p.Plx, x)
		p.Dist = append(p.Dist, d)
		p.Mod = append(p.Mod, 5*math.Log10(x)-10)
		p.LogPrior = append(p.LogPrior, cfg.Prior.logWeight(d))
	}
	if cfg.Mode == Catalog {
		s.reset(cfg.Seed, sourceID, purposeDust)
		for j := 0; j < k; j++ {
			p.DustU = append(p.DustU, s.open())
		}
	}
}

// magError returns the magnitude error of a flux measured with the given
// flux/error, by the first-order propagation Gaia's catalogue uses (2.5 /
// ln 10 / (flux/error)); 0 if it is not a positive finite number.
func magError(fluxOverError float64) float64 {
	if !(fluxOverError > 0) || math.IsInf(fluxOverError, 1) {
		return 0
	}
	return 2.5 / math.Ln10 / fluxOverError
}

// appendColourNoise appends the K colour-noise draws of one star: with
// independent Gaussian errors in G, BP and RP, bp-rp moves by sigma_BP z_BP
// - sigma_RP z_RP and bp-g by sigma_BP z_BP - sigma_G z_G (the two colours
// share BP's error). The draws are symmetric, so observed colour plus draw
// samples the likelihood of the true colour. Zero with
// Config.ObservedColours, or where an error is unknown.
func (p *Prepared) appendColourNoise(e *Estimator, sourceID int64, pur purpose, sg, sbp, srp float64) {
	k := e.cfg.K
	if !drawsColours(&e.cfg, sg, sbp, srp) {
		for j := 0; j < k; j++ {
			p.DBPRP = append(p.DBPRP, 0)
			p.DBPG = append(p.DBPG, 0)
		}
		return
	}
	s := &e.rng
	s.reset(e.cfg.Seed, sourceID, pur)
	for j := 0; j < k; j++ {
		zbp, zrp, zg := s.normal(), s.normal(), s.normal()
		p.DBPRP = append(p.DBPRP, sbp*zbp-srp*zrp)
		p.DBPG = append(p.DBPG, sbp*zbp-sg*zg)
	}
}

// truncate drops the samples of stars n and later.
func (p *Prepared) truncate(n int) {
	m := n * p.K
	p.Plx, p.Dist, p.Mod, p.LogPrior = p.Plx[:m], p.Dist[:m], p.Mod[:m], p.LogPrior[:m]
	p.DBPRP, p.DBPG = p.DBPRP[:m], p.DBPG[:m]
	if p.DustU != nil {
		p.DustU = p.DustU[:m]
	}
}

// meanDist returns the mean of d weighted by exp(logPrior) (one star's K
// samples): the initial d_best.
func meanDist(d, logPrior []float64, flatPrior bool) float64 {
	if flatPrior {
		var s float64
		for _, v := range d {
			s += v
		}
		return s / float64(len(d))
	}
	mx := math.Inf(-1)
	for _, l := range logPrior {
		mx = max(mx, l)
	}
	var sw, swd float64
	for j, l := range logPrior {
		w := math.Exp(l - mx)
		sw += w
		swd += w * d[j]
	}
	return swd / sw
}
