package distance

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// TestAdaptedProposalsKeepThePosterior: training stars whose colour noise
// (0.15 mag per band) is five times the width of the CMD's sequence and
// whose parallax/error is 5. Their posterior moments (the mean absolute
// magnitude, the mean and the spread of the true bp-rp) are integrated
// numerically over the parallax, the colour analytically (a Gaussian line
// convolved with Gaussian noise). Drawn from the adapted mixture after one
// recomputation (trainProposals), the training draws' mean and spread,
// pooled over 2,000 stars, must be the integral's (the importance
// corrections keep the posterior), with more effective samples than the
// likelihood's K = 32 draws (about 3 here).
func TestAdaptedProposalsKeepThePosterior(t *testing.T) { checkAdaptedPosterior(t, false) }

// TestGridProposalsKeepThePosterior is TestAdaptedProposalsKeepThePosterior
// with the third component, the colours drawn from the CMD's own
// conditional at each sample's g (colourcond.go), read off a 64³ grid of
// the same density: the moments must again be the integral's.
func TestGridProposalsKeepThePosterior(t *testing.T) { checkAdaptedPosterior(t, true) }

func checkAdaptedPosterior(t *testing.T, grid bool) {
	const (
		plx, plxErr = 2.0, 0.4
		gObs        = 12.5
		bprpObs     = 1.1
		sigBand     = 0.15 // mag, in BP and in RP
		width       = 0.03 // of the sequence in bp-rp
		stars       = 2000
	)
	line := func(g float64) float64 { return 0.8 + 0.25*(g-4) }
	logDens := func(g, c, _ float64) float64 {
		zg, zc := (g-4)/2, (c-line(g))/width
		return -zg*zg/2 - zc*zc/2 - math.Log(2*width) - 2*logSqrt2Pi
	}
	dens := LogProbFunc(logDens)
	// The reference: over the parallax x, the weight N(x; plx, err)
	// N(g; 4, 2²) N(bprp_obs; line(g), width² + s²) (s² the bp-rp noise,
	// two bands); given g the true colour is Gaussian with mean
	// (line/width² + obs/s²)/(1/width² + 1/s²) and variance
	// 1/(1/width² + 1/s²).
	s2 := 2 * sigBand * sigBand
	v := 1 / (1/(width*width) + 1/s2)
	var sw, sg, sc, scc float64
	const n = 200000
	lo, hi := 0.01, 4.5
	dx := (hi - lo) / n
	for i := 0; i < n; i++ {
		x := lo + (float64(i)+0.5)*dx
		g := gObs + 5*math.Log10(x) - 10
		zp, zg := (x-plx)/plxErr, (g-4)/2
		zc := (bprpObs - line(g)) / math.Sqrt(width*width+s2)
		w := math.Exp(-zp*zp/2 - zg*zg/2 - zc*zc/2)
		mc := v * (line(g)/(width*width) + bprpObs/s2)
		sw += w
		sg += w * g
		sc += w * mc
		scc += w * (v + mc*mc)
	}
	refG, refC := sg/sw, sc/sw
	refSD := math.Sqrt(scc/sw - refC*refC)

	var b star.Block
	for id := int64(1); id <= stars; id++ {
		r := testStar(id, plx, plxErr, gObs, bprpObs, 0.4)
		foe := 2.5 / math.Ln10 / sigBand
		r.GFluxOverError, r.BPFluxOverError, r.RPFluxOverError = 1e4, foe, foe
		b.Append(r)
	}
	e := mustNew(t, Config{Mode: Training, Seed: 9, NoParallaxOffset: true, K: 32}, dens, noDust)
	p := e.Prepare(nil, &b, nil)
	if p.Len() != stars {
		t.Fatalf("%d of %d stars prepared", p.Len(), stars)
	}
	// moments returns the mean and spread of the stars' posterior draws
	// (the points the flow is trained on, pooled over the stars, which
	// share their data) and the mean effective sample size.
	moments := func(ts *TrainSet) (g, c, sd, ess float64) {
		k := ts.K
		var cc float64
		for i := range ts.Len() {
			var w2 float64
			for _, w := range ts.SampleW[i*k : (i+1)*k] {
				w2 += w * w
			}
			g += ts.GDraw[i]
			c += ts.BPRPDraw[i]
			cc += ts.BPRPDraw[i] * ts.BPRPDraw[i]
			ess += 1 / w2
		}
		m := float64(ts.Len())
		return g / m, c / m, math.Sqrt(cc/m - c*c/m/m), ess / m
	}

	var ts TrainSet
	e.Train(&ts, p)
	lg, lc, lsd, less := moments(&ts)
	t.Logf("reference: g %.3f, bp-rp %.3f, spread %.4f", refG, refC, refSD)
	t.Logf("likelihood draws: g %.3f, bp-rp %.3f, spread %.4f, ESS %.1f of 32", lg, lc, lsd, less)

	// Adapt: the proposals follow the posterior of the last
	// recomputation; the moments, averaged over rounds, must be the
	// posterior's.
	// evidence is the mean of the samples' unnormalised weights: the
	// prior and importance weight times the CMD density, which has the
	// same expectation under every proposal (the star's evidence, up to
	// the constant the colour terms leave out).
	evidence := func(p *Prepared) float64 {
		var s float64
		for i := range p.Len() {
			for j := range p.K {
				ij := i*p.K + j
				s += math.Exp(p.LogPrior[ij] + logDens(p.G[i]+p.Mod[ij], p.BPRP[i]+p.DBPRP[ij], p.BPG[i]+p.DBPG[ij]))
			}
		}
		return s / float64(p.Len()*p.K)
	}
	likeZ := evidence(p)
	ad := newTrainProposals(p)
	ad.update(p, 0, &ts)
	if grid {
		ad.cond = newColourConditional(analyticGrid(logDens, [3]float64{-4, -0.5, -1}, [3]float64{12, 3.5, 1}, 64))
		if ad.cond == nil {
			t.Fatal("no conditional of the grid")
		}
	}
	var ag, ac, asd, aess float64
	const rounds = 4
	for r := uint64(1); r <= rounds; r++ {
		ad.draw(e, p, 0, r)
		if r == 1 {
			// Pooled over 2,000 stars the likelihood's mean weight is
			// good to about 2 %.
			if z := evidence(p); math.Abs(z/likeZ-1) > 0.05 {
				t.Errorf("mean unnormalised weight %.4g with the adapted draws, %.4g with the likelihood's: the importance corrections are off", z, likeZ)
			} else {
				t.Logf("mean unnormalised weight %.4g, likelihood's %.4g", z, likeZ)
			}
		}
		e.Train(&ts, p)
		ad.update(p, 0, &ts)
		g, c, sd, ess := moments(&ts)
		ag, ac, asd, aess = ag+g/rounds, ac+c/rounds, asd+sd/rounds, aess+ess/rounds
	}
	t.Logf("adapted draws:    g %.3f, bp-rp %.3f, spread %.4f, ESS %.1f of 32", ag, ac, asd, aess)
	if math.Abs(ag-refG) > 0.015 || math.Abs(ac-refC) > 0.005 || math.Abs(asd/refSD-1) > 0.1 {
		t.Errorf("adapted posterior moments g %.3f, bp-rp %.3f, spread %.4f; integrated %.3f, %.3f, %.4f", ag, ac, asd, refG, refC, refSD)
	}
	if aess < 1.3*less {
		t.Errorf("adapted ESS %.1f, likelihood's %.1f: the adaptation does not concentrate the samples", aess, less)
	}
}

// analyticGrid tabulates log p on an n³ grid over the box [lo, hi], as
// DistilCMD does for a flow.
func analyticGrid(logp func(g, c1, c2 float64) float64, lo, hi [3]float64, n int) *flow.Grid {
	g := &flow.Grid{Lo: lo[:], Hi: hi[:], N: []int{n, n, n}, Outside: math.Inf(-1), Floor: -1000}
	step := func(j, i int) float64 { return lo[j] + float64(i)*(hi[j]-lo[j])/float64(n-1) }
	for i := range n {
		for j := range n {
			for k := range n {
				g.Values = append(g.Values, max(logp(step(0, i), step(1, j), step(2, k)), g.Floor))
			}
		}
	}
	return g
}
