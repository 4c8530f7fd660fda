package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"gonum.org/v1/gonum/mat"
)

func TestFlowAndGridDensityAgree(t *testing.T) {
	f, err := flow.New(flow.Config{D: 3, Blocks: 2, Hidden: []int{8}}, flow.Orthogonal, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	f.Precision = flow.Float64
	g, err := flow.NewGrid(f, []float64{-3, -3, -3}, []float64{3, 3, 3}, []int{61, 61, 61}, flow.GridOptions{ErrPoints: -1})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.1, -0.2, 0.3, 1, 1, -1}
	a, b := make([]float64, 2), make([]float64, 2)
	FlowDensity{Flow: f}.LogProb(a, x)
	GridDensity{Grid: g}.LogProb(b, x)
	want := f.LogProb(nil, mat.NewDense(2, 3, x), nil)
	for i := range a {
		if a[i] != want[i] || math.Abs(b[i]-want[i]) > 0.05 {
			t.Errorf("row %d: flow %g grid %g, want %g", i, a[i], b[i], want[i])
		}
	}
}

// GridDensity reads its column layout for batches at shared colours and its
// grid otherwise, with the grid's values either way.
func TestGridDensityLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := &flow.Grid{Lo: []float64{-5, -1, -1}, Hi: []float64{17, 5, 3}, N: []int{20, 12, 9}, Outside: math.Inf(-1)}
	g.Values = make([]float64, 20*12*9)
	for i := range g.Values {
		g.Values[i] = -10 * rng.Float64()
	}
	d, err := NewGridDensity(g)
	if err != nil || d.Columns == nil {
		t.Fatalf("NewGridDensity: %v, columns %v", err, d.Columns)
	}
	for _, shared := range []bool{true, false} {
		x := make([]float64, 3*64)
		for i := range 64 {
			c1, c2 := 0.3+float64(i/8), 0.5 // 8 stars of 8 samples
			if !shared {
				c1 += rng.NormFloat64()
			}
			x[3*i], x[3*i+1], x[3*i+2] = 15*rng.Float64(), c1, c2
		}
		if sharedColours(x) != shared {
			t.Errorf("shared colours %v: sharedColours says %v", shared, !shared)
		}
		got, want := make([]float64, 64), make([]float64, 64)
		d.LogProb(got, x)
		g.LogProb3(want, x)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("shared %v, point %d: %g, grid %g", shared, i, got[i], want[i])
			}
		}
	}
}

// TestMapDust: the analytic Gaussian map through the adapter gives E(g-r)
// = rate x distance and no spread.
func TestMapDust(t *testing.T) {
	gm := &dust.Gaussian{RA: 240, Dec: -10, SigmaRA: 40, SigmaDec: 25, Peak: 0.2}
	m := MapDust{Map: dust.NewExact(gm)}
	l, b := 0.426232, 31.130863 // (ra, dec) = (240, -10), from model/sky
	med, sig, cov, rel := m.Query(l, b, 3000)
	if !cov || !rel || math.Abs(med-0.6) > 1e-6 || sig != 0 {
		t.Errorf("Query: %g %g %v %v, want 0.6 0 true true", med, sig, cov, rel)
	}
	if s := m.Samples(nil, l, b, 3000); len(s) != 1 || math.Abs(s[0]-0.6) > 1e-6 {
		t.Errorf("Samples: %v", s)
	}
}

// notLiner hides a map's Line method, so MapDust.Draws takes its path
// for maps without one.
type notLiner struct{ dust.Map }

// TestMapDustDraws: the per-sample draws of E are what Samples gives at
// each sample's distance, chosen by its u, through a map's Line and
// without one.
func TestMapDustDraws(t *testing.T) {
	g := dust.NewExact(&dust.Gaussian{RA: 240, Dec: -10, SigmaRA: 40, SigmaDec: 25, Peak: 0.2, Base: 0.01})
	dist := []float64{0, 10, 350, 2000, 9000, math.NaN()}
	u := []float64{0, 0.2, 0.5, 0.7, 0.99, 0.4}
	for name, m := range map[string]MapDust{"line": {Map: g}, "no line": {Map: notLiner{g}}} {
		got := make([]float64, len(dist))
		if !m.Draws(got, 30, 45, dist, u) {
			t.Fatalf("%s: not covered", name)
		}
		for j, d := range dist {
			es := m.Samples(nil, 30, 45, d)
			want := es[min(int(u[j]*float64(len(es))), len(es)-1)]
			if got[j] != want && !(math.IsNaN(got[j]) && math.IsNaN(want)) {
				t.Errorf("%s: draw %d at %g pc: %g, Samples gives %g", name, j, d, got[j], want)
			}
		}
	}
}

