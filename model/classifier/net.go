package classifier

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// Config is the shape of a network. Hidden nil means CATHODE's three
// layers of 64.
type Config struct {
	In     int   // features
	Hidden []int // units of each hidden ReLU layer
}

func (c Config) withDefaults() Config {
	if c.Hidden == nil {
		c.Hidden = []int{64, 64, 64}
	}
	return c
}

// Net is a trained or freshly initialised classifier. Its logit is
//
//	z(x) = w_L · relu(W_{L-1} ... relu(W_0 x + b_0) ...) + b_L
//
// and its probability of the first class (label true) sigmoid(z).
type Net struct {
	cfg Config
	// w[l] is layer l's weights, in x out, row-major (in = the previous
	// layer's width); b[l] its biases. The last layer has out = 1.
	w, b [][]float32
	eval *workspace // evaluation scratch, reused by Logits
}

// purposeInit keys the initial weights' stream ("init").
const purposeInit = 0x696e6974

// New returns a network of the given shape with PyTorch's default
// initialisation of linear layers, drawn from a stream keyed by seed.
func New(cfg Config, seed uint64) (*Net, error) {
	cfg = cfg.withDefaults()
	if cfg.In < 1 {
		return nil, fmt.Errorf("classifier: %d inputs", cfg.In)
	}
	for _, h := range cfg.Hidden {
		if h < 1 {
			return nil, fmt.Errorf("classifier: hidden layers %v", cfg.Hidden)
		}
	}
	rng := keyrand.New(seed, purposeInit)
	n := &Net{cfg: cfg}
	in := cfg.In
	for _, out := range append(append([]int(nil), cfg.Hidden...), 1) {
		bound := 1 / math.Sqrt(float64(in))
		w, b := make([]float32, in*out), make([]float32, out)
		for i := range w {
			w[i] = float32((2*rng.Float64() - 1) * bound)
		}
		for i := range b {
			b[i] = float32((2*rng.Float64() - 1) * bound)
		}
		n.w, n.b = append(n.w, w), append(n.b, b)
		in = out
	}
	return n, nil
}

// widths returns the input width of every layer and, last, the output's (1).
func (n *Net) widths() []int {
	return append(append([]int{n.cfg.In}, n.cfg.Hidden...), 1)
}

// workspace holds the activations of up to rows rows: act[l] is the input
// of layer l (act[0] the features), rows x widths[l].
type workspace struct {
	act [][]float32
	out []float32
}

func (n *Net) newWorkspace(rows int) *workspace {
	ws := &workspace{}
	wd := n.widths()
	for _, w := range wd[:len(wd)-1] {
		ws.act = append(ws.act, make([]float32, rows*w))
	}
	ws.out = make([]float32, rows)
	return ws
}

// forward computes the logits of the first rows rows of ws.act[0] into
// ws.out, keeping every hidden activation in ws.act.
func (n *Net) forward(ws *workspace, rows int) {
	wd := n.widths()
	for l := range n.w {
		in, out := wd[l], wd[l+1]
		dst := ws.out[:rows]
		if l+1 < len(n.w) {
			dst = ws.act[l+1][:rows*out]
		}
		for r := 0; r < rows; r++ {
			copy(dst[r*out:(r+1)*out], n.b[l])
		}
		flags := flow.MatMulAccumulate
		if l+1 < len(n.w) {
			flags |= flow.MatMulReLU
		}
		flow.MatMul(false, rows, out, in, ws.act[l], in, n.w[l], out, dst, out, flags)
	}
}

// evalRows is the chunk of rows Logits evaluates at a time.
const evalRows = 1024

// Logits writes the logit z(x) of every row of x (rows x In) into dst,
// allocated if nil, and returns it. It panics if x has the wrong width. It
// reuses scratch held by n, so one Net must not be evaluated from two
// goroutines at once.
func (n *Net) Logits(dst []float64, x *mat.Dense) []float64 {
	rows, cols := x.Dims()
	if cols != n.cfg.In {
		panic(fmt.Sprintf("classifier: %d columns, the network takes %d", cols, n.cfg.In))
	}
	if dst == nil {
		dst = make([]float64, rows)
	}
	if n.eval == nil {
		n.eval = n.newWorkspace(evalRows)
	}
	ws := n.eval
	for r0 := 0; r0 < rows; r0 += evalRows {
		m := min(evalRows, rows-r0)
		for r := 0; r < m; r++ {
			dst := ws.act[0][r*cols : (r+1)*cols]
			for j, v := range x.RawRowView(r0 + r) {
				dst[j] = float32(v)
			}
		}
		n.forward(ws, m)
		for r := 0; r < m; r++ {
			dst[r0+r] = float64(ws.out[r])
		}
	}
	return dst
}

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := &Net{cfg: n.cfg}
	c.cfg.Hidden = append([]int(nil), n.cfg.Hidden...)
	for l := range n.w {
		c.w = append(c.w, append([]float32(nil), n.w[l]...))
		c.b = append(c.b, append([]float32(nil), n.b[l]...))
	}
	return c
}
