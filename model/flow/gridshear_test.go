package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestShearedGridInterpolatesOnItsAxes: a sheared grid of a function
// linear in its axes (g, c1, c2 - s c1), which trilinear interpolation
// reproduces exactly, gives that function at any point of the data's
// coordinates, by LogProb, LogProb3 and a ColumnGrid alike (the last two
// bit for bit with LogProb), and Outside beyond the sheared box.
func TestShearedGridInterpolatesOnItsAxes(t *testing.T) {
	const s = 0.49
	g := &Grid{Lo: []float64{-5, -1, -0.4}, Hi: []float64{17, 4, 0.4}, N: []int{23, 11, 7}, Outside: math.Inf(-1), Shear: s}
	lin := func(z0, z1, z2 float64) float64 { return 0.3 - 0.7*z0 + 1.9*z1 - 4.1*z2 }
	g.Values = make([]float64, 23*11*7)
	x := make([]float64, 3)
	for i := range g.Values {
		g.node(i, x)
		g.Values[i] = lin(x[0], x[1], x[2]-s*x[1])
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var pts []float64
	for i := 0; i < 3000; i++ {
		c1 := -1 + 5*rng.Float64()
		pts = append(pts, -5+22*rng.Float64(), c1, s*c1-0.5+rng.Float64()) // some beyond +-0.4 of the line
	}
	inside := 0
	for i, got := range readEveryWay(t, g, pts) {
		p := pts[3*i : 3*i+3]
		z2 := p[2] - s*p[1]
		want := lin(p[0], p[1], z2)
		if z2 < -0.4 || z2 > 0.4 {
			want = math.Inf(-1)
		} else {
			inside++
		}
		if !(math.Abs(got-want) <= 1e-9) && got != want {
			t.Fatalf("point %v (across the line %.3f): %v, want %v", p, z2, got, want)
		}
	}
	if inside < 1000 || inside > 2500 {
		t.Errorf("%d of 3000 points inside the sheared box", inside)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		h := *g
		h.Shear = bad
		if h.Validate() == nil {
			t.Errorf("shear %v: valid", bad)
		}
	}
	h := &Grid{Lo: []float64{0, 0}, Hi: []float64{1, 1}, N: []int{2, 2}, Values: make([]float64, 4), Shear: 1}
	if h.Validate() == nil {
		t.Error("a 2-D grid with a shear: valid")
	}
}

// TestNewGridSheared: NewGrid with a shear puts its nodes on the sheared
// axes, so a node's value is the flow's log p at the node's data
// coordinates, and it measures its error there.
func TestNewGridSheared(t *testing.T) {
	f := randomFlow(t, Config{D: 3, Hidden: []int{8}}, 5)
	g, err := NewGrid(f, []float64{-2, -2, -1}, []float64{2, 2, 1}, []int{5, 4, 3}, GridOptions{Shear: 0.5, ErrPoints: 1000})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 3)
	for i := range g.Values {
		g.node(i, x)
		k2 := i % 3
		z2 := -1 + float64(k2)
		if math.Abs(x[2]-0.5*x[1]-z2) > 1e-12 {
			t.Fatalf("node %d at %v: across the line %v, want %v", i, x, x[2]-0.5*x[1], z2)
		}
		want := f.LogProb(nil, mat.NewDense(1, 3, append([]float64(nil), x...)), nil)[0]
		if math.Abs(g.Values[i]-max(want, g.Floor)) > 1e-9 {
			t.Fatalf("node %d: %v, the flow %v", i, g.Values[i], want)
		}
	}
	if _, err := NewGrid(f, []float64{-2, -2, -1}, []float64{2, 2, 1}, []int{5, 4, 3}, GridOptions{Shear: math.NaN()}); err == nil {
		t.Error("a NaN shear: no error")
	}
}
