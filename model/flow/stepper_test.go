package flow

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestStepperMatchesTrain: stepping through the same mini-batches as Train
// in the same order as Train (one batch per epoch) gives the same flow.
func TestStepperMatchesTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	x := mat.NewDense(64, 2, nil)
	for i := 0; i < 64; i++ {
		a := rng.NormFloat64()
		x.Set(i, 0, 3+2*a)
		x.Set(i, 1, a*a+0.3*rng.NormFloat64())
	}
	cfg := Config{D: 2, Blocks: 2, Hidden: []int{16, 16}}
	opt := Train{Epochs: 5, Batch: 64, LR: 1e-2, Precision: Float64, Seed: 3}
	a, err := Fit(x, nil, nil, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	// The same start as Fit: its seed stream and the data's standardisation.
	b, err := New(cfg, Orthogonal, rand.New(rand.NewPCG(opt.Seed, 0x696e6974)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := standardizationOf(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetStandardization(st); err != nil {
		t.Fatal(err)
	}
	b.Precision = Float64
	s, err := NewStepper(b, opt, 64)
	if err != nil {
		t.Fatal(err)
	}
	// Fit's row order: its held-out permutation, then a shuffle per epoch.
	rows := rand.New(rand.NewPCG(opt.Seed, 0x686f6c64)).Perm(64)
	shuffle := rand.New(rand.NewPCG(opt.Seed, 0x73687566))
	xe := mat.NewDense(64, 2, nil)
	for e := 0; e < opt.Epochs; e++ {
		for i, p := range shuffle.Perm(64) {
			xe.SetRow(i, x.RawRowView(rows[p]))
		}
		s.Step(xe, nil, nil)
	}
	pa := a.LogProb(nil, x, nil)
	pb := b.LogProb(nil, x, nil)
	for i := range pa {
		if math.Abs(pa[i]-pb[i]) > 1e-6*(1+math.Abs(pa[i])) {
			t.Fatalf("row %d: Train %g, Stepper %g", i, pa[i], pb[i])
		}
	}
	if s.Steps() != 5 {
		t.Errorf("Steps = %d", s.Steps())
	}
}

// TestStepperSetLR: after SetLR the step is Adam's with the new rate and
// the same moments, so from the same point and gradient it moves each
// parameter by the old step scaled by new/old rate.
func TestStepperSetLR(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	x := mat.NewDense(32, 2, nil)
	for i := 0; i < 32; i++ {
		x.Set(i, 0, rng.NormFloat64())
		x.Set(i, 1, 0.5*rng.NormFloat64())
	}
	cfg := Config{D: 2, Blocks: 2, Hidden: []int{8, 8}}
	opt := Train{LR: 1e-2, Precision: Float64}
	var flows [2]*Flow
	var steppers [2]*Stepper
	for i := range flows {
		f, err := New(cfg, Orthogonal, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		f.Precision = Float64
		s, err := NewStepper(f, opt, 32)
		if err != nil {
			t.Fatal(err)
		}
		flows[i], steppers[i] = f, s
		s.Step(x, nil, nil)
	}
	before := append([]float64(nil), flows[0].params...)
	steppers[1].SetLR(2.5e-3)
	if a, b := steppers[0].LR(), steppers[1].LR(); a != 1e-2 || b != 2.5e-3 {
		t.Fatalf("LR() = %g and %g, want 0.01 and 0.0025", a, b)
	}
	for _, s := range steppers {
		s.Step(x, nil, nil)
	}
	moved := 0
	for j, p0 := range before {
		d0, d1 := flows[0].params[j]-p0, flows[1].params[j]-p0
		if d0 == 0 {
			continue
		}
		moved++
		if r := d1 / d0; math.Abs(r-0.25) > 1e-9 {
			t.Fatalf("parameter %d moved %g with the lower rate, %g with the first (ratio %g, want 0.25)", j, d1, d0, r)
		}
	}
	if moved == 0 {
		t.Fatal("no parameter moved")
	}
}
