package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// Colour noise in a refined estimate.
//
// Each parallax sample carries one draw of the colours from their
// likelihood (appendColourNoise). Where the CMD is much narrower in colour
// than a faint star's BP and RP errors, few of K draws land on it and the
// weights collapse, as they do for a narrow range of g. The refinement then
// draws the colour noise from a defensive mixture (Hesterberg 1995): half
// the samples from the likelihood itself, half from it narrowed by
// refineColourShrink around the weighted mean of the collapsed draws, and
// adds log(likelihood / mixture) to each sample's log prior weight. The
// weights stay those of the same posterior (importance sampling), and they
// are at most twice what the likelihood's own draws would give, so a star
// whose colours were not the cause loses nothing.
//
// With a gridded CMD (GridDensity) a quarter of the samples instead take
// their colours from the CMD's own distribution at the sample's absolute
// magnitude (colourConditional, as the training's draws do), so the mixture
// is ½ likelihood + ¼ narrowed + ¼ CMD. Why: a faint star's colour noise
// (0.3-0.5 mag per band at G = 20) is several times the width of the
// sequence it lies on, so a narrowed Gaussian around the collapsed draws'
// mean still puts few draws on the sequence, and the posterior stays a
// handful of points: on the demo's sky, whose thick-disk and halo stars
// are faint and red, their [q16, q84] covered the true distance 43.6 % and
// 33.5 % of the time with the two components and 52.1 % and 44.3 % with
// the third (the likelihood's own draws, 1,024 per star: 50.5 % and 41.5
// %), for a sixth more CPU time in the catalog.
//
// The parallax of a refined sample comes from a mixture too (appendRefined:
// odd samples from the whole likelihood, even ones from the spans), and the
// weights correct for the two mixtures as a product, each on its own. That
// holds only if the colour component is drawn independently of the
// parallax one, so it is chosen by j/2, not by j: over every 8 samples
// each of the 2 x 4 pairs occurs once. With both chosen by j (until rows
// version 5) the CMD's and the narrowed colours came only with parallaxes
// from the whole likelihood, the samples were not from the product the
// weights assume, and the estimate converged to another posterior: on
// 1,500 stars with three times DR2's colour errors, the refined stars'
// median |q50 - exact|/width went from 0.0234 at 1,024 samples to only
// 0.0121 at 8,192, their intervals 0.4 % too wide, against 0.0195 ->
// 0.0064 now (TestRefinedSamplesConvergeToTheExactPosterior).

// refineColourShrink is the width of the narrowed component relative to
// the colour likelihood's.
const refineColourShrink = 0.25

// weightedColourNoise returns the mean colour-noise draw of star s of p
// under the normalised weights w.
func weightedColourNoise(p *Prepared, s int, w []float64) (m1, m2 float64) {
	k := p.K
	for j, v := range w {
		m1 += v * p.DBPRP[s*k+j]
		m2 += v * p.DBPG[s*k+j]
	}
	return m1, m2
}

// cmdColours is where the CMD component of a refined star's colour
// proposal reads the CMD: the star's G and colours dereddened by the
// map's median E at its first estimate's posterior mean distance (the
// proposal need only be a density in the colour noise; each sample is
// still dereddened with its own dust draw), and the CMD's conditional.
type cmdColours struct {
	cond       *colourConditional
	g0, a1, a2 float64
}

