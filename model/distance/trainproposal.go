package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// Adapted proposals for the training's posterior draws.
//
// A training star's posterior is K importance samples: parallax draws from
// its likelihood, each with a draw of the colour noise from its likelihood
// N(0, C), weighted by the prior and the CMD. The CMD confines a star far
// more than its likelihood does: at fixed absolute magnitude it is a blob of
// 0.08 x 0.04 mag in (bp-rp, bp-g), while a G = 19-21 star's colour noise is
// 0.1-0.6 mag per band, and along the main sequence the colours fix g to
// about 0.2 mag where a parallax/error of 5 allows 0.4. Of K likelihood
// draws only the nearest to the CMD carry weight, and they lie, on average,
// as far from it as it is wide: the posterior draws the flow is trained on
// are wider than the posteriors, so the CMD the training converges to is
// wider than the truth. On a 60,000-star paper-000 sky the learned main
// sequence was 20-45 % too wide at fixed magnitude, its colours correlated
// along BP's error (r 0.3-0.5, the truth 0), the white dwarfs 4x too wide;
// the same sky with ten times smaller colour errors gave KL 0.12 nats
// instead of 0.22, and K = 256 likelihood draws 0.19 against 0.24 with 32.
//
// So from its second recomputation on, a training star's K samples come from
// the defensive mixture (Hesterberg 1995)
//
//	½ L(parallax) N(colour noise; 0, C) + ½ T(parallax) N(colour noise; m, f² C)
//
// even samples from the first component (the likelihood, as prepared), odd
// ones from the second, adapted to the star's posterior at its previous
// recomputation: T the likelihood's truncated normal re-centred on the
// posterior mean parallax with the posterior's spread (between f and 1 times
// the parallax error), m the posterior mean of the colour noise (population
// Monte Carlo, Cappé et al. 2004). Each sample's prior weight gains
// log(likelihood / mixture), so the weights are those of the same posterior,
// at most twice what the likelihood's own draws would give; half the
// samples land where the posterior was.
//
// With the grid in the loop (CMDFit.GridProposals) the adapted half splits
// in two: samples j = 1 mod 4 as above, j = 3 mod 4 with the adapted
// parallax and the colours drawn from the CMD's own conditional at the
// sample's g (colourcond.go), so the mixture is ½ L + ¼ T N + ¼ T p(c | g).

// trainShrink is f: the adapted colour component's width relative to the
// colour likelihood's, and the adapted parallax component's smallest width
// relative to the parallax error.
const trainShrink = refineColourShrink

// trainSpreadInflation widens the adapted parallax component beyond the
// posterior's measured spread, which K weighted samples underestimate where
// few carry weight.
const trainSpreadInflation = 1.5

// maxColourSlope bounds the adapted colour centre's slope in g (mag of
// colour per mag): the CMD's sequences slope by 0.1-0.3, and a slope
// measured on a few weighted samples can be anything.
const maxColourSlope = 1.0

// trainProposals holds the adapted proposals of a training set: per star,
// the posterior mean and spread of the parallax and the mean colour noise at
// its last recomputation, and whether they were set. It owns the sample
// columns of the Prepared it adapts (newTrainProposals copies them), so the
// caller's Prepared is not changed.
type trainProposals struct {
	plx, plxSD []float64
	mod        []float64 // posterior mean of 5 log10(parallax) - 10
	m1, m2     []float64 // posterior mean colour noise at mod
	b1, b2     []float64 // its slopes in mod (the CMD's colour-magnitude slope)
	dist       []float64 // posterior mean distance, pc (where the grid component takes the dust)
	set        []bool

	// cond, if set (a training with the grid in the loop), adds the
	// CMD's own colours at each sample's g as a third component
	// (colourcond.go).
	cond *colourConditional
}

