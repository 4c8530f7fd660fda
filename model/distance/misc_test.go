package distance

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestWeightedQuantiles(t *testing.T) {
	levels := []float64{0, 0.1, 0.125, 0.25, 0.5, 0.875, 0.9, 1}
	// Equal weights: sample j at (j + 1/2)/4; flat beyond the ends.
	got := WeightedQuantiles(nil, levels, []float64{40, 10, 30, 20}, []float64{1, 1, 1, 1})
	want := []float64{10, 10, 10, 15, 25, 40, 40, 40}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("equal weights: q(%g) = %g, want %g", levels[i], got[i], want[i])
		}
	}
	// Weights 1, 3 (unnormalised) at 0, 10: midpoints at 1/8 and 5/8; a
	// zero weight is ignored.
	got = WeightedQuantiles(nil, []float64{0.125, 0.375, 0.625, 0.9}, []float64{10, 0, 5}, []float64{3, 1, 0})
	want = []float64{0, 5, 10, 10}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("weighted: %v, want %v", got, want)
			break
		}
	}
	got = WeightedQuantiles(nil, []float64{0.5}, []float64{1, 2}, []float64{0, 0})
	if !math.IsNaN(got[0]) {
		t.Errorf("no weight: %v", got)
	}
}

func TestPriorNames(t *testing.T) {
	tab := Prior{Kind: Tabulated, LogD0: 0, DLogD: 0.05, LogNu: []float64{-3.5, -1.25, 0, -0.5}}
	for _, p := range []Prior{{Kind: FlatParallax}, {Kind: FlatDistance}, {Kind: ExpDecreasing, L: 1350}, tab} {
		q, err := ParsePrior(p.String())
		if err != nil || !reflect.DeepEqual(q, p) {
			t.Errorf("ParsePrior(%q) = %v, %v", p.String(), q, err)
		}
	}
	if p, err := ParsePrior("exp-decreasing:500"); err != nil || p.L != 500 || p.Kind != ExpDecreasing {
		t.Errorf("exp-decreasing:500 -> %v, %v", p, err)
	}
	// The table is interpolated linearly in log10 d between bin centres,
	// with the d of the Jacobian: at d = 10^0.05 pc, halfway between the
	// centres of bins 0 and 1.
	if got, want := tab.logWeight(math.Pow(10, 0.05)), -2.375+0.05*math.Ln10; math.Abs(got-want) > 1e-12 {
		t.Errorf("tabulated weight %v, want %v", got, want)
	}
	// Beyond the last bin's centre (log10 d = 0.175) nu falls as d^-3.
	if got, want := tab.logWeight(1e9), -0.5-tabulatedTail*math.Ln10*(9-0.175)+9*math.Ln10; math.Abs(got-want) > 1e-9 {
		t.Errorf("tabulated weight beyond the table %v, want %v", got, want)
	}
	for _, bad := range []string{"tabulated:0:0.05:1", "tabulated:0:0:1,2", "tabulated:0:0.05:1,x", "tabulated:0:0.05"} {
		if _, err := ParsePrior(bad); err == nil {
			t.Errorf("ParsePrior(%q): no error", bad)
		}
	}
	if (Prior{Kind: ExpDecreasing}).String() != "exp-decreasing(L=1000pc)" {
		t.Errorf("default length: %v", Prior{Kind: ExpDecreasing})
	}
	for _, s := range []string{"bailer-jones", "exp-decreasing:-1", "exp-decreasing:x"} {
		if _, err := ParsePrior(s); err == nil {
			t.Errorf("ParsePrior(%q): no error", s)
		}
	}
}

func TestFlagString(t *testing.T) {
	if s := (FlagOffCMD | FlagNegativeParallax).String(); s != "off_cmd|negative_parallax" {
		t.Errorf("String = %q", s)
	}
	if Flag(0).String() != "0" || len(FlagNames()) != numFlags {
		t.Error("flag names")
	}
	for i, n := range FlagNames() {
		if Flag(1<<i).String() != n {
			t.Errorf("bit %d: %q vs %q", i, Flag(1<<i).String(), n)
		}
	}
}

