package anode

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// Model names one of the two flows of a search region.
type Model int

const (
	SRModel Model = iota // p(x | mu_lambda) of the search region's stars (the numerator of R)
	CRModel              // p(x | mu_lambda) of the control region's stars (the denominator)
)

// String returns "SR" or "CR".
func (m Model) String() string {
	if m == SRModel {
		return "SR"
	}
	return "CR"
}

// Options are the settings of Score. The zero value of each field is the
// paper's (Shih et al. 2022 App. A): 20 blocks of MADE -> BatchNorm ->
// Reverse with two hidden layers of 64 ReLU units, Adam at learning rate
// 7e-5 on batches of 512 for 150 epochs, densities averaged over 20 epochs.
type Options struct {
	Features Features // x; the zero value is Full

	// Method forms R: ANODE (the zero value, the paper's: two flows) or
	// CATHODE (the CR flow's samples against the SR's stars, a classifier
	// between them; Cathode holds its settings).
	Method  Method
	Cathode CathodeOptions

	// Stretch maps the hard edges of the patch to infinity before the
	// features are standardised: the circular edge of (phi, lambda)
	// radially by r -> r_max atanh(r/r_max), the faint and bright limits of
	// g by a logit. It is one bijection for both flows, so R is the same
	// function of the stars, but the flows no longer have to fit
	// discontinuities. The paper does not do it (false).
	Stretch bool

	Blocks int     // flow blocks; 0 means 20
	Hidden int     // units in each of the two hidden layers of every MADE; 0 means 64
	Batch  int     // mini-batch size; 0 means 512
	LR     float64 // Adam learning rate; 0 means 7e-5
	Epochs int     // epochs of each flow; 0 means 150

	// Average is the number of consecutive epochs over which each star's
	// density is averaged; 0 means 20. It is cut to Epochs if larger.
	Average int

	// Patience, if > 0, ends the CR flow's training once it has stopped
	// learning, instead of after Epochs (0, the paper's): a share HoldOut
	// of the control region's stars, drawn by a keyed hash, is kept out of
	// its training, and training ends when their loss (the mean over the
	// best-fit 99 % of them) has not fallen by MinDelta below its value at
	// the last such fall for Patience optimiser steps
	// (batches; 5,000 is about 9 epochs of a 340,000-star patch), and not
	// before Average epochs. The CR window is then chosen (ANODE) or
	// sampled (CATHODE) among the epochs trained. Only the CR flow stops
	// early: the SR flow trains on every SR star, whose densities R
	// compares, for all Epochs.
	Patience int
	HoldOut  float64 // share of the CR stars held out; 0 means 0.1 (with Patience > 0)
	MinDelta float64 // nats per star; 0 means 0.002 (with Patience > 0)

	Seed      uint64         // run seed; with Patch.ID, the window and the model it seeds each flow
	Workers   int            // goroutines for the matrix products and the evaluations; 0 means 1
	Precision flow.Precision // arithmetic of the flows; the zero value is float32

	// OnEpoch, if not nil, is called after every epoch of each flow (first
	// all epochs of the SR flow, then those of the CR flow). Its slices
	// are valid only during the call. A non-nil error stops Score, which
	// returns it.
	OnEpoch func(Epoch) error `json:"-"`

	// Progress, if not nil, is told after each epoch of every flow and
	// classifier how many rows (stars, or CATHODE's stars and samples)
	// that epoch trained on. A search region of a real patch's million
	// stars trains for many minutes; a caller that counts finished regions
	// alone has nothing to show meanwhile. Unlike OnEpoch it sees nothing
	// of the training and may be set with ScoreShared's several regions.
	// CATHODE's folds call it from several goroutines when Workers > 1.
	Progress func(rows int) `json:"-"`
}

// progress reports rows to Options.Progress, if set.
func (o Options) progress(rows int) {
	if o.Progress != nil {
		o.Progress(rows)
	}
}

