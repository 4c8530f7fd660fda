package flow

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLogDetJacobian compares the flow's log|det| with the log of the
// absolute determinant of a central-difference Jacobian of x -> u, in data
// units (so the standardisation is included).
func TestLogDetJacobian(t *testing.T) {
	for i, cfg := range []Config{
		{D: 1, C: 1, Blocks: 2, Hidden: []int{5, 5}},
		{D: 3, C: 2, Blocks: 3, Hidden: []int{8, 8}, Activation: Tanh},
		{D: 4, Blocks: 2, Hidden: []int{10, 7, 9}},
		{D: 3, Blocks: 2, Hidden: []int{6, 6}, Ordered: true},
	} {
		f := randomFlow(t, cfg, uint64(10+i))
		st := f.Standardization()
		for j := range st.XScale {
			st.XMean[j], st.XScale[j] = 0.5*float64(j), 1+0.5*float64(j)
		}
		if err := f.SetStandardization(st); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		x, c := benchData(cfg, 5, uint64(i))
		_ = rng
		lp := f.LogProb(nil, x, c)
		u := f.Forward(nil, nil, x, c)
		for r := 0; r < 5; r++ {
			jac := mat.NewDense(cfg.D, cfg.D, nil)
			const h = 1e-6
			for j := 0; j < cfg.D; j++ {
				xp := mat.DenseCopyOf(x.Slice(r, r+1, 0, cfg.D))
				xm := mat.DenseCopyOf(xp)
				xp.Set(0, j, xp.At(0, j)+h)
				xm.Set(0, j, xm.At(0, j)-h)
				var cr *mat.Dense
				if c != nil {
					cr = mat.DenseCopyOf(c.Slice(r, r+1, 0, cfg.C))
				}
				up := f.Forward(nil, nil, xp, cr)
				um := f.Forward(nil, nil, xm, cr)
				for k := 0; k < cfg.D; k++ {
					jac.Set(k, j, (up.At(0, k)-um.At(0, k))/(2*h))
				}
			}
			logAbsDet, _ := mat.LogDet(jac)
			// log p = log N(u) + log|det du/dx|.
			want := logAbsDet
			for k := 0; k < cfg.D; k++ {
				want += -0.5*u.At(r, k)*u.At(r, k) - 0.5*math.Log(2*math.Pi)
			}
			if !near(lp[r], want, 1e-7) {
				t.Errorf("config %d row %d: log p %.12g, from the numerical Jacobian %.12g", i, r, lp[r], want)
			}
		}
	}
}

// TestInverse checks inverse(forward(x)) = x and forward(sample) = u in
// float64, and to float32 accuracy in float32.
func TestInverse(t *testing.T) {
	for i, cfg := range []Config{
		{D: 1, Blocks: 3, Hidden: []int{4}},
		{D: 2, C: 1, Blocks: 4, Hidden: []int{16, 16}},
		{D: 5, C: 1, Blocks: 5, Hidden: []int{33, 20}, Activation: Tanh},
	} {
		f := randomFlow(t, cfg, uint64(20+i))
		x, c := benchData(cfg, 300, uint64(i))
		for _, p := range []Precision{Float64, Float32} {
			f.Precision = p
			tol := 1e-10
			if p == Float32 {
				tol = 1e-3
			}
			u := f.Forward(nil, nil, x, c)
			back := f.Inverse(nil, u, c)
			checkSlice(t, "inverse(forward(x))", back.RawMatrix().Data, x.RawMatrix().Data, tol)
		}
	}
}

// integrate2D returns the integral of exp(logp) over [lo, hi]^2 by the
// midpoint rule with n x n cells.
func integrate2D(f *Flow, lo, hi float64, n int, cond []float64) float64 {
	h := (hi - lo) / float64(n)
	x := mat.NewDense(n*n, 2, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			x.Set(i*n+j, 0, lo+(float64(i)+0.5)*h)
			x.Set(i*n+j, 1, lo+(float64(j)+0.5)*h)
		}
	}
	lp := f.LogProb(nil, x, condRows(cond, n*n))
	s := 0.0
	for _, v := range lp {
		s += math.Exp(v)
	}
	return s * h * h
}

// TestIntegratesToOne integrates 2-D densities (random flows, conditional
// and not, with a standardisation) on a grid.
func TestIntegratesToOne(t *testing.T) {
	for i, cfg := range []Config{
		{D: 2, Blocks: 3, Hidden: []int{16, 16}},
		{D: 2, C: 1, Blocks: 2, Hidden: []int{12}, Activation: Tanh},
	} {
		f := randomFlow(t, cfg, uint64(30+i))
		st := f.Standardization()
		st.XMean[0], st.XScale[1] = 1, 0.7
		if err := f.SetStandardization(st); err != nil {
			t.Fatal(err)
		}
		var cond []float64
		if cfg.C > 0 {
			cond = []float64{0.4}
		}
		got := integrate2D(f, -14, 14, 700, cond)
		if math.Abs(got-1) > 2e-3 {
			t.Errorf("config %d: density integrates to %.6f", i, got)
		}
	}
}

