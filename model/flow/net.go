package flow

import "math"

// dense is one MADE weight layer in the layout of the arithmetic: the masked
// weights transposed with the biases as an extra row (the activations carry
// a column of ones), and the masked weights as they are, for the backward
// pass.
type dense[T float] struct {
	in, out int // inputs (layer 0: D + C) and outputs
	wt      []T // (in+1) x out: wt[i*out+o] = (W*M)[o,i]; row in is the bias
	nb      int // inputs that need a gradient: D for layer 0, in otherwise
	w       []T // out x nb: (W*M)[o,i]
	// dwByOut: the weight gradient is computed as out x (in+1), a row per
	// output, for a layer with fewer outputs than a float32 vector holds
	// (the last); otherwise as (in+1) x out, whose columns fill the
	// register tiles (in+1 columns would leave a tail of one).
	dwByOut bool
	// The spans of a hidden-to-hidden layer's products (bands.go): the
	// forward product, the input gradient and the weight gradient; nil
	// for a whole product.
	fwd, dx, dw []span
}

// netBlock is one block in the layout of the arithmetic.
type netBlock[T float] struct {
	layers []dense[T]
	// BatchNorm in evaluation mode: out = y*scale + shift, with log|det|
	// ld per row.
	scale, shift []T
	ld           float64   // sum of ldd
	ldd          []float64 // per dimension: log_gamma - log(running_var)/2
}

// net is a Flow's weights converted to T, masks applied, laid out for gemm.
type net[T float] struct {
	d, c    int
	hidden  []int
	act     Activation
	ordered bool
	blocks  []netBlock[T]
	par     int // goroutines per matrix product (training only; evaluators share a net and use 1)
	// unit[l][p] is the unit of hidden layer l at position p of the net's
	// layout, which orders the units by degree (bands.go); ident is the
	// identity, for the layers' sides that keep the flow's order.
	unit  [][]int
	ident []int
	// live[l][p] is the range of net input positions whose weights to net
	// output p of layer l are not masked (contiguous in the net's order),
	// so that sync and flush touch only those; the masked entries of the
	// layouts and of the gradient stay the zeros they were made with.
	live [][]inputRange
}

// inputRange is a range [lo, hi) of a layer's net input positions.
type inputRange struct{ lo, hi int }

// liveRanges returns, for each net output of layer l, the range of net
// inputs its mask keeps, checking that the kept inputs are contiguous.
func (n *net[T]) liveRanges(f *Flow, l int) []inputRange {
	inS, out := f.inSize(l), f.outSize(l)
	inUnit, outUnit := n.layerUnits(l)
	m := f.masks[l]
	live := make([]inputRange, out)
	for po := range live {
		row := m[outUnit[po]*inS : (outUnit[po]+1)*inS]
		kept := func(pj int) bool { return row[inUnit[pj]] != 0 }
		lo := 0
		for lo < inS && !kept(lo) {
			lo++
		}
		hi := lo
		for hi < inS && kept(hi) {
			hi++
		}
		for pj := hi; pj < inS; pj++ {
			if kept(pj) {
				panic("flow: a MADE mask row is not contiguous in the net's order")
			}
		}
		live[po] = inputRange{lo, hi}
	}
	return live
}

// newNet allocates a net for f's architecture and fills it from f.
func newNet[T float](f *Flow) *net[T] {
	cfg := f.cfg
	n := &net[T]{d: cfg.D, c: cfg.C, hidden: cfg.Hidden, act: cfg.Activation, ordered: cfg.Ordered}
	L := len(cfg.Hidden)
	n.unit = make([][]int, L)
	degs := make([][]int, L) // per hidden layer, the degrees in the net's order
	for l, h := range cfg.Hidden {
		n.unit[l] = degreeOrder(h, cfg.D)
		deg := hiddenDegrees(h, cfg.D)
		degs[l] = make([]int, h)
		for p, u := range n.unit[l] {
			degs[l][p] = deg[u]
		}
	}
	n.ident = make([]int, max(2*cfg.D, cfg.D+cfg.C))
	for i := range n.ident {
		n.ident[i] = i
	}
	n.live = make([][]inputRange, L+1)
	for l := range n.live {
		n.live[l] = n.liveRanges(f, l)
	}
	n.blocks = make([]netBlock[T], cfg.Blocks)
	for i := range n.blocks {
		b := &n.blocks[i]
		b.layers = make([]dense[T], L+1)
		for l := range b.layers {
			in, nb := f.inSize(l), f.inSize(l)
			if l == 0 {
				in += cfg.C
			}
			out := f.outSize(l)
			b.layers[l] = dense[T]{in: in, out: out, nb: nb, dwByOut: out < 16,
				wt: operand[T]((in + 1) * out), w: operand[T](out * nb)}
			if l > 0 && l < L {
				ly := &b.layers[l]
				ly.fwd, ly.dx, ly.dw = hiddenSpans(degs[l-1], degs[l], ly.dwByOut)
			}
		}
		b.scale = make([]T, cfg.D)
		b.shift = make([]T, cfg.D)
		b.ldd = make([]float64, cfg.D)
	}
	n.sync(f)
	return n
}

