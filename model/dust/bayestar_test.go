package dust

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// randomGrid builds a multi-resolution map: every pixel of nside lo is kept,
// left out (a hole) or split in four, recursively up to nside hi. Values are
// increasing in distance so that medians are well defined.
func randomGrid(rng *rand.Rand, lo, hi int32, nsamp, ndm int) Grid {
	g := Grid{Version: "bayestar2019", NumSamples: nsamp}
	for k := 0; k < ndm; k++ {
		g.DM = append(g.DM, 4+0.125*float64(k))
	}
	var add func(nside int32, p int64)
	add = func(nside int32, p int64) {
		r := rng.Float64()
		switch {
		case r < 0.08:
			return // hole
		case r < 0.5 || nside == hi:
			g.NSide = append(g.NSide, nside)
			g.Pixel = append(g.Pixel, p)
			g.DMReliableMin = append(g.DMReliableMin, float32(5+rng.Float64()))
			g.DMReliableMax = append(g.DMReliableMax, float32(14+rng.Float64()))
			g.Converged = append(g.Converged, rng.Float64() < 0.9)
			f := make([]float32, nsamp)
			for s := range f {
				f[s] = float32(0.01 * (1 + 0.2*rng.Float64()))
			}
			for k := 0; k < ndm; k++ {
				g.Best = append(g.Best, float32(0.01*float64(k+1)))
				for s := 0; s < nsamp; s++ {
					g.Samples = append(g.Samples, f[s]*float32(k+1))
				}
			}
		default:
			for q := 4 * p; q < 4*p+4; q++ {
				add(2*nside, q)
			}
		}
	}
	for p := int64(0); p < 12*int64(lo)*int64(lo); p++ {
		add(lo, p)
	}
	return g
}

// TestPixelLevelByLevel checks the one-lookup index against the search that
// dustmaps does: at each nside level, ang2pix and look for that index.
func TestPixelLevelByLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := randomGrid(rng, 8, 256, 2, 3)
	m, err := NewBayestar(g)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[int32]map[int64]int{}
	for i, ns := range g.NSide {
		if levels[ns] == nil {
			levels[ns] = map[int64]int{}
		}
		levels[ns][g.Pixel[i]] = i
	}
	found := 0
	for n := 0; n < 100000; n++ {
		l, b := 360*rng.Float64(), math.Asin(2*rng.Float64()-1)*180/math.Pi
		want := -1
		for ns, idx := range levels {
			if r, ok := idx[sky.NestedPixel(int64(ns), l, b)]; ok {
				want = r
			}
		}
		if got := m.Pixel(l, b); got != want {
			t.Fatalf("(%v, %v): row %d, level-by-level search %d", l, b, got, want)
		}
		if want >= 0 {
			found++
		}
	}
	t.Logf("%d pixels in %d levels; %d of 100000 directions in a pixel", len(g.NSide), len(levels), found)
	// The stored order gives the same index.
	order, err := Index(g.NSide, g.Pixel)
	if err != nil {
		t.Fatal(err)
	}
	g.Order = order
	if _, err := NewBayestar(g); err != nil {
		t.Errorf("with Order: %v", err)
	}
}

func TestCoverageSouth(t *testing.T) {
	// One nside-64 pixel holding Galactic (330, -50), at dec -59: in the
	// file, but south of the Bayestar footprint.
	g := Grid{Version: "bayestar2017", DM: []float64{4, 5}, NumSamples: 1,
		NSide: []int32{64, 64}, Pixel: []int64{sky.NestedPixel(64, 330, -50), sky.NestedPixel(64, 90, 10)},
		DMReliableMin: []float32{4, 4}, DMReliableMax: []float32{5, 5}, Converged: []bool{true, true},
		Samples: []float32{1, 2, 1, 2}, Best: []float32{1, 2, 1, 2}}
	m, err := NewBayestar(g)
	if err != nil {
		t.Fatal(err)
	}
	if _, dec := sky.GalacticToICRS(330, -50); dec > -30 {
		t.Fatalf("test direction at dec %v", dec)
	}
	if p := m.At(330, -50, 500, 0); p.Flags != 0 || !math.IsNaN(p.Median) {
		t.Errorf("south of dec -30: %+v", p)
	}
	if m.Pixel(330, -50) != 0 {
		t.Errorf("the pixel is in the map")
	}
	if p := m.At(90, 10, distOf(4.5), 0); p.Flags&Covered == 0 || math.Abs(p.Median-1.5) > 1e-12 {
		t.Errorf("north: %+v", p)
	}
}

func TestQueryBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := randomGrid(rng, 16, 128, 5, 120)
	m, err := NewBayestar(g)
	if err != nil {
		t.Fatal(err)
	}
	n := 3000
	l, b, d := make([]float64, n), make([]float64, n), make([]float64, n)
	draw := make([]uint64, n)
	for i := range l {
		l[i], b[i] = 360*rng.Float64(), 180*rng.Float64()-90
		d[i] = math.Pow(10, 1+4*rng.Float64())
		draw[i] = rng.Uint64()
	}
	d[0], d[1], d[2] = 0, math.NaN(), -3
	r := m.Query(nil, l, b, d, draw)
	counts := make([]int, 5)
	for i := range l {
		want := m.At(l[i], b[i], d[i], draw[i])
		got := r.Point(i)
		if !samePoint(got, want) {
			t.Fatalf("row %d: Query %+v, At %+v", i, got, want)
		}
		if got.Flags&Covered != 0 {
			counts[got.Index]++
			if got.Std < 0 || got.Sample < 0 {
				t.Errorf("row %d: %+v", i, got)
			}
		}
	}
	t.Logf("samples chosen %v", counts)
	// A second query reuses the result without allocating.
	if a := testing.AllocsPerRun(5, func() { m.Query(r, l, b, d, draw) }); a != 0 {
		t.Errorf("Query allocates %v times", a)
	}
	r2 := m.Query(nil, l, b, d, nil)
	for i := range l {
		if r2.Index[i] != 0 {
			t.Fatalf("nil draw chose sample %d", r2.Index[i])
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("no panic for slices of different lengths")
		}
	}()
	m.Query(nil, l, b[:2], d, nil)
}

func samePoint(a, b Point) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return eq(a.Median, b.Median) && eq(a.Mean, b.Mean) && eq(a.Std, b.Std) && eq(a.Sample, b.Sample) &&
		eq(a.Best, b.Best) && a.Index == b.Index && a.Flags == b.Flags
}

func TestNewBayestarErrors(t *testing.T) {
	base := func() Grid {
		return Grid{Version: "bayestar2019", DM: []float64{4, 5}, NumSamples: 1,
			NSide: []int32{64, 64}, Pixel: []int64{100, 101},
			DMReliableMin: []float32{4, 4}, DMReliableMax: []float32{5, 5}, Converged: []bool{true, true},
			Samples: []float32{1, 2, 1, 2}, Best: []float32{1, 2, 1, 2}}
	}
	tests := []struct {
		name   string
		change func(g *Grid)
		want   string
	}{
		{"ok", func(g *Grid) {}, ""},
		{"overlap", func(g *Grid) { g.NSide[1], g.Pixel[1] = 128, 401 }, "overlap"},
		{"repeated", func(g *Grid) { g.Pixel[1] = 100 }, "overlap"},
		{"nside", func(g *Grid) { g.NSide[0] = 48 }, "power of two"},
		{"index", func(g *Grid) { g.Pixel[0] = 12 * 64 * 64 }, "outside"},
		{"dm", func(g *Grid) { g.DM[1] = 4 }, "increasing"},
		{"samples", func(g *Grid) { g.Samples = g.Samples[:3] }, "sample values"},
		{"best", func(g *Grid) { g.Best = g.Best[:3] }, "best-fit"},
		{"columns", func(g *Grid) { g.Converged = g.Converged[:1] }, "lengths"},
		{"version", func(g *Grid) { g.Version = "bayestar2099" }, "unknown map version"},
		{"units", func(g *Grid) { g.Version, g.Units = "", GRUnits }, ""},
		{"order", func(g *Grid) { g.Order = []int32{1, 0} }, "not sorted"},
		{"order perm", func(g *Grid) { g.Order = []int32{0, 0} }, "permutation"},
		{"nsamp", func(g *Grid) { g.NumSamples = 0 }, "samples per pixel"},
	}
	for _, tt := range tests {
		g := base()
		tt.change(&g)
		_, err := NewBayestar(g)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

func TestSampleIndex(t *testing.T) {
	for _, n := range []int{1, 2, 5, 20, 256} {
		for k := 0; k < n; k++ {
			d := DrawFor(k, n)
			if SampleIndex(d, n) != k || (d > 0 && SampleIndex(d-1, n) != k-1) {
				t.Errorf("n %d: DrawFor(%d) = %d maps to %d", n, k, d, SampleIndex(d, n))
			}
		}
		if SampleIndex(math.MaxUint64, n) != n-1 || SampleIndex(0, n) != 0 {
			t.Errorf("n %d: ends map to %d, %d", n, SampleIndex(0, n), SampleIndex(math.MaxUint64, n))
		}
	}
}

// One map serves many goroutines (the DoFns of a worker) at once.
func TestConcurrentQueries(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	m, err := NewBayestar(randomGrid(rng, 8, 64, 5, 30))
	if err != nil {
		t.Fatal(err)
	}
	n := 2000
	l, b, d := make([]float64, n), make([]float64, n), make([]float64, n)
	draw := make([]uint64, n)
	for i := range l {
		l[i], b[i], d[i], draw[i] = 360*rng.Float64(), 180*rng.Float64()-90, 100+3000*rng.Float64(), rng.Uint64()
	}
	want := m.Query(nil, l, b, d, draw)
	done := make(chan *Result)
	for g := 0; g < 4; g++ {
		go func() { done <- m.Query(nil, l, b, d, draw) }()
	}
	for g := 0; g < 4; g++ {
		got := <-done
		for i := range l {
			if !samePoint(got.Point(i), want.Point(i)) {
				t.Fatalf("goroutine result differs at %d", i)
			}
		}
	}
}