// TestMarginal compares MarginalLogProb with numerical integration of the
// joint density over the trailing dimensions.
func TestMarginal(t *testing.T) {
	// D = 2, ordered: p(x1) = integral p(x1, x2) dx2.
	f := randomFlow(t, Config{D: 2, C: 1, Blocks: 3, Hidden: []int{12, 12}, Ordered: true}, 40)
	cond := []float64{-0.3}
	if !f.CanMarginalize(1) || !f.CanMarginalize(2) {
		t.Fatal("ordered flow: marginal should be exact")
	}
	const n, lo, hi = 4000, -16.0, 16.0
	h := (hi - lo) / n
	for _, x1 := range []float64{-2, -0.5, 0, 0.7, 1.9} {
		x := mat.NewDense(n, 2, nil)
		for j := 0; j < n; j++ {
			x.Set(j, 0, x1)
			x.Set(j, 1, lo+(float64(j)+0.5)*h)
		}
		lp := f.LogProb(nil, x, condRows(cond, n))
		s := 0.0
		for _, v := range lp {
			s += math.Exp(v)
		}
		want := math.Log(s * h)
		got := f.MarginalLogProb(nil, mat.NewDense(1, 1, []float64{x1}), mat.NewDense(1, 1, cond))[0]
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("x1 = %g: marginal log p %.8f, integral %.8f", x1, got, want)
		}
	}
	// D = 3: p(x1, x2) against the integral over x3.
	g := randomFlow(t, Config{D: 3, Blocks: 2, Hidden: []int{10, 10}, Ordered: true}, 41)
	for _, pt := range [][2]float64{{0, 0}, {-1, 0.5}, {1.2, -0.8}} {
		x := mat.NewDense(n, 3, nil)
		for j := 0; j < n; j++ {
			x.Set(j, 0, pt[0])
			x.Set(j, 1, pt[1])
			x.Set(j, 2, lo+(float64(j)+0.5)*h)
		}
		lp := g.LogProb(nil, x, nil)
		s := 0.0
		for _, v := range lp {
			s += math.Exp(v)
		}
		want := math.Log(s * h)
		got := g.MarginalLogProb(nil, mat.NewDense(1, 2, pt[:]), nil)[0]
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("(x1, x2) = %v: marginal log p %.8f, integral %.8f", pt, got, want)
		}
	}
	// k = D is the joint.
	x, _ := benchData(Config{D: 3}, 7, 1)
	checkSlice(t, "marginal of all dimensions", g.MarginalLogProb(nil, x, nil), g.LogProb(nil, x, nil), 1e-12)
	// A flow with Reverse layers has no exact marginal but for one block.
	r := randomFlow(t, Config{D: 3, Blocks: 2, Hidden: []int{4}}, 42)
	if r.CanMarginalize(1) || r.CanMarginalize(2) || !r.CanMarginalize(3) {
		t.Error("reversed 2-block flow: CanMarginalize wrong")
	}
	one := randomFlow(t, Config{D: 2, Blocks: 1, Hidden: []int{8}}, 43)
	if !one.CanMarginalize(1) {
		t.Error("single block: marginal should be exact")
	}
}

// TestSampleDistribution draws from a 1-D flow and compares the sample's
// empirical CDF with the CDF from integrating the density (Kolmogorov-
// Smirnov distance; 1.63/sqrt(n) is the 1% critical value).
func TestSampleDistribution(t *testing.T) {
	f := randomFlow(t, Config{D: 1, C: 1, Blocks: 3, Hidden: []int{8, 8}}, 50)
	const n = 20000
	cond := condRows([]float64{0.5}, n)
	s := f.Sample(nil, n, cond, rand.New(rand.NewPCG(5, 5)))
	xs := append([]float64(nil), s.RawMatrix().Data...)
	sort.Float64s(xs)
	// CDF on a fine grid by the trapezoid rule.
	const m, lo, hi = 20000, -20.0, 20.0
	h := (hi - lo) / m
	grid := mat.NewDense(m+1, 1, nil)
	for i := 0; i <= m; i++ {
		grid.Set(i, 0, lo+float64(i)*h)
	}
	lp := f.LogProb(nil, grid, condRows([]float64{0.5}, m+1))
	cdf := make([]float64, m+1)
	for i := 1; i <= m; i++ {
		cdf[i] = cdf[i-1] + 0.5*h*(math.Exp(lp[i-1])+math.Exp(lp[i]))
	}
	if math.Abs(cdf[m]-1) > 1e-4 {
		t.Fatalf("1-D density integrates to %g", cdf[m])
	}
	ks := 0.0
	for i, x := range xs {
		k := int((x - lo) / h)
		k = max(0, min(m-1, k))
		fr := (x - lo - float64(k)*h) / h
		F := cdf[k] + fr*(cdf[k+1]-cdf[k])
		ks = max(ks, math.Abs(F-float64(i)/n), math.Abs(F-float64(i+1)/n))
	}
	if crit := 1.63 / math.Sqrt(n); ks > crit {
		t.Errorf("KS distance %.4f > %.4f", ks, crit)
	}
}
