package flow

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSpansCoverTheMasks checks the spans of every hidden-to-hidden layer
// against the MADE masks themselves: every weight that a span leaves out is
// masked, and for D = 3 the products skip a quarter of the forward work.
func TestSpansCoverTheMasks(t *testing.T) {
	for _, tc := range []struct {
		d      int
		hidden []int
		skip   float64 // the forward product's share skipped, for H x H with H large
	}{
		{3, []int{500, 500}, 0.25},
		{3, []int{256, 256, 256}, 0.25},
		{5, []int{500, 500}, 0.375},
		{5, []int{64, 64}, 0.375},
		{5, []int{40, 40}, 0}, // degree runs of 10 columns: merged, whole products
		{2, []int{64, 64}, 0}, // one degree: nothing to skip
	} {
		t.Run(fmt.Sprintf("D%d_%v", tc.d, tc.hidden), func(t *testing.T) {
			n := newNet[float32](mustNew(t, Config{D: tc.d, Blocks: 1, Hidden: tc.hidden}))
			masks := madeMasks(tc.d, tc.hidden)
			for l := 1; l < len(tc.hidden); l++ {
				ly := &n.blocks[0].layers[l]
				in, out := tc.hidden[l-1], tc.hidden[l]
				// masked(po, pi) reports whether the weight from net input pi
				// to net output po is masked.
				inUnit, outUnit := n.layerUnits(l)
				masked := func(po, pi int) bool { return masks[l][outUnit[po]*in+inUnit[pi]] == 0 }
				work, full := 0, out*(in+1)
				for _, s := range spansOrWhole(ly.fwd, out, in+1) {
					work += (s.j1 - s.j0) * (s.hi - s.lo)
					for po := s.j0; po < s.j1; po++ {
						for pi := 0; pi < in; pi++ {
							if (pi < s.lo || pi >= s.hi) && !masked(po, pi) {
								t.Fatalf("forward span %+v leaves out the unmasked weight %d -> %d", s, pi, po)
							}
						}
						if s.hi != in+1 {
							t.Fatalf("forward span %+v leaves out the bias", s)
						}
					}
				}
				if got := 1 - float64(work)/float64(full); math.Abs(got-tc.skip) > 0.01 {
					t.Errorf("forward skips %.3f of the product, want %.3f", got, tc.skip)
				}
				for _, s := range spansOrWhole(ly.dx, in, out) {
					for pi := s.j0; pi < s.j1; pi++ {
						for po := 0; po < out; po++ {
							if (po < s.lo || po >= s.hi) && !masked(po, pi) {
								t.Fatalf("input-gradient span %+v leaves out the unmasked weight %d -> %d", s, pi, po)
							}
						}
					}
				}
				// The weight gradient in both of its layouts, the net's and
				// the other.
				degIn, degOut := make([]int, in), make([]int, out)
				for p, u := range inUnit[:in] {
					degIn[p] = hiddenDegrees(in, tc.d)[u]
				}
				for p, u := range outUnit[:out] {
					degOut[p] = hiddenDegrees(out, tc.d)[u]
				}
				for _, byOut := range []bool{false, true} {
					_, _, dw := hiddenSpans(degIn, degOut, byOut)
					if byOut == ly.dwByOut && !slices.Equal(dw, ly.dw) {
						t.Fatalf("the net's weight-gradient spans %v, want %v", ly.dw, dw)
					}
					if byOut { // out x (in+1), a column per input and the bias
						for _, s := range spansOrWhole(dw, in+1, out) {
							for pi := s.j0; pi < s.j1; pi++ {
								for po := 0; po < out; po++ {
									if (po < s.lo || po >= s.hi) && (pi == in || !masked(po, pi)) {
										t.Fatalf("weight-gradient span %+v leaves out %d -> %d", s, pi, po)
									}
								}
							}
						}
						continue
					}
					for _, s := range spansOrWhole(dw, out, in+1) {
						for po := s.j0; po < s.j1; po++ {
							for pi := 0; pi <= in; pi++ {
								if (pi < s.lo || pi >= s.hi) && (pi == in || !masked(po, pi)) {
									t.Fatalf("weight-gradient span %+v leaves out %d -> %d", s, pi, po)
								}
							}
						}
					}
				}
			}
		})
	}
}

