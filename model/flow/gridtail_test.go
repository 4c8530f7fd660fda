package flow

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGridTailIsReadOutsideTheBox: a grid with a tail gives, outside its
// box, the tail's own interpolation of a function linear in the tail's
// axes (exact there), inside the box its own, beyond the tail's box
// Outside; LogProb3 and a ColumnGrid bit for bit with LogProb. A tail with
// a tail of its own, or of other dimensions, is not valid.
func TestGridTailIsReadOutsideTheBox(t *testing.T) {
	const s = 0.49
	inner := func(z0, z1, z2 float64) float64 { return 1 + 0.5*z0 - z1 + 3*z2 }
	outer := func(x0, x1, x2 float64) float64 { return -7 - 0.2*x0 + 0.4*x1 - 0.9*x2 }
	g := &Grid{Lo: []float64{-4, -1, -0.3}, Hi: []float64{16, 3, 0.3}, N: []int{21, 9, 5}, Outside: math.Inf(-1), Shear: s}
	g.Values = make([]float64, 21*9*5)
	x := make([]float64, 3)
	for i := range g.Values {
		g.node(i, x)
		g.Values[i] = inner(x[0], x[1], x[2]-s*x[1])
	}
	g.Tail = &Grid{Lo: []float64{-12, -3, -2}, Hi: []float64{24, 5, 3}, N: []int{7, 5, 6}, Outside: math.Inf(-1)}
	g.Tail.Values = make([]float64, 7*5*6)
	for i := range g.Tail.Values {
		g.Tail.node(i, x)
		g.Tail.Values[i] = outer(x[0], x[1], x[2])
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var pts []float64
	for i := 0; i < 4000; i++ {
		c1 := -4 + 10*rng.Float64()
		pts = append(pts, -14+40*rng.Float64(), c1, s*c1-1.5+3*rng.Float64())
	}
	var in, tail, out int
	for i, got := range readEveryWay(t, g, pts) {
		p := pts[3*i : 3*i+3]
		z2 := p[2] - s*p[1]
		var want float64
		switch {
		case p[0] >= -4 && p[0] <= 16 && p[1] >= -1 && p[1] <= 3 && z2 >= -0.3 && z2 <= 0.3:
			want = inner(p[0], p[1], z2)
			in++
		case p[0] >= -12 && p[0] <= 24 && p[1] >= -3 && p[1] <= 5 && p[2] >= -2 && p[2] <= 3:
			want = outer(p[0], p[1], p[2])
			tail++
		default:
			want = math.Inf(-1)
			out++
		}
		if !(math.Abs(got-want) <= 1e-9) && got != want {
			t.Fatalf("point %v: %v, want %v", p, got, want)
		}
	}
	if in < 100 || tail < 1000 || out < 100 {
		t.Errorf("points inside the box %d, in its tail %d, beyond %d: the test does not reach every case", in, tail, out)
	}
	for name, bad := range map[string]*Grid{
		"a tail with a tail": {Lo: g.Tail.Lo, Hi: g.Tail.Hi, N: g.Tail.N, Values: g.Tail.Values, Tail: g.Tail},
		"a 1-D tail":         {Lo: []float64{0}, Hi: []float64{1}, N: []int{2}, Values: make([]float64, 2)},
		"a tail with NaN":    {Lo: g.Tail.Lo, Hi: g.Tail.Hi, N: g.Tail.N, Values: append(make([]float64, len(g.Tail.Values)-1), math.NaN())},
	} {
		h := *g
		h.Tail = bad
		if h.Validate() == nil {
			t.Errorf("%s: valid", name)
		}
	}
}

// readEveryWay returns the 3-D grid g's LogProb at each point of pts
// (triples), and fails t unless LogProb3 and a ColumnGrid give the same
// bits at every one.
func readEveryWay(t *testing.T, g *Grid, pts []float64) []float64 {
	t.Helper()
	cols, err := NewColumnGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	n := len(pts) / 3
	one, dst, dcol := make([]float64, n), make([]float64, n), make([]float64, n)
	g.LogProb3(dst, pts)
	cols.LogProb3(dcol, pts)
	for i := range one {
		one[i] = g.LogProb(pts[3*i : 3*i+3])
		if math.Float64bits(dst[i]) != math.Float64bits(one[i]) || math.Float64bits(dcol[i]) != math.Float64bits(one[i]) {
			t.Fatalf("point %v: LogProb3 %v, ColumnGrid %v, LogProb %v", pts[3*i:3*i+3], dst[i], dcol[i], one[i])
		}
	}
	return one
}
