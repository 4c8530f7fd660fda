package flow

import (
	"math"
	"testing"
)

// TestNumValuesMatchesTensors counts the values of the tensors of flows of
// several architectures, as Tensors lists them, against Config.NumValues,
// which a reader of model files uses before making a flow.
func TestNumValuesMatchesTensors(t *testing.T) {
	for _, c := range []Config{{D: 3}, {D: 1, C: 1, Blocks: 2, Hidden: []int{4}}, {D: 4, C: 2, Blocks: 3, Hidden: []int{8, 5, 7}, Ordered: true}, {D: 2, C: 0, Blocks: 1, Hidden: []int{1}}} {
		f, err := New(c, Orthogonal, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ts := range f.Tensors() {
			n += len(ts.Data)
		}
		got, ok := c.NumValues()
		if !ok || got != n {
			t.Errorf("%+v: NumValues %d %v, tensors hold %d", c, got, ok, n)
		}
		if err := f.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if _, ok := (Config{D: 1 << 40, Hidden: []int{1 << 40}}).NumValues(); ok {
		t.Error("an architecture of 2^80 values fits an int")
	}
}

func TestGridValidate(t *testing.T) {
	good := func() *Grid {
		return &Grid{Lo: []float64{0, -1}, Hi: []float64{1, 1}, N: []int{2, 3}, Outside: math.Inf(-1), Floor: -1000,
			Values: []float64{0, 1, 2, 3, 4, 5}}
	}
	if err := good().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]func(*Grid){
		"empty box":      func(g *Grid) { g.Hi[0] = g.Lo[0] },
		"infinite box":   func(g *Grid) { g.Lo[0], g.Hi[0] = -math.MaxFloat64, math.MaxFloat64 },
		"NaN bound":      func(g *Grid) { g.Lo[1] = math.NaN() },
		"one node":       func(g *Grid) { g.N[1] = 1 },
		"values":         func(g *Grid) { g.Values = g.Values[:5] },
		"NaN value":      func(g *Grid) { g.Values[3] = math.NaN() },
		"4 dimensions":   func(g *Grid) { g.N, g.Lo, g.Hi = []int{2, 2, 2, 2}, make([]float64, 4), make([]float64, 4) },
		"box dimensions": func(g *Grid) { g.Lo = g.Lo[:1] },
	} {
		g := good()
		bad(g)
		if err := g.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
