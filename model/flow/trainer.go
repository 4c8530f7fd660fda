package flow

import "math"

// trainer holds the training-mode forward and backward passes of a flow in
// arithmetic T, with every activation kept for the backward pass.
type trainer[T float] struct {
	f    *Flow
	net  *net[T]
	rows int // capacity in rows

	xin  [][]T   // per block: rows x (D+C+1), the block input, conditions, 1
	hs   [][][]T // per block, per hidden layer: rows x (H_l+1), activations, 1
	o    [][]T   // per block: rows x 2D, mu and alpha; after forward, mu and exp(-alpha)
	y    [][]T   // per block: rows x D, the MADE output
	mean [][]float64
	vr   [][]float64 // batch variance + eps
	u    []T         // rows x D
	ld   []float64

	dh  [2][]T // rows x max hidden
	e   []T    // rows x 2D, scratch for exp(-alpha)
	do  []T    // rows x 2D
	g   []T    // rows x D: gradient with respect to a block's output, then input
	gy  []T    // rows x D: gradient with respect to a MADE output
	dwt []T    // the largest (in+1) x out

	grad []float64     // laid out as f.params
	gv   []blockParams // views into grad
	omg  []float64     // the batch's normalised weights
}

func newTrainer[T float](f *Flow, rows int) *trainer[T] {
	t := &trainer[T]{f: f, net: newNet[T](f), rows: rows}
	d, c := f.cfg.D, f.cfg.C
	nb := f.cfg.Blocks
	t.xin = make([][]T, nb)
	t.hs = make([][][]T, nb)
	t.o = make([][]T, nb)
	t.y = make([][]T, nb)
	t.mean = make([][]float64, nb)
	t.vr = make([][]float64, nb)
	for b := 0; b < nb; b++ {
		t.xin[b] = operand[T](rows * (d + c + 1))
		setOnes(t.xin[b], rows, d+c+1)
		t.hs[b] = make([][]T, len(f.cfg.Hidden))
		for l, h := range f.cfg.Hidden {
			t.hs[b][l] = operand[T](rows * (h + 1))
			setOnes(t.hs[b][l], rows, h+1)
		}
		t.o[b] = make([]T, rows*2*d)
		t.y[b] = make([]T, rows*d)
		t.mean[b] = make([]float64, d)
		t.vr[b] = make([]float64, d)
	}
	t.u = make([]T, rows*d)
	t.ld = make([]float64, rows)
	hmax := t.net.maxHidden()
	t.dh[0] = operand[T](rows * hmax)
	t.dh[1] = operand[T](rows * hmax)
	t.do = operand[T](rows * 2 * d)
	t.e = make([]T, rows*2*d)
	t.g = make([]T, rows*d)
	t.gy = make([]T, rows*d)
	maxW := 0
	for _, ly := range t.net.blocks[0].layers {
		maxW = max(maxW, (ly.in+1)*ly.out)
	}
	t.dwt = make([]T, maxW)
	t.grad = make([]float64, len(f.params))
	t.gv = f.paramViews(t.grad)
	t.omg = make([]float64, rows)
	return t
}

// setRows writes the batch of rows rows of the standardised data z (D per
// row) and conditions c (C per row) into the first rows of the blocks'
// inputs, as setRow does for each: the data go to the first block, the
// conditions to every block. Block by block, so that the writes stay in
// one block's input at a time.
func (t *trainer[T]) setRows(rows []int, z, c []float64) {
	d, nc, ld := t.net.d, t.net.c, t.net.d+t.net.c+1
	x0 := t.xin[0]
	for i, r := range rows {
		row, src := x0[i*ld:i*ld+d], z[r*d:(r+1)*d]
		for j, v := range src {
			row[j] = T(v)
		}
		for j, v := range c[r*nc : (r+1)*nc] {
			x0[i*ld+d+j] = T(v)
		}
	}
	if nc == 0 {
		return
	}
	for _, xb := range t.xin[1:] {
		xb, x0 := xb[:len(rows)*ld], x0[:len(rows)*ld]
		for k := d; k < len(xb); k += ld {
			for j := k; j < k+nc; j++ {
				xb[j] = x0[j]
			}
		}
	}
}

// setRow writes row r of the first block's input: standardised data z (D)
// and conditions c (C); the conditions go to every block.
func (t *trainer[T]) setRow(r int, z, c []float64) {
	d, ld := t.net.d, t.net.d+t.net.c+1
	row := t.xin[0][r*ld : r*ld+d]
	for j, v := range z {
		row[j] = T(v)
	}
	if len(c) > 0 {
		for b := range t.xin {
			cr := t.xin[b][r*ld+d : r*ld+d+len(c)]
			for j, v := range c {
				cr[j] = T(v)
			}
		}
	}
}

