package distance

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// The marginal of a grid of a separable Gaussian density is the Gaussian in
// g: the reference is the analytic marginal.
func TestMarginalGIntegratesTheGrid(t *testing.T) {
	norm := func(x, m, s float64) float64 {
		z := (x - m) / s
		return -z*z/2 - math.Log(s) - logSqrt2Pi
	}
	logp := func(x []float64) float64 { return norm(x[0], 4, 1) + norm(x[1], 1, 0.3) + norm(x[2], 0.5, 0.25) }
	g := tabulated([]float64{-2, -1, -1.5}, []float64{10, 3, 2.5}, []int{61, 81, 81}, logp)
	m, err := MarginalG(g)
	if err != nil {
		t.Fatal(err)
	}
	// On the nodes (every 0.2 mag from -2) the integration's error alone.
	for _, v := range []float64{0, 2.4, 4, 5.2, 8} {
		if got, want := m.LogProb([]float64{v}), norm(v, 4, 1); math.Abs(got-want) > 1e-4 {
			t.Errorf("log P(g = %g) = %.5f, want %.5f", v, got, want)
		}
	}

	// With a tail over a wider box: beyond the box in g, the marginal is
	// the tail's integral (the same Gaussian, on 41 x 41 colour nodes).
	g.Tail = tabulated([]float64{-10, -3, -3}, []float64{18, 5, 5}, []int{57, 41, 41}, logp)
	if m, err = MarginalG(g); err != nil || m.Tail == nil {
		t.Fatalf("marginal of a grid with a tail: %v, %+v", err, m)
	}
	for _, v := range []float64{-3, 11, 12.5} {
		if got, want := m.LogProb([]float64{v}), norm(v, 4, 1); math.Abs(got-want) > 0.02 {
			t.Errorf("beyond the box: log P(g = %g) = %.5f, want %.5f", v, got, want)
		}
	}
	if got, want := m.LogProb([]float64{4}), norm(4, 4, 1); math.Abs(got-want) > 1e-4 {
		t.Errorf("inside the box with a tail: log P(g = 4) = %.5f, want %.5f", got, want)
	}
}

// tabulated is the 3-D grid of logp at its nodes over the box [lo, hi]
// with n nodes per axis, -Inf outside.
func tabulated(lo, hi []float64, n []int, logp func(x []float64) float64) *flow.Grid {
	g := &flow.Grid{Lo: lo, Hi: hi, N: n, Outside: math.Inf(-1), Floor: -1000, Values: make([]float64, n[0]*n[1]*n[2])}
	x := make([]float64, 3)
	for i := range g.Values {
		r := i
		for j := 2; j >= 0; j-- {
			k := r % n[j]
			r /= n[j]
			x[j] = lo[j] + float64(k)*(hi[j]-lo[j])/float64(n[j]-1)
		}
		g.Values[i] = logp(x)
	}
	return g
}

// sepDensity is Gaussian in g times Gaussian in bp-rp, with its marginal in
// g.
type sepDensity struct{ m, s float64 }

func (d sepDensity) LogProb(dst, x []float64) {
	for i := range dst {
		z := (x[3*i+1] - 1) / 0.3
		dst[i] = gaussG(d.m, d.s)(x[3*i], 0, 0) - z*z/2 - math.Log(0.3) - logSqrt2Pi
	}
}

func (d sepDensity) LogProbG(dst, g []float64) {
	for i, v := range g {
		dst[i] = gaussG(d.m, d.s)(v, 0, 0)
	}
}

