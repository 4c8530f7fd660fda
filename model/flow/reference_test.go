package flow

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refFile is a maf_exact_*.json test vector of the independent PyTorch
// reference (testdata/README.md).
type refFile struct {
	D, C     int
	NBlocks  int `json:"n_blocks"`
	Hidden   int
	Act      string
	Momentum float64 `json:"bn_momentum"`
	Eps      float64 `json:"bn_eps"`
	Blocks   []refBlock
	Eval     struct {
		X, C, U [][]float64
		LogProb []float64 `json:"log_prob"`
		Logdet  []float64
		Layers  []struct {
			Layer  string
			Out    [][]float64
			Logdet []float64
		}
	}
	Sample struct {
		U, C, X [][]float64
	}
	TrainStep struct {
		X, C  [][]float64
		W     []float64
		Loss  float64
		Grads []refBlock
		Stats []struct {
			RunningMean []float64 `json:"running_mean"`
			RunningVar  []float64 `json:"running_var"`
		} `json:"running_stats_after_forward"`
	} `json:"train_step"`
	Adam struct {
		LR      float64
		Betas   []float64
		Eps     float64
		Batches []struct {
			X, C [][]float64
			W    []float64
		}
		Losses      []float64
		Grads       [][]refBlock
		BlocksAfter []refBlock `json:"blocks_after"`
	}
}

type refBlock struct {
	Made struct {
		W1, M1, W2, M2, W3, M3, Wc [][]float64
		B1                         []float64 `json:"b1"`
		B2                         []float64 `json:"b2"`
		B3                         []float64 `json:"b3"`
	}
	BN struct {
		LogGamma    []float64 `json:"log_gamma"`
		Beta        []float64
		RunningMean []float64 `json:"running_mean"`
		RunningVar  []float64 `json:"running_var"`
	} `json:"bn"`
}

var refNames = []string{"maf_exact_relu_D1_C1.json", "maf_exact_relu_D3_C2.json", "maf_exact_tanh_D4_C0.json"}

func loadRef(t testing.TB, name string) *refFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var r refFile
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &r
}

func flat(m [][]float64) []float64 {
	var v []float64
	for _, r := range m {
		v = append(v, r...)
	}
	return v
}

func toDense(m [][]float64) *mat.Dense {
	if len(m) == 0 || len(m[0]) == 0 {
		return nil
	}
	return mat.NewDense(len(m), len(m[0]), flat(m))
}

// refFlow builds the reference's flow in float64.
func refFlow(t testing.TB, r *refFile) *Flow {
	t.Helper()
	act, err := ParseActivation(r.Act)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{D: r.D, C: r.C, Blocks: r.NBlocks, Hidden: []int{r.Hidden, r.Hidden},
		Activation: act, Momentum: r.Momentum, Eps: r.Eps}
	f, err := New(cfg, Orthogonal, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Precision = Float64
	setRefBlocks(t, f, r.Blocks)
	return f
}

func setRefBlocks(t testing.TB, f *Flow, blocks []refBlock) {
	for i, rb := range blocks {
		b := &f.blocks[i]
		copy(b.W[0], flat(rb.Made.W1))
		copy(b.W[1], flat(rb.Made.W2))
		copy(b.W[2], flat(rb.Made.W3))
		copy(b.B[0], rb.Made.B1)
		copy(b.B[1], rb.Made.B2)
		copy(b.B[2], rb.Made.B3)
		copy(b.Wc, flat(rb.Made.Wc))
		copy(b.LogGamma, rb.BN.LogGamma)
		copy(b.Beta, rb.BN.Beta)
		copy(b.RunMean, rb.BN.RunningMean)
		copy(b.RunVar, rb.BN.RunningVar)
		for l, m := range [][][]float64{rb.Made.M1, rb.Made.M2, rb.Made.M3} {
			if m == nil {
				continue
			}
			if !equalSlices(flat(m), f.masks[l], 0) {
				t.Fatalf("block %d: mask %d differs from the reference's", i, l+1)
			}
		}
	}
	f.changed()
}

func equalSlices(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i], tol) {
			return false
		}
	}
	return true
}

// near reports |a-b| <= tol * max(1, |b|).
func near(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	s := b
	if s < 0 {
		s = -s
	}
	return d <= tol*max(1, s)
}