// step runs the training-mode forward and backward passes on the first n
// rows (set by setRow) with weights w (nil for equal weights): it returns
// the loss -sum w_i log p_i / sum w_i, leaves its gradient in t.grad, and
// updates the flow's BatchNorm running statistics. It panics if the weights
// do not sum to a positive number.
func (t *trainer[T]) step(n int, w []float64) float64 {
	ws := 0.0
	for i := 0; i < n; i++ {
		if w == nil {
			t.omg[i] = 1
		} else {
			t.omg[i] = w[i]
		}
		ws += t.omg[i]
	}
	if !(ws > 0) {
		panic("flow: batch weights do not sum to a positive number")
	}
	for i := 0; i < n; i++ {
		t.omg[i] /= ws
	}
	loss := t.forward(n)
	t.backward(n)
	return loss
}

// forward is the training-mode forward pass; it returns the loss.
func (t *trainer[T]) forward(n int) float64 {
	nt, f := t.net, t.f
	d, ldx := nt.d, nt.d+nt.c+1
	clear(t.ld[:n])
	mom := f.cfg.Momentum
	for b := range nt.blocks {
		nt.made(b, n, t.xin[b], t.hs[b], t.o[b])
		xin, o, y := t.xin[b], t.o[b], t.y[b]
		// y = (z - mu) exp(-alpha); exp(-alpha) replaces alpha in o for
		// the backward pass.
		e := t.e
		expNegAlpha(e, o, n, d)
		for r := 0; r < n; r++ {
			s := 0.0
			or, er := o[r*2*d:(r+1)*2*d], e[r*2*d:(r+1)*2*d]
			z := xin[r*ldx : r*ldx+d]
			yr := y[r*d : (r+1)*d]
			for j := range yr {
				s += float64(or[d+j])
				ea := er[d+j]
				yr[j] = T((float64(z[j]) - float64(or[j])) * float64(ea))
				or[d+j] = ea
			}
			t.ld[r] -= s
		}
		// BatchNorm with batch statistics (biased variance + eps).
		fb := &f.blocks[b]
		mean, vr := t.mean[b], t.vr[b]
		bnld := 0.0
		for j := 0; j < d; j++ {
			m := 0.0
			for r := 0; r < n; r++ {
				m += float64(y[r*d+j])
			}
			m /= float64(n)
			v := 0.0
			for r := 0; r < n; r++ {
				e := float64(y[r*d+j]) - m
				v += e * e
			}
			v = v/float64(n) + f.cfg.Eps
			mean[j], vr[j] = m, v
			bnld += fb.LogGamma[j] - 0.5*math.Log(v)
			fb.RunMean[j] = (1-mom)*fb.RunMean[j] + mom*m
			fb.RunVar[j] = (1-mom)*fb.RunVar[j] + mom*v
		}
		// Output, reversed, into the next block's input (or u).
		out, ldo := t.u, d
		if b+1 < len(nt.blocks) {
			out, ldo = t.xin[b+1], ldx
		}
		for j := 0; j < d; j++ {
			sc := math.Exp(fb.LogGamma[j]) / math.Sqrt(vr[j])
			sh := fb.Beta[j] - mean[j]*sc
			p := nt.rev(j)
			for r := 0; r < n; r++ {
				out[r*ldo+p] = T(float64(y[r*d+j])*sc + sh)
			}
		}
		for r := 0; r < n; r++ {
			t.ld[r] += bnld
		}
	}
	loss := 0.0
	for r := 0; r < n; r++ {
		loss -= t.omg[r] * (logNormal(t.u[r*d:(r+1)*d], nil) + t.ld[r])
	}
	return loss
}

