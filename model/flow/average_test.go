package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Blending n flows with weights 1, 1/2, ..., 1/n leaves their arithmetic
// mean in every weight and running statistic; a blend with weight 1 is
// the other flow, density and all.
func TestBlendIsARunningMean(t *testing.T) {
	cfg := Config{D: 3, Blocks: 2, Hidden: []int{8, 8}}
	var flows []*Flow
	for i := range 3 {
		f, err := New(cfg, Orthogonal, rand.New(rand.NewPCG(uint64(i), 7)))
		if err != nil {
			t.Fatal(err)
		}
		for j := range f.stats {
			f.stats[j] = float64(i*len(f.stats) + j)
		}
		flows = append(flows, f)
	}
	avg := flows[0].Clone()
	for n := 2; n <= len(flows); n++ {
		if err := avg.Blend(flows[n-1], 1/float64(n)); err != nil {
			t.Fatal(err)
		}
	}
	for j := range avg.params {
		want := (flows[0].params[j] + flows[1].params[j] + flows[2].params[j]) / 3
		if math.Abs(avg.params[j]-want) > 1e-15 {
			t.Fatalf("parameter %d: %g, want the mean %g", j, avg.params[j], want)
		}
	}
	for j := range avg.stats {
		if want := (flows[0].stats[j] + flows[1].stats[j] + flows[2].stats[j]) / 3; math.Abs(avg.stats[j]-want) > 1e-12 {
			t.Fatalf("running statistic %d: %g, want the mean %g", j, avg.stats[j], want)
		}
	}

	// The cached evaluator is dropped: after a blend with weight 1 the
	// density is the other flow's.
	x := mat.NewDense(4, 3, []float64{0, 0, 0, 1, -1, 0.5, 2, 0, -1, -0.3, 0.2, 0.1})
	f := flows[0].Clone()
	f.Precision, flows[2].Precision = Float64, Float64
	before := f.LogProb(nil, x, nil)
	if err := f.Blend(flows[2], 1); err != nil {
		t.Fatal(err)
	}
	got, want := f.LogProb(nil, x, nil), flows[2].LogProb(nil, x, nil)
	for i := range got {
		if got[i] != want[i] || got[i] == before[i] {
			t.Errorf("row %d: log p %g after blending with weight 1, want the other flow's %g (before: %g)", i, got[i], want[i], before[i])
		}
	}

	other, err := New(Config{D: 3, Blocks: 3, Hidden: []int{8, 8}}, Orthogonal, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Blend(other, 0.5); err == nil {
		t.Error("blended flows of different architectures")
	}
}