func checkSlice(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: length %d, want %d", what, len(got), len(want))
		return
	}
	worst, at := 0.0, -1
	for i := range got {
		d := got[i] - want[i]
		if d < 0 {
			d = -d
		}
		d /= max(1, abs(want[i]))
		if d > worst || d != d {
			worst, at = d, i
		}
	}
	if worst > tol || worst != worst {
		t.Errorf("%s: element %d = %.17g, want %.17g (error %.3g > %.g)", what, at, got[at], want[at], worst, tol)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// Tolerances of the reference README: log p, inverse and loss 1e-12;
// gradients and Adam state 1e-10.
const (
	tolValue = 1e-12
	tolGrad  = 1e-10
)

// isaModes returns the kernel choices to test: the portable loops
// (isaNone) and every assembly instruction set the CPU has. setISA switches
// and returns a function that restores the default.
func isaModes() []int {
	modes := []int{isaNone}
	for m := isaAVX2; m <= isaDefault; m++ {
		modes = append(modes, m)
	}
	return modes
}

var isaDefault = isa

func setISA(mode int) func() {
	isa, useAsm = mode, mode != isaNone
	return func() { isa, useAsm = isaDefault, isaDefault != isaNone }
}

func TestReferenceEval(t *testing.T) {
	for _, mode := range isaModes() {
		defer setISA(mode)()
		t.Run(fmt.Sprintf("isa=%d", mode), testReferenceEval)
	}
}

func testReferenceEval(t *testing.T) {
	for _, name := range refNames {
		t.Run(name, func(t *testing.T) {
			r := loadRef(t, name)
			f := refFlow(t, r)
			x, c := toDense(r.Eval.X), toDense(r.Eval.C)
			checkSlice(t, "log_prob", f.LogProb(nil, x, c), r.Eval.LogProb, tolValue)
			ld := make([]float64, len(r.Eval.LogProb))
			u := f.Forward(nil, ld, x, c)
			checkSlice(t, "u", u.RawMatrix().Data, flat(r.Eval.U), tolValue)
			checkSlice(t, "logdet", ld, r.Eval.Logdet, tolValue)

			// Per-layer outputs.
			e := f.evaluator64()
			ws := e.get()
			defer e.put(ws)
			fillChunk(f, ws, x, c, 0, len(r.Eval.X), f.cfg.D)
			n := 0
			e.net.forward(ws, len(r.Eval.X), nil, func(layer int, out []float64, ld []float64) {
				want := r.Eval.Layers[layer]
				checkSlice(t, want.Layer+" out", out, flat(want.Out), tolValue)
				checkSlice(t, want.Layer+" logdet", ld, want.Logdet, tolValue)
				n++
			})
			if n != len(r.Eval.Layers) {
				t.Errorf("traced %d layers, want %d", n, len(r.Eval.Layers))
			}

			// Inverse.
			got := f.Inverse(nil, toDense(r.Sample.U), toDense(r.Sample.C))
			checkSlice(t, "inverse", got.RawMatrix().Data, flat(r.Sample.X), tolValue)
		})
	}
}

// setBatch loads a batch into a trainer.
func setBatch[T float](tr *trainer[T], x, c [][]float64) {
	for i := range x {
		var ci []float64
		if c != nil {
			ci = c[i]
		}
		tr.setRow(i, x[i], ci)
	}
}

// checkGrads compares a flat gradient with the reference's per-block
// gradients.
func checkGrads(t *testing.T, what string, f *Flow, g []float64, want []refBlock, tol float64) {
	t.Helper()
	views := f.paramViews(g)
	for i, rb := range want {
		v := views[i]
		checkSlice(t, what+" W1", v.W[0], flat(rb.Made.W1), tol)
		checkSlice(t, what+" W2", v.W[1], flat(rb.Made.W2), tol)
		checkSlice(t, what+" W3", v.W[2], flat(rb.Made.W3), tol)
		checkSlice(t, what+" b1", v.B[0], rb.Made.B1, tol)
		checkSlice(t, what+" b2", v.B[1], rb.Made.B2, tol)
		checkSlice(t, what+" b3", v.B[2], rb.Made.B3, tol)
		if rb.Made.Wc != nil {
			checkSlice(t, what+" Wc", v.Wc, flat(rb.Made.Wc), tol)
		}
		checkSlice(t, what+" log_gamma", v.LogGamma, rb.BN.LogGamma, tol)
		checkSlice(t, what+" beta", v.Beta, rb.BN.Beta, tol)
	}
}

func TestReferenceTrainStep(t *testing.T) {
	for _, mode := range isaModes() {
		defer setISA(mode)()
		t.Run(fmt.Sprintf("isa=%d", mode), testReferenceTrainStep)
	}
}

func testReferenceTrainStep(t *testing.T) {
	for _, name := range refNames {
		t.Run(name, func(t *testing.T) {
			r := loadRef(t, name)
			f := refFlow(t, r)
			ts := r.TrainStep
			tr := newTrainer[float64](f, len(ts.X))
			setBatch(tr, ts.X, ts.C)
			loss := tr.step(len(ts.X), ts.W)
			checkSlice(t, "loss", []float64{loss}, []float64{ts.Loss}, tolValue)
			checkGrads(t, "grad", f, tr.grad, ts.Grads, tolGrad)
			for i, s := range ts.Stats {
				checkSlice(t, "running_mean", f.blocks[i].RunMean, s.RunningMean, tolValue)
				checkSlice(t, "running_var", f.blocks[i].RunVar, s.RunningVar, tolValue)
			}
		})
	}
}

// TestReferenceAdam runs the reference's 3 Adam steps twice. Driven by the
// reference's own gradients, every loss, gradient and the final state must
// match to 1e-10. Driven by our gradients, they match to 1e-10 too, except
// where a gradient is at the level of rounding noise: Adam divides by
// sqrt(v) + eps, so a gradient g with |g| << eps moves its parameter by about
// lr*g/eps, and the 1e-16 rounding noise of two implementations' sums
// becomes lr/eps * 1e-16 = 1e-10 per step (the mu_1 bias, whose exact
// gradient is 0 because BatchNorm removes any shift, is one such). There the
// tolerance is 1e-9.
func TestReferenceAdam(t *testing.T) {
	for _, mode := range isaModes() {
		defer setISA(mode)()
		t.Run(fmt.Sprintf("isa=%d", mode), testReferenceAdam)
	}
}

func testReferenceAdam(t *testing.T) {
	for _, name := range refNames {
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/own=%v", name, own), func(t *testing.T) {
				r := loadRef(t, name)
				f := refFlow(t, r)
				a := r.Adam
				opt := newAdam(len(f.params), a.LR, a.Betas[0], a.Betas[1], a.Eps, 0)
				tr := newTrainer[float64](f, len(a.Batches[0].X))
				small := make([]bool, len(f.params))
				for s, bt := range a.Batches {
					setBatch(tr, bt.X, bt.C)
					loss := tr.step(len(bt.X), bt.W)
					checkSlice(t, "loss", []float64{loss}, []float64{a.Losses[s]}, tolValue)
					checkGrads(t, "grad", f, tr.grad, a.Grads[s], tolGrad)
					g := tr.grad
					if !own {
						g = refGradVector(f, a.Grads[s])
					}
					for i, v := range g {
						if abs(v) < 1e-6 {
							small[i] = true
						}
					}
					opt.step(f.params, g)
					tr.net.sync(f)
				}
				want := refGradVector(f, a.BlocksAfter)
				for i := range want {
					tol := tolGrad
					if own && small[i] {
						tol = 1e-9
					}
					if !near(f.params[i], want[i], tol) {
						t.Errorf("parameter %d after 3 steps = %.17g, want %.17g (tolerance %g)", i, f.params[i], want[i], tol)
					}
				}
				for i, rb := range a.BlocksAfter {
					checkSlice(t, "running_mean", f.blocks[i].RunMean, rb.BN.RunningMean, tolGrad)
					checkSlice(t, "running_var", f.blocks[i].RunVar, rb.BN.RunningVar, tolGrad)
				}
			})
		}
	}
}

// refGradVector lays out reference per-block values as the flow's params.
func refGradVector(f *Flow, blocks []refBlock) []float64 {
	g := make([]float64, len(f.params))
	views := f.paramViews(g)
	for i, rb := range blocks {
		v := views[i]
		copy(v.W[0], flat(rb.Made.W1))
		copy(v.W[1], flat(rb.Made.W2))
		copy(v.W[2], flat(rb.Made.W3))
		copy(v.B[0], rb.Made.B1)
		copy(v.B[1], rb.Made.B2)
		copy(v.B[2], rb.Made.B3)
		copy(v.Wc, flat(rb.Made.Wc))
		copy(v.LogGamma, rb.BN.LogGamma)
		copy(v.Beta, rb.BN.Beta)
	}
	return g
}
