package distance

import (
	"math"
	"testing"

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
func TestAdaptedProposalsKeepThePosterior(t *testing.T) {
	const (
		plx, plxErr = 2.0, 0.4
		gObs        = 12.5
		bprpObs     = 1.1
		sigBand     = 0.15 // mag, in BP and in RP
		width       = 0.03 // of the sequence in bp-rp
		stars       = 2000
	)
	line := func(g float64) float64 { return 0.8 + 0.25*(g-4) }
	dens := LogProbFunc(func(g, c, _ float64) float64 {
		zg, zc := (g-4)/2, (c-line(g))/width
		return -zg*zg/2 - zc*zc/2 - math.Log(2*width) - 2*logSqrt2Pi
	})

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
	ad := newTrainProposals(p)
	ad.update(p, 0, &ts)
	var ag, ac, asd, aess float64
	const rounds = 4
	for r := uint64(1); r <= rounds; r++ {
		ad.draw(e, p, 0, r)
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