// appendRefinedColourNoise appends the K colour-noise draws of a refined
// star and adds each draw's importance correction to the star's last K
// LogPrior entries, which must already be appended, as must its last K Mod
// entries (the samples' distance moduli, which place the CMD component).
// Samples with j/2 even come from the likelihood, the others from the
// narrowed component centred on (m1, m2), or, with cc (nil for none),
// those with j/2 = 3 mod 4 from the CMD at the sample's g where the grid
// covers it; so that the component is independent of the parallax's (j
// mod 2), the estimator rounds K up to a multiple of 8 (refiner). With
// Config.ObservedColours or without errors it appends zeros, as
// appendColourNoise does.
func (p *Prepared) appendRefinedColourNoise(e *Estimator, sourceID int64, sg, sbp, srp, m1, m2 float64, cc *cmdColours) {
	k := e.cfg.K
	c11, c12, c22, det := colourCov(sg, sbp, srp)
	if e.cfg.ObservedColours || !mixtureCentreOK(c11, c22, det, m1, m2) {
		p.appendColourNoise(e, sourceID, purposeRefineColour, sg, sbp, srp)
		return
	}
	quad := func(x1, x2 float64) float64 { // xᵀ C⁻¹ x
		return (c22*x1*x1 - 2*c12*x1*x2 + c11*x2*x2) / det
	}
	// The terms below leave out the likelihood's normaliser 1/(2 pi
	// sqrt(det C)); the CMD's density is a full one and gains it back.
	logC := math.Log(2*math.Pi) + 0.5*math.Log(det)
	const f = refineColourShrink
	// log det(f² C)^(1/2) - log det(C)^(1/2): once, not per sample.
	logF2 := 2 * math.Log(f)
	s := &e.rng
	s.reset(e.cfg.Seed, sourceID, purposeRefineColour)
	lp := p.LogPrior[len(p.LogPrior)-k:]
	mod := p.Mod[len(p.Mod)-k:]
	for j := 0; j < k; j++ {
		slice, onGrid := 0, false
		if cc != nil {
			slice, onGrid = cc.cond.slice(cc.g0 + mod[j])
		}
		var d1, d2 float64
		c := (j / 2) % 4 // the colour component, independent of the parallax's (j % 2)
		if onGrid && c == 3 {
			t1, t2 := cc.cond.draw(slice, s.open(), s.open(), s.open())
			d1, d2 = t1-cc.a1, t2-cc.a2
		} else {
			zbp, zrp, zg := s.normal(), s.normal(), s.normal()
			d1, d2 = sbp*zbp-srp*zrp, sbp*zbp-sg*zg
			if c >= 2 {
				d1, d2 = m1+f*d1, m2+f*d2
			}
		}
		p.DBPRP = append(p.DBPRP, d1)
		p.DBPG = append(p.DBPG, d2)
		// log N(d; 0, C), log N(d; m, f² C) and the CMD's density, the
		// normalisers' common factor cancelled (det(f² C) = f⁴ det C).
		a := -0.5 * quad(d1, d2)
		b := -0.5*quad(d1-m1, d2-m2)/(f*f) - logF2
		var mix float64
		if onGrid {
			cd := cc.cond.logDensity(slice, cc.a1+d1, cc.a2+d2) + logC
			mix = logSumExp3(a, b, cd, 0.5, 0.25, 0.25)
		} else {
			// Off the grid's g range the CMD component draws as the
			// narrowed one does, so the mixture is the two of them.
			mix = logSumExp2(a, b, 0.5, 0.5)
		}
		lp[j] += a - mix
	}
}

// colourCov returns the covariance of the (bp-rp, bp-g) noise of a star
// with errors sg, sbp, srp (BP's error is in both colours) and its
// determinant.
func colourCov(sg, sbp, srp float64) (c11, c12, c22, det float64) {
	c11, c12, c22 = sbp*sbp+srp*srp, sbp*sbp, sbp*sbp+sg*sg
	return c11, c12, c22, c11*c22 - c12*c12
}

// mixtureCentreOK reports whether colour noise of covariance (c11, ·, c22)
// and determinant det can be drawn from a defensive mixture centred on
// (m1, m2): a covariance that is not singular and a finite centre.
func mixtureCentreOK(c11, c22, det, m1, m2 float64) bool {
	return det > 1e-12*(c11*c22) && star.Finite(m1) && star.Finite(m2)
}

// drawsColours reports whether a star with these photometric errors gets
// colour-noise draws under cfg: not with Config.ObservedColours, nor
// without any known error.
func drawsColours(cfg *Config, sg, sbp, srp float64) bool {
	return !cfg.ObservedColours && (sg > 0 || sbp > 0 || srp > 0)
}
