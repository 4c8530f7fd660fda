package flow

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// smallData is a correlated, conditional 2-D set with weights.
func smallData(n int, seed uint64) (x, c *mat.Dense, w []float64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	x = mat.NewDense(n, 2, nil)
	c = mat.NewDense(n, 1, nil)
	w = make([]float64, n)
	for i := 0; i < n; i++ {
		ci := rng.Float64()
		a := rng.NormFloat64()
		x.Set(i, 0, 10+3*a)
		x.Set(i, 1, -2+a*a*0.5+ci+0.3*rng.NormFloat64())
		c.Set(i, 0, 100*ci)
		w[i] = 0.2 + rng.Float64()
	}
	return x, c, w
}

func TestFitHookAndDeterminism(t *testing.T) {
	x, c, w := smallData(600, 1)
	var losses []float64
	opt := Train{Epochs: 6, Batch: 100, LR: 3e-3, Seed: 7, Precision: Float64,
		OnEpoch: func(e Epoch) error {
			if e.Flow == nil || e.Epoch != len(losses)+1 || !math.IsNaN(e.HeldOutLoss) {
				t.Errorf("bad epoch %+v", e)
			}
			// The flow is usable inside the hook.
			e.Flow.LogProb(nil, x, c)
			losses = append(losses, e.Loss)
			return nil
		}}
	cfg := Config{Blocks: 2, Hidden: []int{16, 16}}
	f, err := Fit(x, c, w, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(losses) != 6 || !(losses[5] < losses[0]) {
		t.Errorf("epoch losses %v: want 6, decreasing", losses)
	}
	if f.Meta.Train.Epochs != 6 || f.Meta.Train.Rows != 600 || !f.Meta.Train.Weighted || f.Meta.Train.Options.Batch != 100 {
		t.Errorf("train info %+v", f.Meta.Train)
	}
	// Same seed, same flow, bit for bit.
	opt.OnEpoch = nil
	g, err := Fit(x, c, w, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	a, b := f.LogProb(nil, x, c), g.LogProb(nil, x, c)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different flows: row %d %v != %v", i, a[i], b[i])
		}
	}
	// The training loss of the last epoch is close to the evaluation-mode loss.
	s, ws := 0.0, 0.0
	for i, v := range a {
		s -= w[i] * v
		ws += w[i]
	}
	if math.Abs(s/ws-losses[5]) > 0.2 {
		t.Errorf("evaluation-mode loss %.3f, last epoch's training loss %.3f", s/ws, losses[5])
	}
}

func TestFitStop(t *testing.T) {
	x, c, w := smallData(300, 2)
	n := 0
	_, err := Fit(x, c, w, Config{Blocks: 1, Hidden: []int{8}}, Train{Epochs: 10, Batch: 64,
		OnEpoch: func(e Epoch) error { n++; return ErrStop }})
	if err != nil || n != 1 {
		t.Errorf("ErrStop: err %v after %d epochs", err, n)
	}
	boom := errors.New("boom")
	_, err = Fit(x, c, w, Config{Blocks: 1, Hidden: []int{8}}, Train{Epochs: 10, Batch: 64,
		OnEpoch: func(e Epoch) error { return boom }})
	if !errors.Is(err, boom) {
		t.Errorf("hook error: got %v", err)
	}
}

