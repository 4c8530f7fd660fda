package flow

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Precision selects the arithmetic of evaluation and training.
type Precision int

const (
	// Float32 is the fast arithmetic: matrix products in float32 (twice the
	// SIMD width of float64), sums over the batch and log-determinants
	// accumulated in float64. It is the default; see doc.go for the
	// measurements behind the choice.
	Float32 Precision = iota
	// Float64 is exact double-precision arithmetic throughout, the
	// arithmetic of the reference implementation's test vectors.
	Float64
)

// String returns "float32" or "float64".
func (p Precision) String() string {
	switch p {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// ParsePrecision returns the Precision named s ("float32" or "float64").
func ParsePrecision(s string) (Precision, error) {
	switch s {
	case "float32", "":
		return Float32, nil
	case "float64":
		return Float64, nil
	}
	return 0, fmt.Errorf("flow: unknown precision %q (want float32 or float64)", s)
}

// Flow is a Masked Autoregressive Flow of blocks MADE -> BatchNorm -> Reverse
// that maps data x (D dimensions), given conditions c (C dimensions), to a
// standard normal u. Parameters are stored in float64 whatever the Precision.
//
// Its methods that evaluate (LogProb, Sample, Inverse, MarginalLogProb) may
// be called from several goroutines at once; methods that change it (Fit,
// SetStandardization, writing through Tensors) may not run concurrently with
// anything else.
type Flow struct {
	// Precision is the arithmetic of LogProb, Sample, Inverse and
	// MarginalLogProb; the zero value is Float32.
	Precision Precision

	// Meta describes the data and the training; it travels in model files.
	Meta Meta

	cfg    Config
	masks  [][]float64 // per MADE weight layer, out x in, shared by all blocks
	params []float64   // trainable parameters, flat
	stats  []float64   // BatchNorm running means and variances, flat
	blocks []blockParams
	std    Standardization

	mu      sync.Mutex
	version uint64 // bumped whenever params or stats change
	ev32    *evaluator[float32]
	ev64    *evaluator[float64]
}

// Meta is what a Flow knows about its data and training, besides its weights.
type Meta struct {
	XNames []string // names of the D data columns, if known
	CNames []string // names of the C condition columns, if known
	Train  TrainInfo
	Notes  map[string]string // free-form, e.g. provenance
}

// TrainInfo records how a flow was trained.
type TrainInfo struct {
	Options     Train   // the options Fit was given, with defaults filled in
	Rows        int     // training rows (after the held-out fraction)
	HeldOutRows int     // rows held out for early stopping
	Epochs      int     // epochs run
	BestEpoch   int     // epoch whose parameters were kept (1-based), or Epochs; 0 if the flow is an average of several (Meta.Notes says which)
	Loss        float64 // weighted mean negative log-likelihood of the last epoch (train mode)
	HeldOutLoss float64 // weighted mean negative log-likelihood on the held-out rows at BestEpoch (eval mode); NaN if none
	Weighted    bool    // whether per-row weights were given
}

// Standardization is the affine map from data to the flow's internal
// coordinates: z = (x - XMean) / XScale, and likewise for the conditions.
// log p(x) = log p(z) - sum(log XScale).
type Standardization struct {
	XMean, XScale []float64 // length D
	CMean, CScale []float64 // length C
}

// blockParams are views into a Flow's params and stats for one block.
type blockParams struct {
	W  [][]float64 // per weight layer, out x in; W[0] is hidden[0] x D
	B  [][]float64 // per weight layer, biases
	Wc []float64   // hidden[0] x C, the condition weights (no mask)

	LogGamma, Beta  []float64 // BatchNorm, length D
	RunMean, RunVar []float64 // BatchNorm running statistics, length D
}

// New returns a flow with architecture cfg, its weights initialised by init
// from rng (orthogonal, as the reference does, when init is Orthogonal),
// biases and BatchNorm parameters zero, running statistics mean 0 and
// variance 1, and the identity standardisation. It returns an error if cfg
// is invalid.
func New(cfg Config, init Init, rng *rand.Rand) (*Flow, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	f := &Flow{cfg: cfg, masks: madeMasks(cfg.D, cfg.Hidden)}
	f.layout()
	if rng != nil {
		for _, b := range f.blocks {
			for l, w := range b.W {
				initWeights(init, w, f.outSize(l), f.inSize(l), rng)
				if l == 0 {
					initWeights(init, b.Wc, f.outSize(0), cfg.C, rng)
				}
			}
		}
	}
	for _, b := range f.blocks {
		for i := range b.RunVar {
			b.RunVar[i] = 1
		}
	}
	f.std = identityStandardization(cfg.D, cfg.C)
	return f, nil
}

// outSize returns the number of outputs of MADE weight layer l.
func (f *Flow) outSize(l int) int {
	if l == len(f.cfg.Hidden) {
		return 2 * f.cfg.D
	}
	return f.cfg.Hidden[l]
}

// inSize returns the number of masked inputs of MADE weight layer l (for
// layer 0, the data inputs only).
func (f *Flow) inSize(l int) int {
	if l == 0 {
		return f.cfg.D
	}
	return f.cfg.Hidden[l-1]
}

// layout allocates params and stats and points the block views into them.
func (f *Flow) layout() {
	cfg := f.cfg
	f.params = make([]float64, f.paramsPerBlock()*cfg.Blocks)
	f.stats = make([]float64, 2*cfg.D*cfg.Blocks)
	f.blocks = f.paramViews(f.params)
	s := f.stats
	for i := range f.blocks {
		b := &f.blocks[i]
		b.RunMean, b.RunVar = s[:cfg.D:cfg.D], s[cfg.D:2*cfg.D:2*cfg.D]
		s = s[2*cfg.D:]
	}
}

// paramsPerBlock returns the number of trainable parameters of one block.
func (f *Flow) paramsPerBlock() int {
	per := 0
	for l := 0; l <= len(f.cfg.Hidden); l++ {
		per += f.outSize(l)*f.inSize(l) + f.outSize(l)
	}
	return per + f.cfg.Hidden[0]*f.cfg.C + 2*f.cfg.D
}

// paramViews returns per-block views (without running statistics) into a
// vector laid out as params: block after block, each W[0], B[0], Wc, W[1],
// B[1], ..., W[L], B[L], LogGamma, Beta.
func (f *Flow) paramViews(p []float64) []blockParams {
	cfg := f.cfg
	L := len(cfg.Hidden)
	if len(p) != f.paramsPerBlock()*cfg.Blocks {
		panic("flow: parameter vector length mismatch")
	}
	take := func(n int) []float64 {
		v := p[:n:n]
		p = p[n:]
		return v
	}
	blocks := make([]blockParams, cfg.Blocks)
	for i := range blocks {
		b := &blocks[i]
		b.W = make([][]float64, L+1)
		b.B = make([][]float64, L+1)
		for l := 0; l <= L; l++ {
			b.W[l] = take(f.outSize(l) * f.inSize(l))
			b.B[l] = take(f.outSize(l))
			if l == 0 {
				b.Wc = take(cfg.Hidden[0] * cfg.C)
			}
		}
		b.LogGamma = take(cfg.D)
		b.Beta = take(cfg.D)
	}
	return blocks
}

func identityStandardization(d, c int) Standardization {
	s := Standardization{
		XMean: make([]float64, d), XScale: make([]float64, d),
		CMean: make([]float64, c), CScale: make([]float64, c),
	}
	for i := range s.XScale {
		s.XScale[i] = 1
	}
	for i := range s.CScale {
		s.CScale[i] = 1
	}
	return s
}

// Config returns the flow's architecture, defaults filled in.
func (f *Flow) Config() Config {
	c := f.cfg
	c.Hidden = append([]int(nil), c.Hidden...)
	return c
}

// D returns the number of data dimensions.
func (f *Flow) D() int { return f.cfg.D }

// C returns the number of conditioning dimensions.
func (f *Flow) C() int { return f.cfg.C }

// NumParams returns the number of trainable parameters, counting masked
// weights (which stay at their initial values and have no effect).
func (f *Flow) NumParams() int { return len(f.params) }

// Standardization returns a copy of the flow's standardisation.
func (f *Flow) Standardization() Standardization {
	c := func(v []float64) []float64 { return append([]float64{}, v...) }
	return Standardization{c(f.std.XMean), c(f.std.XScale), c(f.std.CMean), c(f.std.CScale)}
}

// SetStandardization sets the affine map applied to data and conditions
// before the flow. It panics if a length differs from D or C, and returns an
// error if a scale is not positive and finite.
func (f *Flow) SetStandardization(s Standardization) error {
	if len(s.XMean) != f.cfg.D || len(s.XScale) != f.cfg.D || len(s.CMean) != f.cfg.C || len(s.CScale) != f.cfg.C {
		panic("flow: standardization length mismatch")
	}
	for _, v := range append(append([]float64{}, s.XScale...), s.CScale...) {
		if !(v > 0) || v > 1e300 {
			return fmt.Errorf("flow: standardization scale %g is not positive and finite", v)
		}
	}
	f.std = f.Standardization()
	copy(f.std.XMean, s.XMean)
	copy(f.std.XScale, s.XScale)
	copy(f.std.CMean, s.CMean)
	copy(f.std.CScale, s.CScale)
	return nil
}

// Clone returns a deep copy of f.
func (f *Flow) Clone() *Flow {
	g := &Flow{Precision: f.Precision, Meta: f.Meta, cfg: f.Config(), masks: f.masks}
	g.Meta.XNames = append([]string(nil), f.Meta.XNames...)
	g.Meta.CNames = append([]string(nil), f.Meta.CNames...)
	if f.Meta.Notes != nil {
		g.Meta.Notes = make(map[string]string, len(f.Meta.Notes))
		for k, v := range f.Meta.Notes {
			g.Meta.Notes[k] = v
		}
	}
	g.layout()
	copy(g.params, f.params)
	copy(g.stats, f.stats)
	g.std = f.Standardization()
	return g
}

// changed invalidates the cached evaluators after a change of parameters.
func (f *Flow) changed() {
	f.mu.Lock()
	f.version++
	f.ev32, f.ev64 = nil, nil
	f.mu.Unlock()
}
