package flow

import (
	"errors"
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"gonum.org/v1/gonum/mat"
)

// Train holds the options of Fit and (*Flow).Train. The zero value of each
// field is a documented default; the defaults are the reference's settings
// (../shared/reference/README.md).
type Train struct {
	Epochs int     // passes over the training rows; 0 means 40
	Batch  int     // mini-batch rows; 0 means 256. The last partial batch of an epoch is kept.
	LR     float64 // Adam learning rate; 0 means 1e-3

	Beta1, Beta2 float64 // Adam moment decays; 0 means 0.9 and 0.999
	AdamEps      float64 // Adam denominator epsilon; 0 means 1e-8
	WeightDecay  float64 // L2 penalty added to every gradient (PyTorch Adam's weight_decay); 0 means none

	Seed uint64 // seeds the initial weights, the held-out split and the shuffling
	Init Init   // initial weights (Fit only); the zero value is Orthogonal

	// Precision of the arithmetic; the zero value is Float32. Fit also sets
	// the trained flow's Precision to it.
	Precision Precision

	// HoldOut is the fraction of rows, drawn at random, kept out of
	// training to measure the held-out loss after each epoch (0 means
	// none). With HoldOut > 0, training stops after Patience epochs
	// without a new best held-out loss, and the best epoch's parameters
	// are kept.
	HoldOut  float64
	Patience int // epochs; 0 means 10. Negative: never stop early, but still keep the best epoch.

	// Workers is the number of goroutines each matrix product of training
	// is split over; 0 means 1. The result does not depend on it.
	Workers int

	// NoStandardize keeps the identity standardisation in Fit instead of
	// scaling each column to mean 0 and standard deviation 1.
	NoStandardize bool

	// OnEpoch, if not nil, is called after each epoch. The flow passed in
	// Epoch is the one being trained, in evaluation mode, valid for the
	// duration of the call (Clone it to keep it). Paper 004 averages the
	// density over the last 20 epochs: add exp(e.Flow.LogProb(...)) of the
	// rows to score in the hook. A non-nil error stops training: ErrStop
	// returns normally, any other error is returned.
	OnEpoch func(Epoch) error `json:"-"`
}

// ErrStop, returned by a Train.OnEpoch hook, stops training without error.
var ErrStop = errors.New("flow: stop training")

// Epoch is what Train.OnEpoch sees after each epoch.
type Epoch struct {
	Epoch       int     // 1-based
	Loss        float64 // weighted mean negative log-likelihood over the epoch's batches (training mode)
	HeldOutLoss float64 // weighted mean negative log-likelihood of the held-out rows (evaluation mode), NaN if none
	Best        bool    // whether this epoch has the best held-out loss so far
	Flow        *Flow
}

func (o Train) withDefaults() Train {
	if o.Epochs == 0 {
		o.Epochs = 40
	}
	if o.Batch == 0 {
		o.Batch = 256
	}
	if o.LR == 0 {
		o.LR = 1e-3
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.AdamEps == 0 {
		o.AdamEps = 1e-8
	}
	if o.Patience == 0 {
		o.Patience = 10
	}
	return o
}

func (o Train) validate() error {
	switch {
	case o.Epochs < 1:
		return fmt.Errorf("flow: train: Epochs = %d, want >= 1", o.Epochs)
	case o.Batch < 1:
		return fmt.Errorf("flow: train: Batch = %d, want >= 1", o.Batch)
	case !(o.LR > 0):
		return fmt.Errorf("flow: train: LR = %g, want > 0", o.LR)
	case !(o.Beta1 >= 0 && o.Beta1 < 1 && o.Beta2 >= 0 && o.Beta2 < 1):
		return fmt.Errorf("flow: train: Adam betas (%g, %g) not in [0, 1)", o.Beta1, o.Beta2)
	case !(o.AdamEps > 0):
		return fmt.Errorf("flow: train: AdamEps = %g, want > 0", o.AdamEps)
	case !(o.WeightDecay >= 0):
		return fmt.Errorf("flow: train: WeightDecay = %g, want >= 0", o.WeightDecay)
	case !(o.HoldOut >= 0 && o.HoldOut < 1):
		return fmt.Errorf("flow: train: HoldOut = %g, want in [0, 1)", o.HoldOut)
	case o.Precision != Float32 && o.Precision != Float64:
		return fmt.Errorf("flow: train: unknown precision %d", int(o.Precision))
	}
	return nil
}

// Fit builds a flow of architecture cfg (cfg.D and cfg.C are taken from the
// data's columns if zero) and trains it on the rows of x, with conditions
// cond (nil if none) and per-row weights w (nil for equal weights; paper 000
// weights by 1/sigma_P^2), by minimising the weighted negative
// log-likelihood -sum w_i log p(x_i|c_i) / sum w_i over shuffled
// mini-batches with Adam. Unless opt.NoStandardize, each column of x and
// cond is first standardised to mean 0 and standard deviation 1; LogProb,
// Sample and Inverse work in the original units.
//
// Fit returns an error for data it cannot fit (a non-finite value, a
// negative or non-finite weight, fewer than 2 rows, a constant column) or
// bad options; it panics if the shapes of x, cond and w disagree.
func Fit(x, cond *mat.Dense, w []float64, cfg Config, opt Train) (*Flow, error) {
	n, d := x.Dims()
	if cfg.D == 0 {
		cfg.D = d
	}
	if cfg.C == 0 && cond != nil {
		_, cfg.C = cond.Dims()
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	f, err := New(cfg, opt.Init, keyrand.New(opt.Seed, 0x696e6974))
	if err != nil {
		return nil, err
	}
	f.checkInputs(x, cond, f.cfg.D)
	if w != nil && len(w) != n {
		panic("flow: weights length mismatch")
	}
	if err := checkData(x, cond, w); err != nil {
		return nil, err
	}
	f.Precision = opt.Precision
	if !opt.NoStandardize {
		st, err := standardizationOf(x, cond)
		if err != nil {
			return nil, err
		}
		if err := f.SetStandardization(st); err != nil {
			return nil, err
		}
	}
	if err := f.Train(x, cond, w, opt); err != nil {
		return nil, err
	}
	return f, nil
}

// checkData returns an error naming the first non-finite value or bad weight.
func checkData(x, cond *mat.Dense, w []float64) error {
	n, _ := x.Dims()
	if n < 2 {
		return fmt.Errorf("flow: %d rows, need at least 2", n)
	}
	for name, m := range map[string]*mat.Dense{"x": x, "cond": cond} {
		if m == nil {
			continue
		}
		r, c := m.Dims()
		for i := 0; i < r; i++ {
			for j, v := range m.RawRowView(i)[:c] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("flow: %s row %d column %d is %g", name, i, j, v)
				}
			}
		}
	}
	sum := 0.0
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("flow: weight of row %d is %g, want finite and >= 0", i, v)
		}
		sum += v
	}
	if w != nil && !(sum > 0) {
		return errors.New("flow: weights sum to zero")
	}
	return nil
}

