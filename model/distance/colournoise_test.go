package distance

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// TestColourNoiseIsMarginalised: a star 0.3 mag redder in bp-rp than a
// narrow main sequence (0.03 mag wide) says, with a 10-sigma parallax, that
// it lies on the sequence and its colour is off by noise: its BP and RP
// errors are 0.15 mag each. The reference is the posterior integrated
// numerically over parallax, with the sequence convolved analytically by
// the colour noise (a Gaussian line: widths add in quadrature). Evaluating
// the density at the observed colour instead (Config.ObservedColours,
// paper 000) drags the star along the sequence to where it would have that
// colour, 2.5 reference widths nearer.
func TestColourNoiseIsMarginalised(t *testing.T) {
	const (
		plx, plxErr = 2.0, 0.2
		gObs        = 12.5
		bprpObs     = 1.1
		sigBand     = 0.15 // mag, in BP and in RP
		width       = 0.03 // of the sequence in bp-rp
	)
	// p(g, bp-rp) = N(g; 4, 2²) N(bp-rp; 0.8 + 0.25 (g - 4), width²); flat in bp-g.
	line := func(g float64) float64 { return 0.8 + 0.25*(g-4) }
	dens := LogProbFunc(func(g, c, _ float64) float64 {
		zg, zc := (g-4)/2, (c-line(g))/width
		return -zg*zg/2 - zc*zc/2 - math.Log(2*width) - 2*logSqrt2Pi
	})
	sc := math.Hypot(width, math.Sqrt2*sigBand) // the line convolved with the bp-rp noise
	ref16, ref50, ref84 := integratedDistanceQuantiles(0.8, 3.2, 200000, func(x float64) float64 {
		g := gObs + 5*math.Log10(x) - 10
		zp, zg, zc := (x-plx)/plxErr, (g-4)/2, (bprpObs-line(g))/sc
		return -zp*zp/2 - zg*zg/2 - zc*zc/2
	})
	refWidth := ref84 - ref16

	var b star.Block
	for id := int64(1); id <= 200; id++ {
		r := testStar(id, plx, plxErr, gObs, bprpObs, 0.4)
		foe := 2.5 / math.Ln10 / sigBand
		r.GFluxOverError, r.BPFluxOverError, r.RPFluxOverError = 1e4, foe, foe
		b.Append(r)
	}
	measure := func(cfg Config) (q50, widthRatio float64) {
		e := mustNew(t, cfg, dens, noDust)
		rows := e.CatalogBlock(nil, &b, nil)
		var q, w []float64
		for i := range rows.SourceID {
			q = append(q, rows.DistQ50[i])
			w = append(w, (rows.DistQ84[i]-rows.DistQ16[i])/refWidth)
		}
		return median(q), median(w)
	}
	// With enough samples the Monte Carlo integral over the colours is the
	// integrated posterior; with the default K = 32 (refined with 64) the
	// weights of so extreme a star (noise 7 times the sequence's width)
	// still rest on few draws and the width falls short, but far less
	// than with the observed colours.
	many := Config{Mode: Catalog, Seed: 4, NoParallaxOffset: true, K: 256}
	q50, ratio := measure(many)
	t.Logf("reference q16, q50, q84 = %.1f, %.1f, %.1f pc; marginalised, K = 256: median q50 %.1f pc, width ratio %.2f", ref16, ref50, ref84, q50, ratio)
	if math.Abs(q50-ref50) > 0.05*refWidth || math.Abs(ratio-1) > 0.1 {
		t.Errorf("K = 256: the colour-marginalised posterior misses the integrated one: q50 %.1f pc against %.1f, width ratio %.2f", q50, ref50, ratio)
	}
	base := Config{Mode: Catalog, Seed: 4, NoParallaxOffset: true}
	q50, ratio = measure(base)
	t.Logf("marginalised, default K: median q50 %.1f pc, width ratio %.2f", q50, ratio)
	if math.Abs(q50-ref50) > 0.1*refWidth || math.Abs(ratio-1) > 0.25 {
		t.Errorf("default K: q50 %.1f pc against %.1f, width ratio %.2f", q50, ref50, ratio)
	}
	obs := base
	obs.ObservedColours = true
	q50, ratio = measure(obs)
	t.Logf("observed colours: median q50 %.1f pc, width ratio %.2f", q50, ratio)
	if math.Abs(q50-ref50) < 0.5*refWidth {
		t.Errorf("the observed colours give q50 %.1f pc, near the reference %.1f: the test no longer tests the marginalisation", q50, ref50)
	}
}
