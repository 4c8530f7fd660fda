package classifier

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// Train holds the options of Fit. The zero value of each field is
// CATHODE's setting.
type Train struct {
	Epochs int     // passes over the rows; 0 means 100
	Batch  int     // mini-batch rows; 0 means 128. The last partial batch of an epoch is kept.
	LR     float64 // Adam learning rate; 0 means 1e-3 (moment decays 0.9, 0.999, epsilon 1e-8)
	Seed   uint64  // seeds the shuffles

	// OnEpoch, if not nil, is called after every epoch with the network
	// being trained (valid during the call; Clone it to keep it). A non-nil
	// error stops Fit: ErrStop returns normally, any other is returned.
	OnEpoch func(Epoch) error `json:"-"`
}

// Epoch is what Train.OnEpoch sees.
type Epoch struct {
	Epoch int     // 1-based
	Loss  float64 // weighted mean cross-entropy of the epoch's batches (nats)
	Net   *Net
}

// ErrStop, returned by Train.OnEpoch, ends training without an error.
var ErrStop = errors.New("classifier: stop training")

func (o Train) withDefaults() Train {
	if o.Epochs == 0 {
		o.Epochs = 100
	}
	if o.Batch == 0 {
		o.Batch = 128
	}
	if o.LR == 0 {
		o.LR = 1e-3
	}
	return o
}

// purposeShuffle keys the epochs' shuffles ("shuf").
const purposeShuffle = 0x73687566

// Fit trains n on the rows of x (rows x In) with labels y (true: the first
// class) and weights w (nil: 1 for every row) by Adam on the weighted mean
// binary cross-entropy of each mini-batch, rows shuffled every epoch. To
// estimate a likelihood ratio, give the classes equal total weight.
func (n *Net) Fit(x *mat.Dense, y []bool, w []float64, opt Train) error {
	opt = opt.withDefaults()
	rows, cols := x.Dims()
	switch {
	case cols != n.cfg.In:
		return fmt.Errorf("classifier: %d columns, the network takes %d", cols, n.cfg.In)
	case len(y) != rows || w != nil && len(w) != rows:
		return fmt.Errorf("classifier: %d rows, %d labels, %d weights", rows, len(y), len(w))
	case rows == 0:
		return errors.New("classifier: no rows to train on")
	case opt.Epochs < 1 || opt.Batch < 1 || !(opt.LR > 0):
		return fmt.Errorf("classifier: epochs %d, batch %d, learning rate %g", opt.Epochs, opt.Batch, opt.LR)
	}
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("classifier: row %d: weight %v", i, v)
		}
	}
	// One non-finite feature would make every later loss and weight NaN.
	for i := range rows {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("classifier: row %d, column %d: %v", i, j, v)
			}
		}
	}
	t := newTrainer(n, opt)
	rng := keyrand.New(opt.Seed, purposeShuffle)
	order := make([]int, rows)
	for i := range order {
		order[i] = i
	}
	raw := x.RawMatrix()
	for e := 1; e <= opt.Epochs; e++ {
		rng.Shuffle(rows, func(i, j int) { order[i], order[j] = order[j], order[i] })
		loss, wsum := 0.0, 0.0
		for b0 := 0; b0 < rows; b0 += opt.Batch {
			idx := order[b0:min(b0+opt.Batch, rows)]
			for r, i := range idx {
				src := raw.Data[i*raw.Stride : i*raw.Stride+cols]
				dst := t.ws.act[0][r*cols : (r+1)*cols]
				for j, v := range src {
					dst[j] = float32(v)
				}
				t.y[r] = 0
				if y[i] {
					t.y[r] = 1
				}
				t.w[r] = 1
				if w != nil {
					t.w[r] = float32(w[i])
				}
			}
			l, ws := t.step(len(idx))
			loss += l
			wsum += ws
		}
		if opt.OnEpoch != nil {
			if err := opt.OnEpoch(Epoch{Epoch: e, Loss: loss / wsum, Net: n}); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
	}
	return nil
}

// trainer holds a training's scratch and Adam's state.
type trainer struct {
	n      *Net
	opt    Train
	ws     *workspace
	y, w   []float32
	delta  [][]float32 // per layer: d loss / d (pre-activation), rows x out
	gw, gb [][]float32 // gradients
	mw, vw [][]float32 // Adam moments of the weights
	mb, vb [][]float32 // and of the biases
	wT     [][]float32 // the weights transposed (out x in), for the backward pass
	steps  int
}