// TestSpansChangeNoBit trains and evaluates flows with their products run by
// spans and whole: the losses, gradients and evaluation-mode MADE outputs
// are the same to the bit, in both precisions, with ReLU and tanh.
func TestSpansChangeNoBit(t *testing.T) {
	for _, cfg := range []Config{
		{D: 3, Blocks: 3, Hidden: []int{160, 160}},
		{D: 5, C: 2, Blocks: 2, Hidden: []int{256, 256, 256}},
		{D: 3, Blocks: 2, Hidden: []int{128, 128}, Activation: Tanh},
		{D: 5, C: 1, Blocks: 2, Hidden: []int{64, 64}}, // paper 004's
	} {
		f := randomFlow(t, cfg, 5)
		rng := rand.New(rand.NewPCG(9, 9))
		bt := randomBatch(rng, 300, cfg.D, cfg.C, true)
		t.Run(fmt.Sprintf("D%d_C%d_%v_%v", cfg.D, cfg.C, cfg.Hidden, cfg.Activation), func(t *testing.T) {
			checkSpansChangeNoBit[float32](t, f, bt)
			checkSpansChangeNoBit[float64](t, f, bt)
		})
	}
}

func checkSpansChangeNoBit[T float](t *testing.T, f *Flow, bt batch) {
	run := func(whole bool) (float64, []float64, []T) {
		tr := newTrainer[T](f, len(bt.x))
		ev := newTrainer[T](f, len(bt.x)) // a second net for the evaluation-mode pass
		if whole {
			for _, n := range []*net[T]{tr.net, ev.net} {
				for b := range n.blocks {
					for l := range n.blocks[b].layers {
						ly := &n.blocks[b].layers[l]
						ly.fwd, ly.dx, ly.dw = nil, nil, nil
					}
				}
			}
		}
		for i, x := range bt.x {
			var c []float64
			if bt.c != nil {
				c = bt.c[i]
			}
			tr.setRow(i, x, c)
			ev.setRow(i, x, c)
		}
		// The step updates the running statistics: run it on a copy.
		saved := append([]float64(nil), f.params...)
		loss := tr.step(len(bt.x), bt.w)
		copy(f.params, saved)
		ev.net.made(0, len(bt.x), ev.xin[0], ev.hs[0], ev.o[0])
		return loss, append([]float64(nil), tr.grad...), append([]T(nil), ev.o[0][:len(bt.x)*2*f.cfg.D]...)
	}
	l0, g0, o0 := run(true)
	l1, g1, o1 := run(false)
	if math.Float64bits(l0) != math.Float64bits(l1) {
		t.Errorf("loss %v by spans, %v whole", l1, l0)
	}
	for i := range g0 {
		if math.Float64bits(g0[i]) != math.Float64bits(g1[i]) {
			t.Fatalf("gradient %d: %v by spans, %v whole", i, g1[i], g0[i])
		}
	}
	for i := range o0 {
		if o0[i] != o1[i] {
			t.Fatalf("MADE output %d: %v by spans, %v whole", i, o1[i], o0[i])
		}
	}
}

func mustNew(t *testing.T, cfg Config) *Flow {
	t.Helper()
	f, err := New(cfg, Orthogonal, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func spansOrWhole(s []span, n, k int) []span {
	if s == nil {
		return []span{{0, n, 0, k}}
	}
	return s
}

// TestSetRowsIsSetRow checks the batch form of setRow: the same inputs in
// every block, conditions included.
func TestSetRowsIsSetRow(t *testing.T) {
	f := mustNew(t, Config{D: 3, C: 2, Blocks: 3, Hidden: []int{8, 8}})
	rng := rand.New(rand.NewPCG(4, 4))
	const n = 40
	z, c := make([]float64, n*3), make([]float64, n*2)
	for i := range z {
		z[i] = rng.NormFloat64()
	}
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	rows := []int{7, 3, 39, 0, 12, 12}
	a, b := newTrainer[float32](f, len(rows)), newTrainer[float32](f, len(rows))
	a.setRows(rows, z, c)
	for i, r := range rows {
		b.setRow(i, z[r*3:(r+1)*3], c[r*2:(r+1)*2])
	}
	for blk := range a.xin {
		if !slices.Equal(a.xin[blk], b.xin[blk]) {
			t.Fatalf("block %d: setRows %v, setRow %v", blk, a.xin[blk], b.xin[blk])
		}
	}
}