// standardizationOf returns the column means and standard deviations of x
// and cond.
func standardizationOf(x, cond *mat.Dense) (Standardization, error) {
	var s Standardization
	var err error
	s.XMean, s.XScale, err = columnMoments(x, "x")
	if err != nil {
		return s, err
	}
	if cond != nil {
		s.CMean, s.CScale, err = columnMoments(cond, "cond")
	} else {
		s.CMean, s.CScale = []float64{}, []float64{}
	}
	return s, err
}

func columnMoments(m *mat.Dense, name string) (mean, sd []float64, err error) {
	r, c := m.Dims()
	mean, sd = make([]float64, c), make([]float64, c)
	for j := 0; j < c; j++ {
		s := 0.0
		for i := 0; i < r; i++ {
			s += m.At(i, j)
		}
		mu := s / float64(r)
		v := 0.0
		for i := 0; i < r; i++ {
			e := m.At(i, j) - mu
			v += e * e
		}
		v /= float64(r)
		if !(v > 0) {
			return nil, nil, fmt.Errorf("flow: %s column %d is constant (%g); cannot standardise", name, j, mu)
		}
		mean[j], sd[j] = mu, math.Sqrt(v)
	}
	return mean, sd, nil
}

// Train trains f further on the rows of x with conditions cond and weights
// w, as Fit does but keeping f's weights and standardisation (opt.Init and
// opt.NoStandardize are ignored). It records what it did in f.Meta.Train.
// Errors and panics are as Fit's.
func (f *Flow) Train(x, cond *mat.Dense, w []float64, opt Train) error {
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return err
	}
	n := f.checkInputs(x, cond, f.cfg.D)
	if w != nil && len(w) != n {
		panic("flow: weights length mismatch")
	}
	if err := checkData(x, cond, w); err != nil {
		return err
	}
	if opt.Precision == Float64 {
		return trainLoop[float64](f, x, cond, w, opt)
	}
	return trainLoop[float32](f, x, cond, w, opt)
}

// dataset is the standardised training data, row-major.
type dataset struct {
	z, c []float64 // n x D, n x C
	w    []float64 // nil for equal weights
	rows []int     // the rows in this set
}