// newTrainProposals makes p's per-sample columns that the proposals rewrite
// its own copies and returns the proposals' state for its stars.
func newTrainProposals(p *Prepared) *trainProposals {
	for _, c := range []*[]float64{&p.Plx, &p.Dist, &p.Mod, &p.LogPrior, &p.DBPRP, &p.DBPG} {
		*c = append([]float64(nil), *c...)
	}
	n := p.Len()
	return &trainProposals{plx: make([]float64, n), plxSD: make([]float64, n), mod: make([]float64, n),
		m1: make([]float64, n), m2: make([]float64, n), b1: make([]float64, n), b2: make([]float64, n),
		dist: make([]float64, n), set: make([]bool, n)}
}

// draw redraws the samples of stars [lo, lo+b.Len()) of the adapted set, b
// their view, from their adapted mixtures, keyed by (seed, round,
// source_id). Stars without a posterior yet keep their prepared samples.
func (t *trainProposals) draw(e *Estimator, b *Prepared, lo int, round uint64) {
	cfg := &e.cfg
	k := b.K
	var s stream
	seed := cfg.Seed ^ keyrand.Mix(round)
	for i := range b.Len() {
		if !t.set[lo+i] {
			continue
		}
		like := TruncNormal{Mu: b.Parallax[i] + cfg.ParallaxOffset, Sigma: b.ParallaxError[i]}
		sd := min(max(trainSpreadInflation*t.plxSD[lo+i], trainShrink*like.Sigma), like.Sigma)
		near := TruncNormal{Mu: t.plx[lo+i], Sigma: sd}
		if like.bad() || near.bad() {
			continue
		}
		sg, sbp, srp := b.SigmaG[i], b.SigmaBP[i], b.SigmaRP[i]
		m1, m2 := t.m1[lo+i], t.m2[lo+i]
		b1, b2, mod0 := t.b1[lo+i], t.b2[lo+i], t.mod[lo+i]
		c11, c12, c22, det := colourCov(sg, sbp, srp)
		colour := b.Flags[i]&FlagNoColour == 0 && drawsColours(cfg, sg, sbp, srp) && mixtureCentreOK(c11, c22, det, m1, m2)
		// The grid component needs the star's dereddened G and colours:
		// with the dust at its last posterior mean distance (the
		// proposal need only be a density in the colour noise, not the
		// training's own dereddening at d_best).
		useCond := colour && t.cond != nil && t.dist[lo+i] > 0
		var g0, a1, a2, logC float64
		if useCond {
			g0, a1, a2 = e.dereddenedAt(b, i, t.dist[lo+i])
			// The colour terms below leave out the likelihood's
			// normaliser 1/(2 pi sqrt(det C)); the grid's density
			// is a full one, so it gains it back.
			logC = math.Log(2*math.Pi) + 0.5*math.Log(det)
		}
		ls, ns := like.sampler(), near.sampler()
		lLike, lNear := truncLogNorm(like), truncLogNorm(near)
		quad := func(x1, x2 float64) float64 { return (c22*x1*x1 - 2*c12*x1*x2 + c11*x2*x2) / det }
		const f = trainShrink
		s.reset(seed, b.SourceID[i], purposeTrainProposal)
		for j := 0; j < k; j++ {
			var x float64
			if j%2 == 0 {
				x = ls.quantile(s.open())
			} else {
				x = ns.quantile(s.open())
			}
			mod := 5*math.Log10(x) - 10
			// The adapted colour centre follows the sample's g along
			// the CMD (the posterior is a ridge, not a blob).
			c1, c2 := m1+b1*(mod-mod0), m2+b2*(mod-mod0)
			// log of the likelihood's and the adapted component's
			// densities at the sample, normalisers included (the
			// colour terms' common factor 1/(2 pi sqrt(det C))
			// cancels; the adapted one has f⁻² more).
			zl, zn := (x-like.Mu)/like.Sigma, (x-near.Mu)/near.Sigma
			a := -0.5*zl*zl - math.Log(like.Sigma) - lLike
			c := -0.5*zn*zn - math.Log(near.Sigma) - lNear
			cg := c // the grid component: the adapted parallax, the CMD's colours
			if colour {
				slice, onGrid := 0, false
				if useCond {
					slice, onGrid = t.cond.slice(g0 + mod)
				}
				var d1, d2 float64
				if useCond && onGrid && j%4 == 3 {
					t1, t2 := t.cond.draw(slice, s.open(), s.open(), s.open())
					d1, d2 = t1-a1, t2-a2
				} else {
					zbp, zrp, zg := s.normal(), s.normal(), s.normal()
					d1, d2 = sbp*zbp-srp*zrp, sbp*zbp-sg*zg
					if j%2 == 1 {
						d1, d2 = c1+f*d1, c2+f*d2
					}
				}
				b.DBPRP[i*k+j], b.DBPG[i*k+j] = d1, d2
				a += -0.5 * quad(d1, d2)
				c += -0.5*quad(d1-c1, d2-c2)/(f*f) - 2*math.Log(f)
				if onGrid {
					// Off the grid's g range the grid component
					// draws as the adapted one does.
					cg += t.cond.logDensity(slice, a1+d1, a2+d2) + logC
				} else {
					cg = c
				}
			}
			d := 1000 / x
			b.Plx[i*k+j], b.Dist[i*k+j], b.Mod[i*k+j] = x, d, mod
			var mix float64
			if useCond {
				mix = logSumExp3(a, c, cg, 0.5, 0.25, 0.25)
			} else {
				mix = logSumExp3(a, c, math.Inf(-1), 0.5, 0.5, 0)
			}
			b.LogPrior[i*k+j] = cfg.Prior.logWeight(d) + a - mix
		}
	}
}

