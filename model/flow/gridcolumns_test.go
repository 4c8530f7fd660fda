package flow

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomGrid returns a 3-D grid of n0 x n1 x n2 nodes with random values.
func randomGrid(rng *rand.Rand, n0, n1, n2 int) *Grid {
	g := &Grid{Lo: []float64{-5, -1, -1}, Hi: []float64{17, 5, 3}, N: []int{n0, n1, n2}, Outside: math.Inf(-1)}
	g.Values = make([]float64, n0*n1*n2)
	for i := range g.Values {
		g.Values[i] = -10 * rng.Float64()
	}
	return g
}

// starPoints returns k points for each of stars stars: g spread by gSpread
// mag around a random value, the colours the star's own plus noise of
// colourNoise mag (0: the same for all k, as at observed colours).
func starPoints(rng *rand.Rand, stars, k int, gSpread, colourNoise float64) []float64 {
	x := make([]float64, 3*k*stars)
	for s := range stars {
		gm, c1, c2 := -3+18*rng.Float64(), -0.5+5*rng.Float64(), -0.5+3*rng.Float64()
		for j := range k {
			p := x[3*(s*k+j):]
			p[0], p[1], p[2] = gm+gSpread*rng.NormFloat64(), c1+colourNoise*rng.NormFloat64(), c2+colourNoise*rng.NormFloat64()
		}
	}
	return x
}

// A ColumnGrid gives its Grid's LogProb3, bit for bit, at points inside,
// on the edges and outside the box, with shared and with differing colours.
func TestColumnGridIsGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := randomGrid(rng, 9, 6, 5) // unequal axes: a transposition error shows
	c, err := NewColumnGrid(g)
	if err != nil {
		t.Fatal(err)
	}
	x := starPoints(rng, 50, 8, 3, 0)
	x = append(x, starPoints(rng, 50, 8, 3, 0.5)...)
	edges := [][3]float64{{-5, -1, -1}, {17, 5, 3}, {17, -1, 3}, {-5, 5, -1}, {17.0000001, 0, 0}, {0, math.NaN(), 0},
		{math.NaN(), 1, 1}, {0, 1, math.Inf(1)}, {3, 2, 1}, {3, 2, 1}, {4, 2, 1}, {4, 2.5, 1}}
	for _, e := range edges {
		x = append(x, e[:]...)
	}
	want := make([]float64, len(x)/3)
	got := make([]float64, len(x)/3)
	g.LogProb3(want, x)
	c.LogProb3(got, x)
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("point %d %v: column grid %v, grid %v", i, x[3*i:3*i+3], got[i], want[i])
		}
	}
	if _, err := NewColumnGrid(&Grid{N: []int{3, 3}, Values: make([]float64, 9)}); err == nil {
		t.Error("a 2-D grid made a column grid")
	}
}

// BenchmarkColumnGrid compares the two layouts on a star's K = 32 samples
// (g spread 0.5 mag) at shared colours (the paper's observed colours) and
// with colour noise per sample (0.03 and 0.1 mag: the default catalog
// integrates over the colours' errors).
func BenchmarkColumnGrid(b *testing.B) {
	const n, k, stars = 128, 32, 4096
	rng := rand.New(rand.NewPCG(1, 2))
	g := randomGrid(rng, n, n, n)
	c, err := NewColumnGrid(g)
	if err != nil {
		b.Fatal(err)
	}
	for _, noise := range []float64{0, 0.03, 0.1} {
		x := starPoints(rng, stars, k, 0.5, noise)
		dst := make([]float64, k*stars)
		for _, l := range []struct {
			name string
			f    func(dst, x []float64)
		}{{"grid", g.LogProb3}, {"columns", c.LogProb3}} {
			b.Run(fmt.Sprintf("%s/colour_noise=%g", l.name, noise), func(b *testing.B) {
				for b.Loop() {
					l.f(dst, x)
				}
				b.ReportMetric(float64(b.N)*float64(len(dst))/b.Elapsed().Seconds(), "points/s")
			})
		}
	}
}