// DefaultPatience is the early stop gaiaflow's streams command uses for
// ANODE at the paper's schedule (Options.Patience; the library's zero value
// is the paper's, every epoch). On the dense GD-1 patch of four
// 40-million-star mock skies (BenchmarkPaperCostDense;
// GAIAFLOW_BENCH_SKY_SEED 5 to 8; six trainings) it stopped the CR flow at
// epochs 34-83 of 150; where timed it cost 0.12-0.23 CPU-hours per million
// patch stars against 0.22-0.46 for the paper's schedule on the same day,
// a third to two thirds of it. ANODE's GD-1 AUC moved by -0.021 to +0.018
// (two trainings of one sky at the paper's schedule differ by up to 0.063)
// and its maximum SIC by -0.17 to +0.68.
// CATHODE, which samples the CR flow, lost 0.008-0.019 of its AUC and
// 0.7-3.0 of its maximum SIC on the three skies measured, so streams keeps
// the paper's schedule for it.
const DefaultPatience = 5000

func (o Options) withDefaults() Options {
	if o.Blocks == 0 {
		o.Blocks = 20
	}
	if o.Hidden == 0 {
		o.Hidden = 64
	}
	if o.Batch == 0 {
		o.Batch = 512
	}
	if o.LR == 0 {
		o.LR = 7e-5
	}
	if o.Epochs == 0 {
		o.Epochs = 150
	}
	if o.Average == 0 {
		o.Average = 20
	}
	o.Average = min(o.Average, o.Epochs)
	if o.Patience > 0 {
		if o.HoldOut == 0 {
			o.HoldOut = 0.1
		}
		if o.MinDelta == 0 {
			o.MinDelta = 0.002
		}
	}
	o.Cathode = o.Cathode.withDefaults()
	if o.Workers == 0 {
		o.Workers = 1
	}
	return o
}

func (o Options) validate() error {
	switch {
	case o.Features != Full && o.Features != Astrometric:
		return fmt.Errorf("anode: unknown feature set %d", int(o.Features))
	case o.Blocks < 1 || o.Hidden < 1 || o.Batch < 1 || o.Epochs < 1 || o.Average < 1 || o.Workers < 1:
		return fmt.Errorf("anode: options: blocks %d, hidden %d, batch %d, epochs %d, average %d, workers %d must be >= 1",
			o.Blocks, o.Hidden, o.Batch, o.Epochs, o.Average, o.Workers)
	case !(o.LR > 0) || math.IsInf(o.LR, 0):
		return fmt.Errorf("anode: options: learning rate %g", o.LR)
	case o.Patience < 0 || o.Patience > 0 && !(o.HoldOut > 0 && o.HoldOut < 1 && o.MinDelta >= 0 && !math.IsInf(o.MinDelta, 0)):
		return fmt.Errorf("anode: options: patience %d, held-out share %g, min delta %g (want patience >= 0; with patience, a share in (0, 1) and a finite delta >= 0)",
			o.Patience, o.HoldOut, o.MinDelta)
	case o.Method != ANODE && o.Method != Cathode:
		return fmt.Errorf("anode: unknown method %d", int(o.Method))
	case o.Method == Cathode:
		return o.Cathode.validate()
	}
	return nil
}

// Epoch is what Options.OnEpoch sees after each epoch of each flow.
type Epoch struct {
	Model Model
	Epoch int     // 1-based
	Loss  float64 // mean negative log-likelihood of the epoch's batches, standardised units (flow.Epoch.Loss)

	// HeldOutLoss is the CR flow's loss on its held-out stars
	// (Options.Patience): the mean negative log-likelihood of the best-fit
	// 99 % of them, standardised units; NaN without.
	HeldOutLoss float64

	// LogP is log p(x | mu_lambda) of every search-region star (in the
	// order of Result.Members) under the flow after this epoch; LogPAvg is
	// the log of the density averaged over the last min(Average, Epoch)
	// epochs. Data units: per degree^2 (mas/yr) [mag^2].
	LogP, LogPAvg []float64

	Flow *flow.Flow // the flow, in evaluation mode, valid during the call
}

