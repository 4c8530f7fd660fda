package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// logNormalDistance is a DistanceDensity that is flat in the CMD and
// Gaussian in log10 of the distance (mean mu, width s, dex).
type logNormalDistance struct{ mu, s float64 }

func (l logNormalDistance) LogProb(dst, x []float64) {
	panic("logNormalDistance needs the distance")
}

func (l logNormalDistance) LogProbAt(dst, x, dist []float64) {
	for i := range dst {
		z := (math.Log10(dist[i]) - l.mu) / l.s
		dst[i] = -z * z / 2
	}
}

// TestDistanceDensityWeighsEachSampleAtItsDistance checks that every
// parallax sample is weighted by a DistanceDensity at its own distance, in
// the catalog's one pass and in eq. 2's iterations at d_best (the path the
// training takes): the quantiles against the posterior integrated over
// parallax, likelihood times the density at d = 1000/parallax.
func TestDistanceDensityWeighsEachSampleAtItsDistance(t *testing.T) {
	const plx, plxErr = 1.0, 0.4
	dens := logNormalDistance{mu: math.Log10(700), s: 0.08}
	ref16, ref50, ref84 := integratedDistanceQuantiles(0.3, 3.5, 200000, func(x float64) float64 {
		zp := (x - plx) / plxErr
		z := (math.Log10(1000/x) - dens.mu) / dens.s
		return -zp*zp/2 - z*z/2
	})
	width := ref84 - ref16
	var b star.Block
	for id := int64(1); id <= 200; id++ {
		b.Append(testStar(id, plx, plxErr, 15, 1, 0.3))
	}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"catalog, one pass", Config{Mode: Catalog, Seed: 4, K: 256, NoParallaxOffset: true}},
		{"catalog, eq. 2 at d_best", Config{Mode: Catalog, Seed: 4, K: 256, NoParallaxOffset: true, DustAtDBest: true}},
	} {
		e := mustNew(t, tc.cfg, dens, noDust)
		rows := e.CatalogBlock(nil, &b, nil)
		var errs, ratios []float64
		for i := range rows.SourceID {
			errs = append(errs, math.Abs(rows.DistQ50[i]-ref50)/width)
			ratios = append(ratios, (rows.DistQ84[i]-rows.DistQ16[i])/width)
		}
		medErr, ratio := median(errs), median(ratios)
		t.Logf("%s: median |q50 - ref| = %.3f widths, width ratio %.3f (ref %.0f, %.0f, %.0f pc)", tc.name, medErr, ratio, ref16, ref50, ref84)
		if medErr > 0.1 || math.Abs(ratio-1) > 0.15 {
			t.Errorf("%s: the quantiles are not those of the density at each sample's distance", tc.name)
		}
	}
}

// TestFitCMDConditionedOnDistance trains on two populations of the same
// absolute magnitudes that differ in colour and in distance (blue ones at
// 200-600 pc, red ones at 1.5-3 kpc): the flow conditioned on the distance
// must learn that the colour goes with the distance, which a CMD alone
// cannot say.
func TestFitCMDConditionedOnDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var b star.Block
	const n = 6000
	for i := 0; i < n; i++ {
		d, bprp := 200+400*rng.Float64(), 0.5
		if i%2 == 1 {
			d, bprp = 1500+1500*rng.Float64(), 1.5
		}
		bprp += 0.05 * rng.NormFloat64()
		m := 4 + 0.3*rng.NormFloat64()
		sig := 0.01 + 0.02*rng.Float64()
		b.Append(starAt(int64(i), m, bprp, 0.4*bprp, d, sig, rng))
	}
	e := mustNew(t, Config{Mode: Training, Seed: 3, NoParallaxOffset: true}, flat, constDust{})
	var c Counts
	p := e.Prepare(nil, &b, &c)
	fit := CMDFit{
		Flow:   flow.Config{Blocks: 4, Hidden: []int{32, 32}},
		Opt:    flow.Train{LR: 3e-3, Seed: 1},
		Passes: 8, Batch: 512, Points: PosteriorPoints, DistanceContext: true,
	}
	if _, _, err := FitCMD(e, p, CMDFit{Points: PosteriorPoints, DistanceContext: true, GridNodes: 64}); err == nil {
		t.Error("a CMD conditioned on the distance trained through a grid: want an error")
	}
	f, _, err := FitCMD(e, p, fit)
	if err != nil {
		t.Fatal(err)
	}
	if f.Config().C != 1 || len(f.Meta.CNames) != 1 {
		t.Fatalf("the flow has %d conditions (%v), want 1", f.Config().C, f.Meta.CNames)
	}
	if _, err := DistilCMD(f, 16); err == nil {
		t.Error("distilled a CMD conditioned on the distance to a 3-D grid")
	}
	dens := FlowDensity{Flow: f}
	at := func(bprp, d float64) float64 {
		var lp [1]float64
		dens.LogProbAt(lp[:], []float64{4, bprp, 0.4 * bprp}, []float64{d})
		return lp[0]
	}
	blueNear, blueFar := at(0.5, 400), at(0.5, 2200)
	redNear, redFar := at(1.5, 400), at(1.5, 2200)
	t.Logf("log p: blue at 400 pc %.2f, at 2.2 kpc %.2f; red at 400 pc %.2f, at 2.2 kpc %.2f", blueNear, blueFar, redNear, redFar)
	if !(blueNear-blueFar > 2) || !(redFar-redNear > 2) {
		t.Error("the conditioned flow did not learn which colour lies at which distance")
	}
}

// gAtDistance is a DistanceDensity Gaussian in g around d/1000, width 1.
type gAtDistance struct{}

func (gAtDistance) LogProb(dst, x []float64) { panic("gAtDistance needs the distance") }

func (gAtDistance) LogProbAt(dst, x, dist []float64) {
	for i := range dst {
		z := x[3*i] - dist[i]/1000
		dst[i] = -z*z/2 - logSqrt2Pi
	}
}

func TestMixedCMDIsTheMeanOverDistances(t *testing.T) {
	m := MixedCMD{Dens: gAtDistance{}, Dists: CatalogDistances([]float64{3000, math.NaN(), 1000, -5, math.Inf(1)}, 2)}
	if len(m.Dists) != 2 || m.Dists[0] != 1000 || m.Dists[1] != 3000 {
		t.Fatalf("CatalogDistances = %v, want [1000 3000]", m.Dists)
	}
	var got [2]float64
	m.LogProb(got[:], []float64{1, 0, 0, 2, 0, 0})
	n := func(z float64) float64 { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }
	for i, g := range []float64{1, 2} {
		want := math.Log((n(g-1) + n(g-3)) / 2)
		if math.Abs(got[i]-want) > 1e-12 {
			t.Errorf("g = %g: log p %.15g, want %.15g", g, got[i], want)
		}
	}
}