// TestEarlyStopping trains a large flow on few rows with a high learning
// rate so that it overfits; the held-out loss must stop it and the best
// epoch's parameters must be the ones kept.
func TestEarlyStopping(t *testing.T) {
	x, c, _ := smallData(200, 3)
	var held []float64
	var bestFlowLP []float64
	f, err := Fit(x, c, nil, Config{Blocks: 4, Hidden: []int{64, 64}}, Train{Epochs: 300, Batch: 32, LR: 1e-2,
		HoldOut: 0.3, Patience: 5, Seed: 1, Precision: Float64,
		OnEpoch: func(e Epoch) error {
			held = append(held, e.HeldOutLoss)
			if e.Best {
				bestFlowLP = e.Flow.LogProb(nil, x, c)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	info := f.Meta.Train
	if info.Epochs == 300 || info.HeldOutRows != 60 || info.Rows != 140 {
		t.Fatalf("no early stop: %+v", info)
	}
	if info.Epochs != info.BestEpoch+5 {
		t.Errorf("stopped at epoch %d, best %d, patience 5", info.Epochs, info.BestEpoch)
	}
	for i, v := range held {
		if v < info.HeldOutLoss {
			t.Errorf("epoch %d held-out loss %g below the best %g", i+1, v, info.HeldOutLoss)
		}
	}
	checkSlice(t, "kept parameters are the best epoch's", f.LogProb(nil, x, c), bestFlowLP, 1e-12)
}

func TestWeightDecayAndXavier(t *testing.T) {
	x, c, w := smallData(300, 4)
	norm := func(f *Flow) float64 {
		s := 0.0
		for _, v := range f.params {
			s += v * v
		}
		return s
	}
	a, err := Fit(x, c, w, Config{Blocks: 2, Hidden: []int{16}}, Train{Epochs: 3, Batch: 50, Init: Xavier, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(x, c, w, Config{Blocks: 2, Hidden: []int{16}}, Train{Epochs: 3, Batch: 50, Init: Xavier, Seed: 1, WeightDecay: 1, LR: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	if !(norm(b) < norm(a)) {
		t.Errorf("weight decay did not shrink the weights: %g vs %g", norm(b), norm(a))
	}
}

func TestFitDataErrors(t *testing.T) {
	x, c, w := smallData(50, 5)
	bad := func(m *mat.Dense, i, j int, v float64) *mat.Dense {
		m = mat.DenseCopyOf(m)
		m.Set(i, j, v)
		return m
	}
	constant := mat.DenseCopyOf(x)
	for i := 0; i < 50; i++ {
		constant.Set(i, 1, 4)
	}
	negW := append([]float64(nil), w...)
	negW[3] = -1
	for _, tc := range []struct {
		name    string
		x, c    *mat.Dense
		w       []float64
		opt     Train
		mention string
	}{
		{"NaN", bad(x, 7, 1, math.NaN()), c, w, Train{}, "x row 7 column 1"},
		{"Inf cond", x, bad(c, 2, 0, math.Inf(1)), w, Train{}, "cond row 2"},
		{"negative weight", x, c, negW, Train{}, "weight of row 3"},
		{"zero weights", x, c, make([]float64, 50), Train{}, "sum to zero"},
		{"constant column", constant, c, w, Train{}, "constant"},
		{"one row", mat.NewDense(1, 2, []float64{1, 2}), mat.NewDense(1, 1, []float64{1}), nil, Train{}, "1 rows"},
		{"bad lr", x, c, w, Train{LR: -1}, "LR"},
	} {
		_, err := Fit(tc.x, tc.c, tc.w, Config{Blocks: 1, Hidden: []int{4}}, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.mention)
		}
	}
}

// TestFloat32Training checks that float32 training follows float64: same
// seed, same data, after one epoch the flows' log p agree to 1% per row
// (rounding differences grow through the optimiser's steps) and 1e-3 on
// average.
func TestFloat32Training(t *testing.T) {
	x, c, w := smallData(512, 6)
	var lp [2][]float64
	for i, p := range []Precision{Float64, Float32} {
		f, err := Fit(x, c, w, Config{Blocks: 3, Hidden: []int{32, 32}}, Train{Epochs: 1, Batch: 128, Seed: 2, Precision: p})
		if err != nil {
			t.Fatal(err)
		}
		f.Precision = Float64
		lp[i] = f.LogProb(nil, x, c)
	}
	checkSlice(t, "float32 vs float64 training", lp[1], lp[0], 1e-2)
	if d := math.Abs(mean(lp[1]) - mean(lp[0])); d > 1e-3 {
		t.Errorf("mean log p differs by %g between float32 and float64 training", d)
	}
}

// TestWorkers checks that training on several goroutines gives the same
// flow, bit for bit.
func TestWorkers(t *testing.T) {
	x, c, w := smallData(700, 8)
	var lp [2][]float64
	for i, workers := range []int{1, 3} {
		f, err := Fit(x, c, w, Config{Blocks: 2, Hidden: []int{150, 130}}, Train{Epochs: 1, Batch: 350, Seed: 2, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		lp[i] = f.LogProb(nil, x, c)
	}
	for i := range lp[0] {
		if lp[0][i] != lp[1][i] {
			t.Fatalf("row %d: %v with 1 worker, %v with 3", i, lp[0][i], lp[1][i])
		}
	}
}
