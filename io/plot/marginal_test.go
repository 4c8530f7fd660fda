package plot

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// TestMarginalAnalytic integrates the toy density whose marginal over bp-g
// is known in closed form (cmdMarginal): the trapezoidal rule on a Gaussian
// of width 0.03 with nodes 0.01 apart is exact to rounding.
func TestMarginalAnalytic(t *testing.T) {
	m := Marginal{NX: 23, NY: 17, Workers: 3}
	g := MarginalCMD(distance.LogProbFunc(cmdDensity), m)
	if g.NX != 23 || g.NY != 17 || g.XLo != -0.5 || g.XHi != 3.5 || g.YLo != -5 || g.YHi != 15 {
		t.Fatalf("grid %d × %d over [%g, %g] × [%g, %g]", g.NX, g.NY, g.XLo, g.XHi, g.YLo, g.YHi)
	}
	var finite int
	for iy := 0; iy < g.NY; iy++ {
		for ix := 0; ix < g.NX; ix++ {
			want := math.Log(cmdMarginal(g.YCentre(iy), g.XCentre(ix)))
			got := g.At(ix, iy)
			if math.IsInf(want, -1) {
				if got > -700 {
					t.Errorf("(%d, %d): %v, want -Inf", ix, iy, got)
				}
				continue
			}
			finite++
			if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("(%d, %d): ln p = %.15g, want %.15g", ix, iy, got, want)
			}
		}
	}
	if finite < 300 {
		t.Errorf("only %d finite cells", finite)
	}
}

// TestMarginalFlow checks the integration of a flow against the flow's
// own exact marginal: an ordered flow's MarginalLogProb of (g, bp-rp).
func TestMarginalFlow(t *testing.T) {
	f, err := flow.New(flow.Config{D: 3, Blocks: 3, Hidden: []int{16, 16}, Ordered: true},
		flow.Orthogonal, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	f.Precision = flow.Float64
	if !f.CanMarginalize(2) {
		t.Fatal("ordered flow cannot marginalise")
	}
	m := Marginal{BPRPLo: -2, BPRPHi: 2, GLo: -2.5, GHi: 2.5, NX: 9, NY: 11,
		BPGLo: -20, BPGHi: 20, NBPG: 8001}
	got := MarginalCMD(distance.FlowDensity{Flow: f}, m)
	x := mat.NewDense(m.NX*m.NY, 2, nil)
	for iy := 0; iy < m.NY; iy++ {
		for ix := 0; ix < m.NX; ix++ {
			x.Set(iy*m.NX+ix, 0, got.YCentre(iy))
			x.Set(iy*m.NX+ix, 1, got.XCentre(ix))
		}
	}
	want := f.MarginalLogProb(nil, x, nil)
	var worst float64
	for i, w := range want {
		worst = math.Max(worst, math.Abs(got.Values[i]-w))
	}
	// The conditional of bp-g is Gaussian for an ordered affine flow, so
	// the rule is exact up to rounding of 8001 terms.
	if worst > 1e-8 {
		t.Errorf("largest |numerical - exact| marginal = %g nats", worst)
	}
	t.Logf("largest |numerical - exact| ln p = %.3g nats", worst)
}

// BenchmarkMarginalFlow measures MarginalCMD on a flow of the paper's size
// (8 blocks of 256 hidden units would be slower; this is the default 5 × 64).
func BenchmarkMarginalFlow(b *testing.B) {
	f, err := flow.New(flow.Config{D: 3}, flow.Orthogonal, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	m := Marginal{NX: 50, NY: 50}
	b.ReportAllocs()
	for b.Loop() {
		MarginalCMD(distance.FlowDensity{Flow: f}, m)
	}
	n := m.NX * m.NY * 401
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "evals/s")
}
