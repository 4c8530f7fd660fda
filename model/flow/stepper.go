package flow

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

// Stepper trains a flow one mini-batch at a time on rows the caller makes
// for each step, keeping Adam's state between steps. Paper 000 needs it: its
// training points depend on the model (each star's distance is re-estimated
// with the current CMD density before every mini-batch), so there is no
// fixed training set for Fit to shuffle.
//
// The flow's standardisation must be set before (SetStandardization); the
// rows are in data units. Between steps the flow is in evaluation mode and
// may be used (LogProb) by the caller, but not concurrently with Step.
type Stepper struct {
	f    *Flow
	opt  Train
	step func(x, cond *mat.Dense, w []float64) float64
	ad   *adam
	n    int
}

// NewStepper prepares to train f with the Adam settings, precision and
// workers of opt (Epochs, Batch, Seed, HoldOut and OnEpoch are not used) on
// mini-batches of at most maxBatch rows.
func NewStepper(f *Flow, opt Train, maxBatch int) (*Stepper, error) {
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	if maxBatch < 1 {
		return nil, errors.New("flow: Stepper needs a positive batch size")
	}
	s := &Stepper{f: f, opt: opt}
	if opt.Precision == Float64 {
		s.step, s.ad = newStepFunc[float64](f, opt, maxBatch)
	} else {
		s.step, s.ad = newStepFunc[float32](f, opt, maxBatch)
	}
	return s, nil
}

// Step takes one Adam step on the weighted mean negative log-likelihood of
// the rows of x (given cond; w may be nil for equal weights) and returns
// that loss, in data units, before the step. It panics if x has more rows
// than the Stepper's batch or the wrong number of columns.
func (s *Stepper) Step(x, cond *mat.Dense, w []float64) float64 {
	n := s.f.checkInputs(x, cond, s.f.cfg.D)
	if w != nil && len(w) != n {
		panic("flow: weights length mismatch")
	}
	s.n++
	return s.step(x, cond, w)
}

// Steps returns the number of steps taken.
func (s *Stepper) Steps() int { return s.n }

// SetLR sets the Adam learning rate of the steps that follow (a schedule);
// the moment estimates are kept.
func (s *Stepper) SetLR(lr float64) { s.ad.lr = lr }

// LR returns the Adam learning rate of the next step (Train.LR, its default
// applied, until SetLR).
func (s *Stepper) LR() float64 { return s.ad.lr }

func newStepFunc[T float](f *Flow, opt Train, maxBatch int) (func(x, cond *mat.Dense, w []float64) float64, *adam) {
	d, c := f.cfg.D, f.cfg.C
	t := newTrainer[T](f, maxBatch)
	t.net.par = max(1, opt.Workers)
	ad := newAdam(len(f.params), opt.LR, opt.Beta1, opt.Beta2, opt.AdamEps, opt.WeightDecay)
	z, cz := make([]float64, d), make([]float64, c)
	return func(x, cond *mat.Dense, w []float64) float64 {
		n, _ := x.Dims()
		if n > maxBatch {
			panic("flow: Stepper batch larger than its maximum")
		}
		for i := 0; i < n; i++ {
			xr := x.RawRowView(i)
			for j := range z {
				z[j] = (xr[j] - f.std.XMean[j]) / f.std.XScale[j]
			}
			if c > 0 {
				cr := cond.RawRowView(i)
				for j := range cz {
					cz[j] = (cr[j] - f.std.CMean[j]) / f.std.CScale[j]
				}
			}
			t.setRow(i, z, cz)
		}
		loss := t.step(n, w)
		ad.step(f.params, t.grad)
		t.net.sync(f)
		f.changed()
		return loss - f.logJacobianStd(d)
	}, ad
}