// A star without BP/RP gets the posterior of the marginal density in g: the
// same row, sample for sample, as the star with its colours under a density
// flat in colour with that marginal; it is flagged and its colours are
// empty. Without a marginal (or in training) it is cut as before.
func TestColourlessStarUsesTheMarginal(t *testing.T) {
	with := testStar(1, 0.8, 0.3, 15, 1, 0.4)
	without := with
	without.BP, without.RP, without.BPRP = math.NaN(), math.NaN(), math.NaN()
	cfg := Config{Mode: Catalog, Seed: 2}
	got := mustNew(t, cfg, sepDensity{4, 0.5}, linearDust{rate: 0.1}).CatalogBlock(nil, blockOf(without), nil)
	want := mustNew(t, cfg, gaussG(4, 0.5), linearDust{rate: 0.1}).CatalogBlock(nil, blockOf(with), nil)
	if got.Len() != 1 || want.Len() != 1 {
		t.Fatalf("rows %d and %d, want 1", got.Len(), want.Len())
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"dist_mean", got.DistMean[0], want.DistMean[0]},
		{"dist_std", got.DistStd[0], want.DistStd[0]},
		{"q16", got.DistQ16[0], want.DistQ16[0]},
		{"q50", got.DistQ50[0], want.DistQ50[0]},
		{"q84", got.DistQ84[0], want.DistQ84[0]},
		{"g", got.G[0], want.G[0]},
	} {
		if relErr(c.got, c.want) > 1e-12 {
			t.Errorf("%s = %.15g, want %.15g", c.name, c.got, c.want)
		}
	}
	if got.Flags[0]&FlagNoColour == 0 || want.Flags[0]&FlagNoColour != 0 {
		t.Errorf("flags %v and %v", got.Flags[0], want.Flags[0])
	}
	if !math.IsNaN(got.BPRP[0]) || !math.IsNaN(got.BPG[0]) {
		t.Errorf("colours %g %g, want empty", got.BPRP[0], got.BPG[0])
	}
	var c Counts
	if r := mustNew(t, cfg, gaussG(4, 0.5), noDust).CatalogBlock(nil, blockOf(without), &c); r.Len() != 0 || c.Cut[CutPhotometry] != 1 {
		t.Errorf("a density without a marginal: %d rows, cuts %v", r.Len(), c.Cut)
	}
	c = Counts{}
	e := mustNew(t, Config{Mode: Training, Seed: 2}, sepDensity{4, 0.5}, noDust)
	if p := e.Prepare(nil, blockOf(without), &c); p.Len() != 0 || c.Cut[CutPhotometry] != 1 {
		t.Errorf("training: %d stars kept, cuts %v", p.Len(), c.Cut)
	}
}

// A colourless star whose posterior needs refinement is refined with the
// marginal in g too (the refiner once lacked it and the catalog panicked
// on the first such star): every star is refined here, and the row is the
// same as that of the star with its colours under the density flat in
// colour with that marginal.
func TestColourlessStarIsRefinedWithTheMarginal(t *testing.T) {
	with := testStar(1, 0.8, 0.3, 15, 1, 0.4)
	without := with
	without.BP, without.RP, without.BPRP = math.NaN(), math.NaN(), math.NaN()
	cfg := Config{Mode: Catalog, Seed: 2, RefineESS: 1e6}
	got := mustNew(t, cfg, sepDensity{4, 0.05}, linearDust{rate: 0.1}).CatalogBlock(nil, blockOf(without), nil)
	want := mustNew(t, cfg, gaussG(4, 0.05), linearDust{rate: 0.1}).CatalogBlock(nil, blockOf(with), nil)
	if got.Len() != 1 || want.Len() != 1 {
		t.Fatalf("rows %d and %d, want 1", got.Len(), want.Len())
	}
	if got.Flags[0]&FlagRefined == 0 || got.Flags[0]&FlagNoColour == 0 {
		t.Fatalf("flags %v, want refined and no_colour", got.Flags[0])
	}
	for _, c := range [][2]float64{{got.DistQ16[0], want.DistQ16[0]}, {got.DistQ50[0], want.DistQ50[0]}, {got.DistQ84[0], want.DistQ84[0]}} {
		if relErr(c[0], c[1]) > 1e-12 {
			t.Errorf("quantiles %v %v %v, want %v %v %v", got.DistQ16[0], got.DistQ50[0], got.DistQ84[0], want.DistQ16[0], want.DistQ50[0], want.DistQ84[0])
			break
		}
	}
}