// samplesOnly is a MapDust seen only through Query and Samples, its
// samples asked of the map point by point (Map.At, no sight line): the
// estimator then asks the map at every iteration, as a Dust of another
// kind is asked.
type samplesOnly struct{ md MapDust }

func (s samplesOnly) Query(l, b, d float64) (float64, float64, bool, bool) {
	return s.md.Query(l, b, d)
}

func (s samplesOnly) Samples(dst []float64, l, b, d float64) []float64 {
	m := s.md.Map
	n, gr := m.Samples(), m.Units().GR
	dst = dst[:0]
	for j := range n {
		p := m.At(l, b, d, dust.DrawFor(j, n))
		if p.Flags&dust.Covered == 0 {
			return dst[:0]
		}
		dst = append(dst, p.Sample*gr)
	}
	return dst
}

// Through eq. 2's iterations a star's sight line is found once (mapLine)
// and gives the rows that asking the map each time gives, bit for bit, on
// an exact map and on a Bayestar-like map of many posterior samples.
func TestSightLineRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	bay, err := dust.NewBayestar(bayestarGridForTest(rng))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := mockPopulation(400, 11, 0)
	for i := range b.L { // all over the sky, through the map's pixels
		b.L[i], b.B[i] = 360*rng.Float64(), math.Asin(2*rng.Float64()-1)*180/math.Pi
		b.Dec[i] = 0
	}
	dens := LogProbFunc(mock.DefaultCMD().LogProb)
	cfg := Config{Mode: Catalog, Seed: 3, DustAtDBest: true, ObservedColours: true, RefineESS: -1}
	for name, m := range map[string]dust.Map{
		"gaussian": dust.NewExact(&dust.Gaussian{RA: 240, Dec: -10, SigmaRA: 40, SigmaDec: 25, Peak: 0.2, Base: 0.01}),
		"bayestar": bay,
	} {
		md := MapDust{Map: m}
		got := mustNew(t, cfg, dens, md).CatalogBlock(nil, b, nil)
		want := mustNew(t, cfg, dens, samplesOnly{md}).CatalogBlock(nil, b, nil)
		if got.Len() != want.Len() || got.Len() == 0 {
			t.Fatalf("%s: %d rows, %d asking the map each time", name, got.Len(), want.Len())
		}
		dusty := 0
		for i := range got.Len() {
			if got.E[i] > 0.01 {
				dusty++
			}
			if got.DistQ50[i] != want.DistQ50[i] || got.DBest[i] != want.DBest[i] || got.E[i] != want.E[i] || got.Flags[i] != want.Flags[i] {
				t.Fatalf("%s, row %d: q50 %v d_best %v E %v flags %v; asking the map each time %v %v %v %v", name, i,
					got.DistQ50[i], got.DBest[i], got.E[i], got.Flags[i], want.DistQ50[i], want.DBest[i], want.E[i], want.Flags[i])
			}
		}
		if dusty < got.Len()/2 {
			t.Errorf("%s: %d of %d rows behind E > 0.01: the test hardly sees the dust", name, dusty, got.Len())
		}
	}
}

// bayestarGridForTest is a full-sky map at nside 2 with 8 posterior
// samples of E growing along each sight line at a rate of the pixel's and
// the sample's own.
func bayestarGridForTest(rng *rand.Rand) dust.Grid {
	g := dust.Grid{Version: "bayestar2019", NumSamples: 8}
	for dm := 4.0; dm <= 19; dm += 0.5 {
		g.DM = append(g.DM, dm)
	}
	for p := range int64(48) {
		g.NSide, g.Pixel = append(g.NSide, 2), append(g.Pixel, p)
		g.DMReliableMin, g.DMReliableMax = append(g.DMReliableMin, 5), append(g.DMReliableMax, 18)
		g.Converged = append(g.Converged, true)
		rates := make([]float32, g.NumSamples)
		for s := range rates {
			rates[s] = float32(0.02 * (1 + rng.Float64()))
		}
		for k := range g.DM {
			g.Best = append(g.Best, 0.03*float32(k+1))
			for _, r := range rates {
				g.Samples = append(g.Samples, r*float32(k+1))
			}
		}
	}
	return g
}
