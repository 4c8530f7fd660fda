package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"gonum.org/v1/gonum/mat"
)

// TestMarginalAnalytic integrates the toy density whose marginal over bp-g
// is known in closed form (cmdMarginal): the trapezoidal rule on a Gaussian
// of width 0.03 with nodes 0.01 apart is exact to rounding.
func TestMarginalAnalytic(t *testing.T) {
	m := Marginal{NX: 23, NY: 17, Workers: 3}
	g := MarginalCMD(LogProbFunc(cmdDensity), m)
	if g.NX != 23 || g.NY != 17 || g.BPRPLo != -0.5 || g.BPRPHi != 3.5 || g.GLo != -5 || g.GHi != 15 {
		t.Fatalf("grid %d × %d over [%g, %g] × [%g, %g]", g.NX, g.NY, g.BPRPLo, g.BPRPHi, g.GLo, g.GHi)
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
	got := MarginalCMD(FlowDensity{Flow: f}, m)
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
		worst = math.Max(worst, math.Abs(got.LogP[i]-w))
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
		MarginalCMD(FlowDensity{Flow: f}, m)
	}
	n := m.NX * m.NY * 401
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "evals/s")
}

// TestMarginalOfNaNIsZeroDensity: NaN log densities count as zero
// density, so their marginal is -Inf.
func TestMarginalOfNaNIsZeroDensity(t *testing.T) {
	g := MarginalCMD(LogProbFunc(func(g, c, bpg float64) float64 { return math.NaN() }), Marginal{NX: 4, NY: 3, NBPG: 5})
	for _, v := range g.LogP {
		if !math.IsInf(v, -1) {
			t.Errorf("marginal of a NaN density = %v, want -Inf (zero density)", v)
		}
	}
}

// cmdDensity is a toy CMD (main sequence, giant branch, white dwarfs) whose
// bp-g is Gaussian about 0.45 bp-rp, so that its marginal over bp-g is
// cmdMarginal in closed form.
func cmdDensity(g, c, bpg float64) float64 {
	return math.Log(cmdMarginal(g, c)) + gaussLog(bpg, 0.45*c, 0.03)
}

func cmdMarginal(g, c float64) float64 {
	ms := math.Exp(gaussLog(c, 1.2, 0.6) + gaussLog(g, 1.5+3.6*c, 0.35))
	gb := math.Exp(gaussLog(c, 1.3, 0.25) + gaussLog(g, 3-5*(c-0.95), 0.4))
	wd := math.Exp(gaussLog(c, 0.2, 0.2) + gaussLog(g, 11.5+2.8*c, 0.4))
	return 0.8*ms + 0.18*gb + 0.02*wd
}

func gaussLog(x, mu, s float64) float64 {
	z := (x - mu) / s
	return -0.5*z*z - math.Log(s*math.Sqrt(2*math.Pi))
}