// sync copies f's parameters and running statistics into n, the hidden
// units in the net's order. It copies the unmasked weights only, walking
// both layouts in the net's order, in tiles, so that the transposed writes
// stay in cache.
func (n *net[T]) sync(f *Flow) {
	const tile = 32
	for i := range n.blocks {
		nb, fb := &n.blocks[i], &f.blocks[i]
		for l := range nb.layers {
			ly := &nb.layers[l]
			w, live := fb.W[l], n.live[l]
			inS := f.inSize(l)
			inUnit, outUnit := n.layerUnits(l)
			for p0 := 0; p0 < ly.out; p0 += tile {
				p1 := min(p0+tile, ly.out)
				for q0 := 0; q0 < inS; q0 += tile {
					q1 := min(q0+tile, inS)
					for po := p0; po < p1; po++ {
						o := outUnit[po]
						wr := w[o*inS : (o+1)*inS]
						bw := ly.w[po*ly.nb : (po+1)*ly.nb]
						for pj := max(q0, live[po].lo); pj < min(q1, live[po].hi); pj++ {
							v := T(wr[inUnit[pj]])
							ly.wt[pj*ly.out+po] = v
							bw[pj] = v
						}
					}
				}
				for po := p0; po < p1; po++ {
					o := outUnit[po]
					for j := 0; j < ly.in-inS; j++ {
						ly.wt[(inS+j)*ly.out+po] = T(fb.Wc[o*n.c+j])
					}
					ly.wt[ly.in*ly.out+po] = T(fb.B[l][o])
				}
			}
		}
		nb.ld = 0
		for d := 0; d < n.d; d++ {
			s := math.Exp(fb.LogGamma[d]) / math.Sqrt(fb.RunVar[d])
			nb.scale[d] = T(s)
			nb.shift[d] = T(fb.Beta[d] - fb.RunMean[d]*s)
			nb.ldd[d] = fb.LogGamma[d] - 0.5*math.Log(fb.RunVar[d])
			nb.ld += nb.ldd[d]
		}
	}
}

// layerUnits returns the units of weight layer l's masked inputs and of its
// outputs at each net position (the identity where they keep the flow's
// order: the data inputs of layer 0, the outputs of the last layer).
func (n *net[T]) layerUnits(l int) (in, out []int) {
	in, out = n.ident, n.ident
	if l > 0 {
		in = n.unit[l-1]
	}
	if l < len(n.unit) {
		out = n.unit[l]
	}
	return in, out
}

// maxHidden returns the widest hidden layer.
func (n *net[T]) maxHidden() int {
	m := 0
	for _, h := range n.hidden {
		m = max(m, h)
	}
	return m
}

// rev returns the position that dimension d of a block's BatchNorm output
// takes in the block's output.
func (n *net[T]) rev(d int) int {
	if n.ordered {
		return d
	}
	return n.d - 1 - d
}

// activate applies the activation to the first h columns of rows rows of a
// (row stride ld); ReLU is fused into gemm, so only Tanh comes here.
func activate[T float](act Activation, a []T, rows, h, ld int) {
	if act != Tanh {
		return
	}
	for r := 0; r < rows; r++ {
		row := a[r*ld : r*ld+h]
		for j, v := range row {
			row[j] = T(math.Tanh(float64(v)))
		}
	}
}

// made runs the MADE of block b on rows rows of xin (rows x (D+C+1), the
// last column ones), leaving hidden activations in hs[l] (rows x (H_l+1),
// the last column ones) and [mu, alpha] in o (rows x 2D).
func (n *net[T]) made(b int, rows int, xin []T, hs [][]T, o []T) {
	blk := &n.blocks[b]
	in := xin
	ldin := n.d + n.c + 1
	L := len(n.hidden)
	for l := 0; l < L; l++ {
		ly := &blk.layers[l]
		h := hs[l]
		ldh := ly.out + 1
		flags := 0
		if n.act == ReLU {
			flags = gemmReLU
		}
		gemmSpans(n.par, ly.fwd, true, rows, ly.out, ly.in+1, in, ldin, 1, ly.wt, ly.out, h, ldh, flags, nil, 0)
		activate(n.act, h, rows, ly.out, ldh)
		in, ldin = h, ldh
	}
	ly := &blk.layers[L]
	gemmPar(n.par, rows, ly.out, ly.in+1, in, ldin, 1, ly.wt, ly.out, o, 2*n.d, 0, nil, 0)
}

// setOnes sets the last column of rows rows of a (row stride ld) to 1.
func setOnes[T float](a []T, rows, ld int) {
	for r := 0; r < rows; r++ {
		a[r*ld+ld-1] = 1
	}
}