// backward is the backward pass of the loss whose forward pass just ran.
func (t *trainer[T]) backward(n int) {
	nt, f := t.net, t.f
	d, ldx := nt.d, nt.d+nt.c+1
	L := len(nt.hidden)
	S := 0.0 // d loss / d log|det| of row r is -omg[r]; S is their sum
	for r := 0; r < n; r++ {
		S -= t.omg[r]
	}
	g, gy := t.g, t.gy
	for r := 0; r < n; r++ {
		for j := 0; j < d; j++ {
			g[r*d+j] = T(t.omg[r] * float64(t.u[r*d+j]))
		}
	}
	for b := len(nt.blocks) - 1; b >= 0; b-- {
		fb, gb := &f.blocks[b], &t.gv[b]
		y, o, xin := t.y[b], t.o[b], t.xin[b]
		// Reverse, then BatchNorm (training mode) backwards.
		for j := 0; j < d; j++ {
			p := nt.rev(j)
			m, v := t.mean[b][j], t.vr[b][j]
			sd := math.Sqrt(v)
			e := math.Exp(fb.LogGamma[j])
			var sg, sgyh, sdev float64
			for r := 0; r < n; r++ {
				gr := float64(g[r*d+p])
				dev := float64(y[r*d+j]) - m
				sg += gr
				sgyh += gr * dev
				sdev += dev
			}
			sgyh /= sd // the sum of gr (y - m)/sd
			gb.Beta[j] = sg
			gb.LogGamma[j] = e*sgyh + S
			dv := -0.5*e*sgyh/v - 0.5*S/v
			dm := -e*sg/sd + dv*(-2/float64(n))*sdev
			// gy = gr e/sd + dv 2 dev/n + dm/n, the divisions out of the loop.
			cg, cdev, c0 := e/sd, 2*dv/float64(n), dm/float64(n)
			for r := 0; r < n; r++ {
				gr := float64(g[r*d+p])
				dev := float64(y[r*d+j]) - m
				gy[r*d+j] = T(gr*cg + dev*cdev + c0)
			}
		}
		// MADE: y = (z - mu) exp(-alpha), log|det| = -sum alpha.
		do := t.do
		for r := 0; r < n; r++ {
			for j := 0; j < d; j++ {
				ea := float64(o[r*2*d+d+j]) // exp(-alpha), from forward
				gv := float64(gy[r*d+j])
				g[r*d+j] = T(gv * ea)
				do[r*2*d+j] = T(-gv * ea)
				do[r*2*d+d+j] = T(-gv*float64(y[r*d+j]) + t.omg[r])
			}
		}
		blk := &nt.blocks[b]
		dout, ldout := do, 2*d
		cur := 0
		for l := L; l >= 0; l-- {
			ly := &blk.layers[l]
			a, lda := xin, ldx
			if l > 0 {
				a, lda = t.hs[b][l-1], ly.in+1
			}
			// The weight gradient with the bias: dWᵀ = [A 1]ᵀ dOut, or, when
			// the layer has few outputs (the last one, 2D), dW = dOutᵀ [A 1],
			// so that the product's columns are the long side.
			if ly.dwByOut {
				gemmSpans(nt.par, ly.dw, false, ly.out, ly.in+1, n, dout, 1, ldout, a, lda, t.dwt, ly.in+1, 0, nil, 0)
				t.flush(b, l, ly, 1, ly.in+1)
			} else {
				gemmSpans(nt.par, ly.dw, false, ly.in+1, ly.out, n, a, 1, lda, dout, ldout, t.dwt, ly.out, 0, nil, 0)
				t.flush(b, l, ly, ly.out, 1)
			}
			if l > 0 {
				next := t.dh[cur]
				if nt.act == ReLU {
					gemmSpans(nt.par, ly.dx, true, n, ly.nb, ly.out, dout, ldout, 1, ly.w, ly.nb, next, ly.nb, gemmMask, a, lda)
				} else {
					gemmSpans(nt.par, ly.dx, true, n, ly.nb, ly.out, dout, ldout, 1, ly.w, ly.nb, next, ly.nb, 0, nil, 0)
					for r := 0; r < n; r++ {
						for k := 0; k < ly.nb; k++ {
							h := a[r*lda+k]
							next[r*ly.nb+k] *= 1 - h*h
						}
					}
				}
				dout, ldout = next, ly.nb
				cur = 1 - cur
			} else {
				gemmPar(nt.par, n, d, ly.out, dout, ldout, 1, ly.w, ly.nb, g, d, gemmAcc, nil, 0)
			}
		}
	}
}

// flush moves the gradient of weight layer l of block b from t.dwt, where
// the gradient of W[o, i] (i = in for the bias; o and i at their net
// positions) is at i*si + o*so, into t.grad. It moves the unmasked weights'
// only: a masked weight's entry of t.dwt may not have been computed
// (bands.go), and its gradient stays the zero it was made with. It walks
// the net's order in tiles, so that both sides stay in cache.
func (t *trainer[T]) flush(b, l int, ly *dense[T], si, so int) {
	f := t.f
	gb := &t.gv[b]
	gw, live := gb.W[l], t.net.live[l]
	inS := f.inSize(l)
	inUnit, outUnit := t.net.layerUnits(l)
	dwt := t.dwt
	const tile = 32
	for p0 := 0; p0 < ly.out; p0 += tile {
		p1 := min(p0+tile, ly.out)
		for q0 := 0; q0 < inS; q0 += tile {
			q1 := min(q0+tile, inS)
			for po := p0; po < p1; po++ {
				row := gw[outUnit[po]*inS : (outUnit[po]+1)*inS]
				for pj := max(q0, live[po].lo); pj < min(q1, live[po].hi); pj++ {
					row[inUnit[pj]] = float64(dwt[pj*si+po*so])
				}
			}
		}
		for po := p0; po < p1; po++ {
			o := outUnit[po]
			for j := 0; j < ly.in-inS; j++ {
				gb.Wc[o*f.cfg.C+j] = float64(dwt[(inS+j)*si+po*so])
			}
			gb.B[l][o] = float64(dwt[ly.in*si+po*so])
		}
	}
}