// Result is the ANODE score of the stars of one search region.
type Result struct {
	Window  Window
	Members []int // indices into the patch of the search-region stars, ascending

	// LogR is log R = log p_SR(x|mu_lambda) - log p_CR(x|mu_lambda) of each
	// member (natural log); LogPSR and LogPCR are the two terms, the
	// epoch-averaged densities in data units (see Epoch.LogP).
	LogR, LogPSR, LogPCR []float64

	Average int // epochs in each average (Options.Average cut to Epochs)
	Epochs  int // epochs of the SR flow (Options.Epochs)

	// CREpochs is the number of epochs the CR flow trained: Epochs, or
	// fewer if it stopped early (Options.Patience).
	CREpochs int

	// CREpoch is the last epoch of the chosen window of Average epochs of
	// the CR flow; the SR flow's window always ends at Epochs.
	CREpoch int
	// Spread[e-1] (len CREpochs) is the criterion of App. A for the CR
	// window ending at epoch e: the standard deviation of the log R < 0
	// values reflected across 0, sqrt(mean of logR^2 over the members with
	// logR < 0). NaN where no window ends (e < Average) or no log R is
	// negative.
	Spread []float64

	CRStars        int     // stars in the control region
	CRHeldOut      int     // of them, held out of the CR flow's training (Options.Patience)
	SamplesDropped int     // CATHODE: samples of the CR flow left out as numerical failures (non-finite, or 1000 standard deviations out)
	LossSR, LossCR float64 // last epochs' training losses (standardised units); with CATHODE, LossSR is its classifiers' mean best validation loss (nats)

	// The standardisation over the patch: z = (x - Mean)/Scale for the
	// features (after Stretch, if set) and (mu_lambda - CondMean)/CondScale.
	Mean, Scale         []float64
	CondMean, CondScale float64
}

// errHook stops a flow's training when Options.OnEpoch fails.
var errHook = errors.New("anode: hook failed")

// ErrTooFew is returned (wrapped) by Score when a search or control region
// has fewer than 2 stars.
var ErrTooFew = errors.New("anode: too few stars to train on")