func newTrainer(n *Net, opt Train) *trainer {
	t := &trainer{n: n, opt: opt, ws: n.newWorkspace(opt.Batch),
		y: make([]float32, opt.Batch), w: make([]float32, opt.Batch)}
	wd := n.widths()
	for l := range n.w {
		t.delta = append(t.delta, make([]float32, opt.Batch*wd[l+1]))
		for _, p := range []*[][]float32{&t.gw, &t.mw, &t.vw} {
			*p = append(*p, make([]float32, len(n.w[l])))
		}
		for _, p := range []*[][]float32{&t.gb, &t.mb, &t.vb} {
			*p = append(*p, make([]float32, len(n.b[l])))
		}
		t.wT = append(t.wT, make([]float32, len(n.w[l])))
	}
	t.transpose()
	return t
}

// transpose copies every layer's weights into wT.
func (t *trainer) transpose() {
	wd := t.n.widths()
	for l, w := range t.n.w {
		in, out := wd[l], wd[l+1]
		for i := 0; i < in; i++ {
			for o, v := range w[i*out : (i+1)*out] {
				t.wT[l][o*in+i] = v
			}
		}
	}
}

// step runs one mini-batch of rows rows (features in ws.act[0], labels t.y,
// weights t.w) and returns the batch's weighted summed loss and its summed
// weight.
func (t *trainer) step(rows int) (loss, wsum float64) {
	n := t.n
	n.forward(t.ws, rows)
	for r := 0; r < rows; r++ {
		wsum += float64(t.w[r])
	}
	if wsum == 0 {
		return 0, 0
	}
	// Output layer: d/dz of w * [max(z,0) - z y + log(1 + exp(-|z|))] / W.
	g := t.delta[len(t.delta)-1][:rows]
	for r := 0; r < rows; r++ {
		z, y, w := float64(t.ws.out[r]), float64(t.y[r]), float64(t.w[r])
		loss += w * crossEntropy(z, y)
		g[r] = float32(w * (1/(1+math.Exp(-z)) - y) / wsum)
	}
	wd := n.widths()
	for l := len(n.w) - 1; l >= 0; l-- {
		in, out := wd[l], wd[l+1]
		d := t.delta[l][:rows*out]
		act := t.ws.act[l][:rows*in]
		flow.MatMul(true, in, out, rows, act, in, d, out, t.gw[l], out, 0)
		gb := t.gb[l]
		clear(gb)
		for r := 0; r < rows; r++ {
			for j, v := range d[r*out : (r+1)*out] {
				gb[j] += v
			}
		}
		if l > 0 {
			prev := t.delta[l-1][:rows*in]
			// act is the ReLU output of the layer below.
			flow.MatMulMasked(rows, in, out, d, out, t.wT[l], in, prev, in, act, in)
		}
	}
	t.adam()
	return loss, wsum
}

// adam applies one Adam update (Kingma & Ba, with bias correction) to
// every parameter.
func (t *trainer) adam() {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	t.steps++
	c1 := 1 - math.Pow(b1, float64(t.steps))
	c2 := 1 - math.Pow(b2, float64(t.steps))
	lr := float32(t.opt.LR * math.Sqrt(c2) / c1)
	epsHat := float32(eps * math.Sqrt(c2))
	update := func(p, g, m, v []float32) {
		for i, gi := range g {
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= lr * m[i] / (float32(math.Sqrt(float64(v[i]))) + epsHat)
		}
	}
	for l := range t.n.w {
		update(t.n.w[l], t.gw[l], t.mw[l], t.vw[l])
		update(t.n.b[l], t.gb[l], t.mb[l], t.vb[l])
	}
	t.transpose()
}

// Loss returns the weighted mean binary cross-entropy of n on the rows of x
// with labels y and weights w (nil: 1 each), in nats.
func (n *Net) Loss(x *mat.Dense, y []bool, w []float64) float64 {
	z := n.Logits(nil, x)
	loss, wsum := 0.0, 0.0
	for i, zi := range z {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		yi := 0.0
		if y[i] {
			yi = 1
		}
		loss += wi * crossEntropy(zi, yi)
		wsum += wi
	}
	return loss / wsum
}

// crossEntropy is the binary cross-entropy of the logit z for the label y
// (0 or 1), -y log sigmoid(z) - (1-y) log(1 - sigmoid(z)), in a form that
// neither overflows nor loses digits for large |z|.
func crossEntropy(z, y float64) float64 {
	return max(z, 0) - z*y + math.Log1p(math.Exp(-math.Abs(z)))
}
