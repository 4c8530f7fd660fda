package flow

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// randomFlow returns a float64 flow with random weights and random (not
// initial) biases, BatchNorm parameters and running statistics, so that no
// term of the gradient is trivially zero.
func randomFlow(t testing.TB, cfg Config, seed uint64) *Flow {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	f, err := New(cfg, Orthogonal, rng)
	if err != nil {
		t.Fatal(err)
	}
	f.Precision = Float64
	for _, b := range f.blocks {
		for _, bias := range b.B {
			for i := range bias {
				bias[i] = 0.3 * rng.NormFloat64()
			}
		}
		for i := range b.LogGamma {
			b.LogGamma[i] = 0.3 * rng.NormFloat64()
			b.Beta[i] = 0.3 * rng.NormFloat64()
			b.RunMean[i] = 0.3 * rng.NormFloat64()
			b.RunVar[i] = 0.5 + rng.Float64()
		}
	}
	f.changed()
	return f
}

type batch struct {
	x, c [][]float64
	w    []float64
}

func randomBatch(rng *rand.Rand, n, d, c int, weighted bool) batch {
	var b batch
	for i := 0; i < n; i++ {
		xi := make([]float64, d)
		for j := range xi {
			xi[j] = rng.NormFloat64()
		}
		b.x = append(b.x, xi)
		if c > 0 {
			ci := make([]float64, c)
			for j := range ci {
				ci[j] = rng.NormFloat64()
			}
			b.c = append(b.c, ci)
		}
		if weighted {
			b.w = append(b.w, 0.1+rng.Float64())
		}
	}
	return b
}

// trainLoss is the training-mode loss of f on the batch.
func trainLoss(f *Flow, b batch) float64 {
	tr := newTrainer[float64](f, len(b.x))
	setBatch(tr, b.x, b.c)
	return tr.step(len(b.x), b.w)
}

// TestGradients checks every parameter gradient of the training loss, and
// its gradient with respect to the inputs, against central finite
// differences, for flows with and without conditions and weights, ReLU and
// tanh, and several hidden layers of different sizes. Each parameter tensor
// (each layer's weights and biases, each BatchNorm's log-gamma and beta) is
// reported separately.
func TestGradients(t *testing.T) {
	cases := []struct {
		cfg      Config
		weighted bool
	}{
		{Config{D: 1, C: 0, Blocks: 1, Hidden: []int{3}, Activation: Tanh}, false},
		{Config{D: 2, C: 0, Blocks: 2, Hidden: []int{6, 5}, Activation: Tanh}, false},
		{Config{D: 3, C: 2, Blocks: 2, Hidden: []int{5, 4, 6}, Activation: Tanh}, true},
		{Config{D: 3, C: 2, Blocks: 2, Hidden: []int{7, 6}, Activation: ReLU}, false},
		{Config{D: 4, C: 1, Blocks: 3, Hidden: []int{9, 8}, Activation: ReLU}, true},
		{Config{D: 3, C: 0, Blocks: 2, Hidden: []int{6, 6}, Activation: ReLU, Ordered: true}, true},
		{Config{D: 1, C: 2, Blocks: 2, Hidden: []int{4, 4}, Activation: ReLU}, true},
	}
	for i, tc := range cases {
		name := fmt.Sprintf("D%d_C%d_%v_%v_w=%v_ordered=%v", tc.cfg.D, tc.cfg.C, tc.cfg.Hidden, tc.cfg.Activation, tc.weighted, tc.cfg.Ordered)
		t.Run(name, func(t *testing.T) {
			f := randomFlow(t, tc.cfg, uint64(i))
			b := randomBatch(rand.New(rand.NewPCG(uint64(i), 9)), 11, tc.cfg.D, tc.cfg.C, tc.weighted)
			tr := newTrainer[float64](f, len(b.x))
			setBatch(tr, b.x, b.c)
			tr.step(len(b.x), b.w)
			grad := append([]float64(nil), tr.grad...)
			gx := append([]float64(nil), tr.g[:len(b.x)*tc.cfg.D]...)

			const h = 1e-6
			fd := make([]float64, len(f.params))
			for p := range f.params {
				v := f.params[p]
				f.params[p] = v + h
				lp := trainLoss(f, b)
				f.params[p] = v - h
				lm := trainLoss(f, b)
				f.params[p] = v
				fd[p] = (lp - lm) / (2 * h)
			}
			// Per tensor.
			gv, fv := f.paramViews(grad), f.paramViews(fd)
			for bi := range gv {
				for l := range gv[bi].W {
					checkFD(t, fmt.Sprintf("block %d W%d", bi, l+1), gv[bi].W[l], fv[bi].W[l])
					checkFD(t, fmt.Sprintf("block %d b%d", bi, l+1), gv[bi].B[l], fv[bi].B[l])
				}
				checkFD(t, fmt.Sprintf("block %d Wc", bi), gv[bi].Wc, fv[bi].Wc)
				checkFD(t, fmt.Sprintf("block %d log_gamma", bi), gv[bi].LogGamma, fv[bi].LogGamma)
				checkFD(t, fmt.Sprintf("block %d beta", bi), gv[bi].Beta, fv[bi].Beta)
			}
			// Inputs.
			fdx := make([]float64, len(gx))
			for r := range b.x {
				for j := range b.x[r] {
					v := b.x[r][j]
					b.x[r][j] = v + h
					lp := trainLoss(f, b)
					b.x[r][j] = v - h
					lm := trainLoss(f, b)
					b.x[r][j] = v
					fdx[r*tc.cfg.D+j] = (lp - lm) / (2 * h)
				}
			}
			checkFD(t, "inputs", gx, fdx)
		})
	}
}

func checkFD(t *testing.T, what string, got, fd []float64) {
	t.Helper()
	for i := range got {
		if !near(got[i], fd[i], 1e-6) {
			t.Errorf("%s[%d]: gradient %.10g, finite difference %.10g", what, i, got[i], fd[i])
			return
		}
	}
}