// Score runs ANODE (Shih et al. 2022 sec. 3.2 and App. A) on the search
// region sr of patch p: it standardises the features x and the condition
// mu_lambda to mean 0 and standard deviation 1 over the whole patch, trains
// one flow of p(x | mu_lambda) on the stars inside sr and one on the rest of
// the patch, and returns R = p_SR / p_CR at every star inside sr. With
// Options.Stretch the features are first stretched (see Options.Stretch).
//
// Densities are averaged per star as App. A says. The SR flow's density is
// the mean of its densities after each of the last Average epochs. The CR
// flow's density is the mean over a window of Average consecutive epochs,
// and the window is chosen by the symmetrised-log-R criterion: for every
// window ending at epoch e (e = Average, ..., Epochs), log R of the SR
// stars is computed with the SR average and that window's CR average; the
// values log R < 0 are reflected across 0 and the window whose reflected
// distribution has the smallest standard deviation is kept (Result.Spread,
// Result.CREpoch). Densities, not log densities, are averaged. The SR flow
// is trained first, so the CR windows can be judged as they come, holding
// Average epochs of densities of the SR stars rather than all of them.
//
// Score returns an error wrapping ErrTooFew if either region has fewer than
// 2 stars, and any error of the training (a constant feature, say) or of
// the hook. It panics if p's columns differ in length.
func Score(p *Patch, sr Window, opt Options) (*Result, error) {
	res, err := score(p, sr, []Window{sr}, opt)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// target is a search region whose R a CR flow's densities are judged on:
// its result and its SR stars' evaluator, densities and epoch ring.
type target struct {
	res     *Result
	x, c    *mat.Dense // the SR stars' features and conditions
	ev      *evaluator
	ring    *ring
	lp, avg []float64
	best    float64 // the smallest App. A spread so far
}

// score trains an SR flow for each of srs and one CR flow on the stars of
// p outside exclude, which holds every SR (Score: exclude is the one SR;
// ScoreShared), and returns each SR's Result.
func score(p *Patch, exclude Window, srs []Window, opt Options) ([]*Result, error) {
	p.check()
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	targets := make([]*target, len(srs))
	var cr *region // the CR's stars, the same for every SR
	for k, sr := range srs {
		res, rd, err := prepare(p, sr, exclude, opt, k == 0)
		if err != nil {
			return nil, err
		}
		if opt.Method == Cathode {
			// One SR (ScoreShared refuses CATHODE with more).
			res, err := scoreCathode(p, sr, opt, res, rd)
			if err != nil {
				return nil, err
			}
			return []*Result{res}, nil
		}
		if k == 0 {
			cr = rd
		}
		n := len(res.Members)
		targets[k] = &target{res: res, x: rd.xSR, c: rd.cSR, ev: newEvaluator(rd.xSR, rd.cSR, opt.Workers, rd.jac), ring: newRing(n, opt.Average),
			lp: make([]float64, n), avg: make([]float64, n), best: math.Inf(1)}
	}
	d := len(targets[0].res.Mean)
	cfg := flow.Config{D: d, C: 1, Blocks: opt.Blocks, Hidden: []int{opt.Hidden, opt.Hidden}}
	// The hook's error is kept here and the flow is stopped by errHook, so
	// that no error of the hook (not even flow.ErrStop) leaves a flow
	// half-trained without Score returning it.
	var hookErr error
	// train fits one flow, seeded by the window it is trained for (an SR,
	// or for the CR flow the excluded window: the SR itself in Score).
	train := func(m Model, w Window, x, c *mat.Dense, onEpoch func(e flow.Epoch) error) (*flow.Flow, error) {
		pu := purposeSR
		if m == CRModel {
			pu = purposeCR
		}
		tr := flow.Train{
			Epochs: opt.Epochs, Batch: opt.Batch, LR: opt.LR,
			Seed: seedFor(opt.Seed, p.ID, w, pu), Precision: opt.Precision,
			Workers: opt.Workers, NoStandardize: true, OnEpoch: onEpoch,
		}
		f, err := flow.Fit(x, c, nil, cfg, tr)
		if hookErr != nil {
			return nil, hookErr
		}
		if err != nil {
			return nil, fmt.Errorf("anode: patch %d region %v: %v flow: %w", p.ID, w, m, err)
		}
		return f, nil
	}
	// hook calls Options.OnEpoch (one SR only: ScoreShared refuses it
	// with more).
	hook := func(t *target, m Model, e flow.Epoch, held float64) error {
		if opt.OnEpoch == nil {
			return nil
		}
		t.ring.mean(t.avg)
		if err := opt.OnEpoch(Epoch{Model: m, Epoch: e.Epoch, Loss: e.Loss, HeldOutLoss: held, LogP: t.lp, LogPAvg: t.avg, Flow: e.Flow}); err != nil {
			hookErr = err
			return errHook
		}
		return nil
	}

	// The SR flows: each the average of its last Average epochs.
	first := opt.Epochs - opt.Average + 1
	for k, t := range targets {
		_, err := train(SRModel, srs[k], t.x, t.c, func(e flow.Epoch) error {
			opt.progress(t.x.RawMatrix().Rows)
			t.res.LossSR = e.Loss
			if e.Epoch < first && opt.OnEpoch == nil {
				return nil
			}
			t.ev.logProb(t.lp, e.Flow)
			t.ring.push(t.lp)
			return hook(t, SRModel, e, math.NaN())
		})
		if err != nil {
			return nil, err
		}
		t.res.LogPSR = make([]float64, len(t.lp))
		t.ring.mean(t.res.LogPSR)
		t.ring.reset()
		t.res.LogPCR = make([]float64, len(t.lp))
		t.res.Spread = make([]float64, opt.Epochs)
	}

	// The CR flow: for each SR, every window of Average epochs judged by
	// the spread of the reflected negative log R, until the last epoch or
	// the plateau.
	xTrain, cTrain, hold := splitCR(opt, seedFor(opt.Seed, p.ID, exclude, purposeHoldOut), cr.xCR, cr.cCR)
	stop := newPlateau(opt, xTrain.RawMatrix().Rows)
	_, err := train(CRModel, exclude, xTrain, cTrain, func(e flow.Epoch) error {
		opt.progress(xTrain.RawMatrix().Rows)
		held := hold.loss(e.Flow)
		last := e.Epoch == opt.Epochs || hold != nil && stop.done(e.Epoch, held)
		for _, t := range targets {
			res := t.res
			res.LossCR = e.Loss
			res.CREpochs = e.Epoch
			res.Spread[e.Epoch-1] = math.NaN()
			t.ev.logProb(t.lp, e.Flow)
			t.ring.push(t.lp)
			if e.Epoch >= opt.Average {
				t.ring.mean(t.avg)
				s := reflectedSpread(res.LogPSR, t.avg)
				res.Spread[e.Epoch-1] = s
				// A NaN spread never wins; if all are NaN the last window does.
				if s < t.best || res.CREpoch == 0 && last {
					t.best = s
					res.CREpoch = e.Epoch
					copy(res.LogPCR, t.avg)
				}
			}
		}
		if err := hook(targets[0], CRModel, e, held); err != nil {
			return err
		}
		if last {
			return flow.ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*Result, len(targets))
	for k, t := range targets {
		res := t.res
		res.CRHeldOut = res.CRStars - xTrain.RawMatrix().Rows
		res.Spread = res.Spread[:res.CREpochs]
		res.LogR = make([]float64, len(res.LogPSR))
		for i := range res.LogR {
			res.LogR[i] = res.LogPSR[i] - res.LogPCR[i]
		}
		out[k] = res
	}
	return out, nil
}

// region is a search region's stars in the flows' coordinates: the
// standardised features x and condition c of the SR and the CR, and log
// |dz/dx| of each SR star.
type region struct {
	xSR, cSR, xCR, cCR *mat.Dense
	jac                []float64
}

// prepare finds the members of sr, standardises the patch (Result.Mean,
// Scale, CondMean, CondScale) and splits it into the two regions: the SR,
// and for the CR the stars outside exclude (which holds sr), if withCR
// (the regions of a shared CR flow need them once).
func prepare(p *Patch, sr, exclude Window, opt Options, withCR bool) (*Result, *region, error) {
	cols := p.columns(opt.Features)
	var stretchJac []float64 // per star; nil without Stretch
	if opt.Stretch {
		cols, stretchJac = stretch(p, opt.Features)
	}
	d := len(cols)
	res := &Result{Window: sr, Average: opt.Average, Epochs: opt.Epochs}
	res.Members = p.Members(nil, sr)
	nSR := len(res.Members)
	nCR := p.Len() - len(p.Members(nil, exclude))
	res.CRStars = nCR
	if nSR < 2 || nCR < 2 {
		return nil, nil, fmt.Errorf("anode: patch %d region %v: %d SR and %d CR stars: %w", p.ID, sr, nSR, nCR, ErrTooFew)
	}

	// Standardisation over the patch.
	res.Mean, res.Scale = make([]float64, d), make([]float64, d)
	for j, c := range cols {
		m, s, err := moments(c)
		if err != nil {
			return nil, nil, fmt.Errorf("anode: patch %d feature %d: %w", p.ID, j, err)
		}
		res.Mean[j], res.Scale[j] = m, s
	}
	var err error
	res.CondMean, res.CondScale, err = moments(p.PMLambda)
	if err != nil {
		return nil, nil, fmt.Errorf("anode: patch %d mu_lambda: %w", p.ID, err)
	}
	logJac := 0.0 // log |dz/dx|, turns densities of z into densities of x
	for _, s := range res.Scale {
		logJac -= math.Log(s)
	}
	rd := &region{jac: make([]float64, nSR)}
	for k, i := range res.Members {
		rd.jac[k] = logJac
		if stretchJac != nil {
			rd.jac[k] += stretchJac[i]
		}
	}
	rd.xSR, rd.cSR = mat.NewDense(nSR, d, nil), mat.NewDense(nSR, 1, nil)
	xs, cs := rd.xSR.RawMatrix().Data, rd.cSR.RawMatrix().Data
	var xc, cc []float64
	if withCR {
		rd.xCR, rd.cCR = mat.NewDense(nCR, d, nil), mat.NewDense(nCR, 1, nil)
		xc, cc = rd.xCR.RawMatrix().Data, rd.cCR.RawMatrix().Data
	}
	is, ic := 0, 0
	for i, mu := range p.PMLambda {
		z := (mu - res.CondMean) / res.CondScale
		if sr.Contains(mu) {
			for j, c := range cols {
				xs[is*d+j] = (c[i] - res.Mean[j]) / res.Scale[j]
			}
			cs[is] = z
			is++
		} else if withCR && !exclude.Contains(mu) {
			for j, c := range cols {
				xc[ic*d+j] = (c[i] - res.Mean[j]) / res.Scale[j]
			}
			cc[ic] = z
			ic++
		}
	}
	return res, rd, nil
}

// reflectedSpread is the App. A criterion: the standard deviation of the
// values log R = a - b < 0 together with their reflections across 0, which
// is sqrt(mean of (log R)^2 over log R < 0) since the reflected set has mean
// 0. It is NaN if no log R is negative.
func reflectedSpread(a, b []float64) float64 {
	s, n := 0.0, 0
	for i, v := range a {
		if r := v - b[i]; r < 0 {
			s += r * r
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Sqrt(s / float64(n))
}

// moments returns the mean and the standard deviation (divisor n) of x.
func moments(x []float64) (mean, sd float64, err error) {
	if len(x) < 2 {
		return 0, 0, fmt.Errorf("%d values, need 2: %w", len(x), ErrTooFew)
	}
	s := 0.0
	for _, v := range x {
		s += v
	}
	mean = s / float64(len(x))
	v := 0.0
	for _, x := range x {
		v += (x - mean) * (x - mean)
	}
	sd = math.Sqrt(v / float64(len(x)))
	if !(sd > 0) || math.IsInf(sd, 0) {
		return 0, 0, fmt.Errorf("standard deviation %g (constant or non-finite values)", sd)
	}
	return mean, sd, nil
}

// evaluator computes log p of the search-region stars in parallel chunks.
type evaluator struct {
	x, c   []*mat.Dense // row chunks
	off    []int
	logJac []float64 // per row, added to the flow's log p
}

func newEvaluator(x, c *mat.Dense, workers int, logJac []float64) *evaluator {
	n, d := x.Dims()
	workers = max(1, min(workers, n/256))
	e := &evaluator{logJac: logJac}
	for k := range workers {
		a, b := k*n/workers, (k+1)*n/workers
		e.x = append(e.x, x.Slice(a, b, 0, d).(*mat.Dense))
		e.c = append(e.c, c.Slice(a, b, 0, 1).(*mat.Dense))
		e.off = append(e.off, a)
	}
	e.off = append(e.off, n)
	return e
}

// logProb writes log p(x | mu_lambda) in data units of every row into dst.
func (e *evaluator) logProb(dst []float64, f *flow.Flow) {
	if len(e.x) == 1 {
		f.LogProb(dst, e.x[0], e.c[0])
	} else {
		var wg sync.WaitGroup
		for k := range e.x {
			wg.Go(func() { f.LogProb(dst[e.off[k]:e.off[k+1]], e.x[k], e.c[k]) })
		}
		wg.Wait()
	}
	for i := range dst {
		dst[i] += e.logJac[i]
	}
}

// ring holds the log densities of n stars after the last k epochs, float32
// (their averages are formed in float64).
type ring struct {
	n, k, next, count int
	buf               []float32
	mx, acc           []float64
}

func newRing(n, k int) *ring {
	return &ring{n: n, k: k, buf: make([]float32, n*k), mx: make([]float64, n), acc: make([]float64, n)}
}

func (r *ring) reset() { r.next, r.count = 0, 0 }

func (r *ring) push(lp []float64) {
	row := r.buf[r.next*r.n : (r.next+1)*r.n]
	for i, v := range lp {
		row[i] = float32(v)
	}
	r.next = (r.next + 1) % r.k
	r.count = min(r.count+1, r.k)
}

// mean writes log(mean over the held epochs of exp(log p)) into dst.
func (r *ring) mean(dst []float64) {
	if r.count == 0 {
		panic("anode: internal: average of no epochs")
	}
	for i := range r.mx {
		r.mx[i] = math.Inf(-1)
		r.acc[i] = 0
	}
	for j := range r.count {
		for i, v := range r.buf[j*r.n : (j+1)*r.n] {
			r.mx[i] = max(r.mx[i], float64(v))
		}
	}
	for j := range r.count {
		for i, v := range r.buf[j*r.n : (j+1)*r.n] {
			if !math.IsInf(r.mx[i], -1) {
				r.acc[i] += math.Exp(float64(v) - r.mx[i])
			}
		}
	}
	ln := math.Log(float64(r.count))
	for i := range dst {
		dst[i] = r.mx[i] + math.Log(r.acc[i]) - ln
	}
}

// QuickOptions returns the scaled-down settings measured on the development
// patch (testdata, TestDevPatchANODE): the paper's architecture (20 blocks x
// 64) and the training cost (20 epochs of each flow), with batches
// of 128 at learning rate 1e-3, averages over 5 epochs and Stretch.
func QuickOptions() Options {
	return Options{Epochs: 20, Batch: 128, LR: 1e-3, Average: 5, Stretch: true}
}