// logSumExp3 returns log(wa e^a + wc e^c + wg e^g) without overflow.
func logSumExp3(a, c, g, wa, wc, wg float64) float64 {
	mx := max(a, c, g)
	if math.IsInf(mx, -1) {
		return mx
	}
	return mx + math.Log(wa*math.Exp(a-mx)+wc*math.Exp(c-mx)+wg*math.Exp(g-mx))
}

// logSumExp2 returns log(wa e^a + wb e^b) without overflow: logSumExp3
// with a third weight of 0, to the bit, for one exponential less.
func logSumExp2(a, b, wa, wb float64) float64 {
	mx := max(a, b)
	if math.IsInf(mx, -1) {
		return mx
	}
	return mx + math.Log(wa*math.Exp(a-mx)+wb*math.Exp(b-mx))
}

// truncLogNorm returns log P(X > 0) of the untruncated normal of d: the
// log normaliser of its truncation to positive values.
func truncLogNorm(d TruncNormal) float64 { return logUpper(d.a()) }

// update sets the posteriors of stars [lo, lo+b.Len()) from the weights of
// ts, the training points just made from b.
func (t *trainProposals) update(b *Prepared, lo int, ts *TrainSet) {
	k := b.K
	for i := range min(b.Len(), ts.Len()) {
		w := ts.SampleW[i*k : (i+1)*k]
		var mp, mm, m1, m2, md float64
		for j, v := range w {
			mp += v * b.Plx[i*k+j]
			md += v * b.Dist[i*k+j]
			mm += v * b.Mod[i*k+j]
			m1 += v * b.DBPRP[i*k+j]
			m2 += v * b.DBPG[i*k+j]
		}
		var vp, vm, c1, c2 float64
		for j, v := range w {
			dm := b.Mod[i*k+j] - mm
			vp += v * (b.Plx[i*k+j] - mp) * (b.Plx[i*k+j] - mp)
			vm += v * dm * dm
			c1 += v * dm * (b.DBPRP[i*k+j] - m1)
			c2 += v * dm * (b.DBPG[i*k+j] - m2)
		}
		var b1, b2 float64
		if vm > 0 {
			b1 = max(-maxColourSlope, min(c1/vm, maxColourSlope))
			b2 = max(-maxColourSlope, min(c2/vm, maxColourSlope))
		}
		t.mod[lo+i], t.b1[lo+i], t.b2[lo+i] = mm, b1, b2
		t.plx[lo+i], t.plxSD[lo+i] = mp, math.Sqrt(vp)
		t.m1[lo+i], t.m2[lo+i], t.set[lo+i] = m1, m2, true
		t.dist[lo+i] = md
	}
}