func trainLoop[T float](f *Flow, x, cond *mat.Dense, w []float64, opt Train) error {
	n, _ := x.Dims()
	d, c := f.cfg.D, f.cfg.C
	all := dataset{z: make([]float64, n*d), c: make([]float64, n*c), w: w}
	for i := 0; i < n; i++ {
		xr := x.RawRowView(i)
		for j := 0; j < d; j++ {
			all.z[i*d+j] = (xr[j] - f.std.XMean[j]) / f.std.XScale[j]
		}
		if c > 0 {
			cr := cond.RawRowView(i)
			for j := 0; j < c; j++ {
				all.c[i*c+j] = (cr[j] - f.std.CMean[j]) / f.std.CScale[j]
			}
		}
	}
	// Held-out split.
	perm := keyrand.New(opt.Seed, 0x686f6c64).Perm(n)
	nHold := int(math.Round(opt.HoldOut * float64(n)))
	if opt.HoldOut > 0 && nHold == 0 {
		nHold = 1
	}
	if n-nHold < 1 {
		return fmt.Errorf("flow: HoldOut %g leaves no training rows", opt.HoldOut)
	}
	train, hold := all, all
	train.rows = append([]int(nil), perm[nHold:]...)
	hold.rows = append([]int(nil), perm[:nHold]...)
	if w != nil {
		if sumWeights(w, train.rows) <= 0 {
			return errors.New("flow: training rows have zero total weight")
		}
	}
	batch := min(opt.Batch, len(train.rows))
	t := newTrainer[T](f, batch)
	t.net.par = max(1, opt.Workers)
	opt2 := newAdam(len(f.params), opt.LR, opt.Beta1, opt.Beta2, opt.AdamEps, opt.WeightDecay)
	shuffle := keyrand.New(opt.Seed, 0x73687566)
	bw := make([]float64, batch)

	info := TrainInfo{Options: opt, Rows: len(train.rows), HeldOutRows: nHold, Weighted: w != nil, HeldOutLoss: math.NaN()}
	info.Options.OnEpoch = nil
	best := math.Inf(1)
	var bestParams, bestStats []float64
	since := 0
	order := make([]int, len(train.rows))
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		for i, p := range shuffle.Perm(len(train.rows)) {
			order[i] = train.rows[p]
		}
		lossSum, wSum := 0.0, 0.0
		for b0 := 0; b0 < len(order); b0 += batch {
			rows := order[b0:min(b0+batch, len(order))]
			var wb []float64
			bsum := float64(len(rows))
			if w != nil {
				wb = bw[:len(rows)]
				bsum = 0
				for i, r := range rows {
					wb[i] = w[r]
					bsum += w[r]
				}
				if bsum <= 0 {
					continue
				}
			}
			t.setRows(rows, all.z, all.c)
			loss := t.step(len(rows), wb)
			opt2.step(f.params, t.grad)
			t.net.sync(f)
			lossSum += loss * bsum
			wSum += bsum
		}
		f.changed()
		// The batches' loss is in standardised units; -logJacobianStd
		// converts it to data units, as the held-out loss is.
		ep := Epoch{Epoch: epoch, Loss: lossSum/wSum - f.logJacobianStd(d), HeldOutLoss: math.NaN(), Flow: f}
		info.Epochs, info.Loss = epoch, ep.Loss
		stop := false
		if nHold > 0 {
			ep.HeldOutLoss = heldOutLoss(f, hold)
			if ep.HeldOutLoss < best || bestParams == nil {
				best = ep.HeldOutLoss
				ep.Best = true
				bestParams = append(bestParams[:0], f.params...)
				bestStats = append(bestStats[:0], f.stats...)
				info.BestEpoch, info.HeldOutLoss = epoch, best
				since = 0
			} else {
				since++
				stop = opt.Patience > 0 && since >= opt.Patience
			}
		}
		if opt.OnEpoch != nil {
			if err := opt.OnEpoch(ep); err != nil {
				if !errors.Is(err, ErrStop) {
					return err
				}
				stop = true
			}
		}
		if stop {
			break
		}
	}
	if bestParams != nil {
		copy(f.params, bestParams)
		copy(f.stats, bestStats)
		f.changed()
	} else {
		info.BestEpoch = info.Epochs
	}
	f.Meta.Train = info
	return nil
}

func sumWeights(w []float64, rows []int) float64 {
	s := 0.0
	for _, r := range rows {
		s += w[r]
	}
	return s
}

// heldOutLoss returns the weighted mean negative log-likelihood of the rows
// of ds in evaluation mode, in data units.
func heldOutLoss(f *Flow, ds dataset) float64 {
	d, c := f.cfg.D, f.cfg.C
	x := mat.NewDense(len(ds.rows), d, nil)
	var cm *mat.Dense
	if c > 0 {
		cm = mat.NewDense(len(ds.rows), c, nil)
	}
	for i, r := range ds.rows {
		for j := 0; j < d; j++ {
			x.Set(i, j, ds.z[r*d+j]*f.std.XScale[j]+f.std.XMean[j])
		}
		for j := 0; j < c; j++ {
			cm.Set(i, j, ds.c[r*c+j]*f.std.CScale[j]+f.std.CMean[j])
		}
	}
	lp := f.LogProb(nil, x, cm)
	s, ws := 0.0, 0.0
	for i, r := range ds.rows {
		wi := 1.0
		if ds.w != nil {
			wi = ds.w[r]
		}
		s -= wi * lp[i]
		ws += wi
	}
	if ws == 0 {
		return math.NaN()
	}
	return s / ws
}
