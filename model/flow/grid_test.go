package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestGrid builds grids of random 1-, 2- and 3-D flows and checks that they
// reproduce the flow at the nodes exactly, that the measured interpolation
// error is small and shrinks with the node spacing as h^2, and the value
// outside the box.
func TestGrid(t *testing.T) {
	for _, tc := range []struct {
		cfg             Config
		n               []int
		maxErr, meanErr float64 // bounds on what NewGrid measures
	}{
		{Config{D: 1, Blocks: 2, Hidden: []int{8}, Activation: Tanh}, []int{401}, 2e-4, 1e-4},
		{Config{D: 2, C: 1, Blocks: 2, Hidden: []int{8, 8}, Activation: Tanh}, []int{201, 201}, 0.1, 5e-3},
		{Config{D: 3, Blocks: 2, Hidden: []int{8, 8}, Activation: Tanh}, []int{61, 61, 61}, 0.1, 2e-2},
	} {
		f := randomFlow(t, tc.cfg, 60)
		d := tc.cfg.D
		lo, hi := make([]float64, d), make([]float64, d)
		for j := range lo {
			lo[j], hi[j] = -3, 3
		}
		var cond []float64
		if tc.cfg.C > 0 {
			cond = []float64{0.2}
		}
		g, err := NewGrid(f, lo, hi, tc.n, GridOptions{Cond: cond, Outside: -99, Workers: 2, ErrPoints: 20000})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("D=%d nodes %v: max |error| %.2e, mean %.2e, density-weighted mean %.2e", d, tc.n, g.MaxErr, g.MeanErr, g.MeanErrWeighted)
		if g.MaxErr > tc.maxErr || g.MeanErr > tc.meanErr {
			t.Errorf("D=%d: max error %g, mean %g (want <= %g, %g)", d, g.MaxErr, g.MeanErr, tc.maxErr, tc.meanErr)
		}
		// At the nodes, the grid is the flow.
		x := mat.NewDense(7, d, nil)
		for i := 0; i < 7; i++ {
			g.node(i*131%len(g.Values), x.RawRowView(i))
		}
		want := f.LogProb(nil, x, condRows(cond, 7))
		checkSlice(t, "grid at nodes", g.LogProbs(nil, x), want, 1e-12)
		// Outside and NaN.
		out := make([]float64, d)
		out[d-1] = 3.0001
		if v := g.LogProb(out); v != -99 {
			t.Errorf("outside the box: %g, want -99", v)
		}
		out[d-1] = math.NaN()
		if v := g.LogProb(out); v != -99 {
			t.Errorf("NaN: %g, want -99", v)
		}
		// Halving the spacing divides the error by about 4 (linear
		// interpolation of a smooth function).
		if d == 2 {
			g2, err := NewGrid(f, lo, hi, []int{401, 401}, GridOptions{Cond: cond, ErrPoints: 20000})
			if err != nil {
				t.Fatal(err)
			}
			if r := g.MeanErr / g2.MeanErr; r < 3 || r > 5 {
				t.Errorf("error ratio %.2f on halving the spacing, want about 4", r)
			}
		}
	}
	if _, err := NewGrid(randomFlow(t, Config{D: 4, Hidden: []int{4}}, 1), nil, nil, nil, GridOptions{}); err == nil {
		t.Error("grid of a 4-D flow: no error")
	}
}

// TestLogProb3MatchesLogProb: the batch evaluation is LogProb bit for bit,
// inside, on the edges and outside the box.
func TestLogProb3MatchesLogProb(t *testing.T) {
	g := &Grid{Lo: []float64{-1, 0, 2}, Hi: []float64{3, 1, 5}, N: []int{9, 5, 7}, Outside: math.Inf(-1)}
	g.Values = make([]float64, 9*5*7)
	for i := range g.Values {
		g.Values[i] = math.Sin(float64(i) * 0.37)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var x []float64
	for i := 0; i < 5000; i++ {
		x = append(x, -1.5+5*rng.Float64(), -0.2+1.4*rng.Float64(), 1.8+3.4*rng.Float64())
	}
	x = append(x, -1, 0, 2, 3, 1, 5, math.NaN(), 0.5, 3)
	dst := make([]float64, len(x)/3)
	g.LogProb3(dst, x)
	for i := range dst {
		if want := g.LogProb(x[3*i : 3*i+3]); math.Float64bits(want) != math.Float64bits(dst[i]) {
			t.Fatalf("point %d %v: %v, LogProb %v", i, x[3*i:3*i+3], dst[i], want)
		}
	}
}

// BenchmarkGridLogProb3 evaluates a 128³ grid as the distance catalog
// does: each star's 32 samples share its colours and spread in g, so a
// star's lookups fall in one column of the grid and the stars jump about it.
func BenchmarkGridLogProb3(b *testing.B) {
	const n, k, stars = 128, 32, 4096
	g := &Grid{Lo: []float64{-5, -1, -1}, Hi: []float64{17, 5, 3}, N: []int{n, n, n}, Outside: math.Inf(-1)}
	rng := rand.New(rand.NewPCG(1, 2))
	g.Values = make([]float64, n*n*n)
	for i := range g.Values {
		g.Values[i] = -10 * rng.Float64()
	}
	x := make([]float64, 3*k*stars)
	for s := 0; s < stars; s++ {
		gm, c1, c2 := -3+18*rng.Float64(), -0.5+5*rng.Float64(), -0.5+3*rng.Float64()
		for j := 0; j < k; j++ {
			p := x[3*(s*k+j):]
			p[0], p[1], p[2] = gm+0.5*rng.NormFloat64(), c1, c2
		}
	}
	dst := make([]float64, k*stars)
	b.ResetTimer()
	for b.Loop() {
		g.LogProb3(dst, x)
	}
	b.ReportMetric(float64(b.N)*float64(len(dst))/b.Elapsed().Seconds(), "points/s")
}