// Streams: distinct keys give distinct streams, and the uniforms stay inside
// (0, 1) at both ends of the 64-bit range.
func TestStreams(t *testing.T) {
	var s stream
	first := func(seed uint64, id int64, p purpose) uint64 {
		s.reset(seed, id, p)
		return s.Uint64()
	}
	seen := map[uint64]bool{}
	for _, k := range []struct {
		seed uint64
		id   int64
		p    purpose
	}{{1, 1, purposeParallax}, {1, 1, purposeDust}, {1, 2, purposeParallax}, {2, 1, purposeParallax}, {0, 0, purposeParallax}, {0, -1, purposeParallax}} {
		v := first(k.seed, k.id, k.p)
		if seen[v] {
			t.Errorf("key %+v repeats a stream", k)
		}
		seen[v] = true
	}
	for _, r := range []uint64{0, math.MaxUint64} {
		u := (float64(r>>12) + 0.5) * (1.0 / (1 << 52))
		if !(u > 0 && u < 1) {
			t.Errorf("uniform from %x is %v", r, u)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{K: 1}, {T: -1}, {Mode: 7}, {MaxRUWE: -1}, {Quantiles: -3}, {Chunk: -1},
		{Prior: Prior{Kind: ExpDecreasing, L: -5}}, {ParallaxOffset: math.NaN()},
		{U0: &U0{}},
	} {
		if c.Validate() == nil {
			t.Errorf("%+v validates", c)
		}
	}
	d := Config{Mode: Training}.WithDefaults()
	if d.K != 32 || d.T != 5 || d.ParallaxOffset != 0.029 || d.MaxRUWE != 1.4 || d.Extinction != PaperExtinction {
		t.Errorf("training defaults %+v", d)
	}
	if d := (Config{}).WithDefaults(); d.T != 10 {
		t.Errorf("catalog T = %d", d.T)
	}
	if _, err := New(Config{}, nil, noDust); err == nil {
		t.Error("nil density: no error")
	}
}

// Extra quantiles come out in order, one set per star, between the 16 and
// 84 % ones where they should.
func TestCatalogQuantiles(t *testing.T) {
	e := mustNew(t, Config{Quantiles: 100, Seed: 4}, gaussG(4, 1), noDust)
	r := e.CatalogBlock(nil, blockOf(testStar(1, 0.5, 0.2, 15, 1, 0.5), testStar(2, 1, 0.3, 14, 1, 0.5)), nil)
	if r.NQuantiles != 100 || len(r.Quantiles) != 200 {
		t.Fatalf("%d quantiles, %d values", r.NQuantiles, len(r.Quantiles))
	}
	for s := 0; s < 2; s++ {
		q := r.Quantiles[100*s : 100*(s+1)]
		for j := 1; j < 100; j++ {
			if q[j] < q[j-1] {
				t.Fatalf("star %d: quantiles not ascending at %d", s, j)
			}
		}
		// level (j+1/2)/100 = 0.495 and 0.505 bracket the median
		if !(q[49] <= r.DistQ50[s] && r.DistQ50[s] <= q[50]) {
			t.Errorf("star %d: median %g outside [%g, %g]", s, r.DistQ50[s], q[49], q[50])
		}
		if r.Samples[s] != 32 || r.Iterations[s] != 1 { // one pass with the dust per sample
			t.Errorf("star %d: %d samples %d iterations", s, r.Samples[s], r.Iterations[s])
		}
	}
}

// StopEarly stops converged stars and says how many iterations ran; the
// answer is the same as running on to T to within the tolerance.
func TestStopEarly(t *testing.T) {
	b := blockOf(testStar(1, 0.5, 0.2, 15, 1, 0.5), testStar(2, 3, 0.01, 10, 1, 0.5))
	full := mustNew(t, Config{Seed: 8, DustAtDBest: true, Converged: -1}, gaussG(4, 1), linearDust{0.5}).CatalogBlock(nil, b, nil)
	early := mustNew(t, Config{Seed: 8, StopEarly: true, Tol: 1e-6, DustAtDBest: true}, gaussG(4, 1), linearDust{0.5}).CatalogBlock(nil, b, nil)
	for s := 0; s < 2; s++ {
		if early.Iterations[s] >= 10 {
			t.Errorf("star %d ran %d iterations", s, early.Iterations[s])
		}
		if relErr(early.DistMean[s], full.DistMean[s]) > 1e-5 {
			t.Errorf("star %d: %g early, %g full", s, early.DistMean[s], full.DistMean[s])
		}
	}
}

// A d_best beyond the map's reliable range is flagged.
func TestDustUnreliable(t *testing.T) {
	e := mustNew(t, Config{Seed: 1}, gaussG(4, 1), constDust{e: 0.1, hole: math.NaN(), rel: 500})
	r := e.CatalogBlock(nil, blockOf(testStar(1, 5, 0.05, 10, 1, 0.5), testStar(2, 0.5, 0.05, 15, 1, 0.5)), nil)
	if r.Flags[0]&FlagDustUnreliable != 0 || r.Flags[1]&FlagDustUnreliable == 0 {
		t.Errorf("flags %v (200 pc) and %v (2 kpc), reliable to 500 pc", r.Flags[0], r.Flags[1])
	}
}

// FuzzParsePrior: a prior comes from the command line, a regen config and a
// model's notes (the survey prior's table). Any string is refused or read
// into a valid prior whose String reads back to the same prior.
func FuzzParsePrior(f *testing.F) {
	for _, s := range []string{"flat-parallax", "flat-distance", "exp-decreasing:1350", "exp-decreasing(L=900pc)",
		"survey", "auto", "tabulated:0:0.05:-3.5,-1.25,0,-0.5", "tabulated:0:0:1", "tabulated:x", "tabulated:0:0.05:NaN,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePrior(s)
		if err != nil {
			return
		}
		if p.NeedsTable() {
			if p.Validate() == nil {
				t.Fatalf("%q: a prior without its table validates", s)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("%q parsed into an invalid prior: %v", s, err)
		}
		q, err := ParsePrior(p.String())
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", s, p.String(), err)
		}
		if q.String() != p.String() {
			t.Fatalf("%q: %q reads back as %q", s, p.String(), q.String())
		}
	})
}

// TestSortPairsIsAStableSort: the bucketed insertion sort gives exactly what
// a stable general sort gives on the few dozen samples of a star (beyond,
// sortPairs is the general sort), on distances of stars of every SNR (long
// tails), with ties, negative values and fewer pairs than it buckets.
func TestSortPairsIsAStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 20000 {
		n := 1 + rng.IntN(maxBucketed)
		ps := make([]pair, n)
		snr := math.Pow(10, rng.Float64()*3-1)
		for i := range ps {
			x := 1000 / TruncNormal{Mu: snr, Sigma: 1}.Quantile(rng.Float64())
			switch trial % 5 {
			case 1:
				x = rng.NormFloat64()
			case 2:
				x = float64(rng.IntN(5)) // ties
			case 3:
				x = float64(rng.IntN(3)) * 5e-324 // keys a subnormal apart
			}
			ps[i] = pair{x, float64(i)}
		}
		want := slices.Clone(ps)
		slices.SortStableFunc(want, cmpPair)
		sortPairs(ps)
		if !slices.Equal(ps, want) {
			t.Fatalf("trial %d: sortPairs gives %v, want %v", trial, ps, want)
		}
	}
}
