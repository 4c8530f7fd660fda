package anode

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/classifier"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// Method is how Score forms R.
type Method int

const (
	ANODE   Method = iota // R = p_SR / p_CR from two flows (Via Machinae 1.0 and 2.0; the paper's)
	Cathode               // CATHODE: a classifier between the SR's stars and samples of the CR flow (Via Machinae 3.0)
)

// String returns "anode" or "cathode".
func (m Method) String() string {
	if m == Cathode {
		return "cathode"
	}
	return "anode"
}

// ParseMethod returns the method named s: "anode" (or "") or "cathode".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "anode", "":
		return ANODE, nil
	case "cathode":
		return Cathode, nil
	}
	return 0, fmt.Errorf("anode: unknown method %q (want anode or cathode)", s)
}

// CathodeOptions are CATHODE's settings (Hallin et al. 2022, sec. 3; the
// classifier's numbers are theirs). The zero value of each field is the
// default.
type CathodeOptions struct {
	// Oversample is the number of samples of the CR flow drawn for each SR
	// star, at its mu_lambda; 0 means 4.
	Oversample int
	// Folds splits the SR stars and the samples into K parts; each part is
	// scored by a classifier trained on K-2 others and validated on the
	// remaining one, so no star is scored by a network that saw it. 0 means
	// 5; at least 3.
	Folds int
	// The classifier: three hidden ReLU layers of Hidden units (0: 64),
	// Epochs (0: 100) of Adam at LR (0: 1e-3) on batches of Batch (0: 128).
	Hidden, Epochs, Batch int
	LR                    float64
	// Average is the number of epochs, those of lowest validation loss,
	// whose probabilities are averaged into each star's score; 0 means 10.
	// It is cut to Epochs.
	Average int
}

func (c CathodeOptions) withDefaults() CathodeOptions {
	if c.Oversample == 0 {
		c.Oversample = 4
	}
	if c.Folds == 0 {
		c.Folds = 5
	}
	if c.Hidden == 0 {
		c.Hidden = 64
	}
	if c.Epochs == 0 {
		c.Epochs = 100
	}
	if c.Batch == 0 {
		c.Batch = 128
	}
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.Average == 0 {
		c.Average = 10
	}
	c.Average = min(c.Average, c.Epochs)
	return c
}

func (c CathodeOptions) validate() error {
	switch {
	case c.Oversample < 1 || c.Hidden < 1 || c.Epochs < 1 || c.Batch < 1 || c.Average < 1:
		return fmt.Errorf("anode: CATHODE options: oversample %d, hidden %d, epochs %d, batch %d, average %d must be >= 1",
			c.Oversample, c.Hidden, c.Epochs, c.Batch, c.Average)
	case c.Folds < 3:
		return fmt.Errorf("anode: CATHODE options: %d folds, need at least 3 (train, validate, score)", c.Folds)
	case !(c.LR > 0) || math.IsInf(c.LR, 0):
		return fmt.Errorf("anode: CATHODE options: learning rate %g", c.LR)
	}
	return nil
}

// Random streams of CATHODE (see seedFor).
const (
	purposeSample     purpose = iota + 16 // the CR flow's samples: which epoch, and the draws
	purposeFold                           // the folds of the SR stars
	purposeClassifier                     // the classifiers' initial weights and shuffles (one per fold, added)
)

// scoreCathode is Score with Method Cathode. The CR flow is trained as
// ANODE's, and its density taken as ANODE takes the SR flow's: the mixture
// of its last Average epochs. That mixture is sampled exactly: each of
// Oversample x N_SR samples comes from one of those epochs' flows, chosen at
// random, at the mu_lambda of an SR star (every star's Oversample times, so
// the samples' mu_lambda follow the SR's). A classifier per fold then tells
// the SR's stars from the samples, the classes weighted equally, so its
// logit estimates log p_SR(x)/p_CR(x | mu_lambda in SR) = log R. Its
// probabilities over the Average epochs of lowest validation loss are
// averaged. Result.LogPCR is the CR flow's averaged density at the SR
// stars, LogPSR = LogPCR + LogR the density the classifier implies; LossSR
// is the classifiers' mean validation loss at their best epoch, CREpoch the
// last epoch trained and Spread nil.
func scoreCathode(p *Patch, sr Window, opt Options, res *Result, rd *region) (*Result, error) {
	co := opt.Cathode
	nSR, d := len(res.Members), len(res.Mean)
	m := co.Oversample * nSR

	// Every sample's condition (an SR star's, in turn) and epoch slot.
	srng := keyrand.New(seedFor(opt.Seed, p.ID, sr, purposeSample), uint64(purposeSample))
	slot := make([]int, m)
	for j := range slot {
		slot[j] = j % opt.Average
	}
	srng.Shuffle(m, func(i, j int) { slot[i], slot[j] = slot[j], slot[i] })
	bySlot := make([][]int, opt.Average)
	for j, s := range slot {
		bySlot[s] = append(bySlot[s], j)
	}
	samples := mat.NewDense(m, d, nil)
	cond := rd.cSR.RawMatrix().Data

	ev := newEvaluator(rd.xSR, rd.cSR, opt.Workers, rd.jac)
	ring := newRing(nSR, opt.Average)
	lp := make([]float64, nSR)
	// The flows of the last Average epochs, oldest first: which epochs
	// are the last is known only when training ends (Options.Patience).
	last := make([]*flow.Flow, 0, opt.Average)
	cfg := flow.Config{D: d, C: 1, Blocks: opt.Blocks, Hidden: []int{opt.Hidden, opt.Hidden}}
	xTrain, cTrain, hold := splitCR(opt, seedFor(opt.Seed, p.ID, sr, purposeHoldOut), rd.xCR, rd.cCR)
	res.CRHeldOut = res.CRStars - xTrain.RawMatrix().Rows
	stop := newPlateau(opt, xTrain.RawMatrix().Rows)
	var hookErr error
	tr := flow.Train{
		Epochs: opt.Epochs, Batch: opt.Batch, LR: opt.LR,
		Seed: seedFor(opt.Seed, p.ID, sr, purposeCR), Precision: opt.Precision,
		Workers: opt.Workers, NoStandardize: true,
		OnEpoch: func(e flow.Epoch) error {
			opt.progress(xTrain.RawMatrix().Rows)
			res.LossCR = e.Loss
			res.CREpochs = e.Epoch
			held := hold.loss(e.Flow)
			end := e.Epoch == opt.Epochs || hold != nil && stop.done(e.Epoch, held)
			if e.Epoch > opt.Epochs-opt.Average || opt.Patience > 0 {
				ev.logProb(lp, e.Flow)
				ring.push(lp)
				if len(last) == opt.Average {
					last = append(last[:0], last[1:]...)
				}
				last = append(last, e.Flow.Clone())
			}
			if opt.OnEpoch != nil {
				avg := make([]float64, nSR)
				if ring.count > 0 {
					ring.mean(avg)
				}
				if err := opt.OnEpoch(Epoch{Model: CRModel, Epoch: e.Epoch, Loss: e.Loss, HeldOutLoss: held, LogP: lp, LogPAvg: avg, Flow: e.Flow}); err != nil {
					hookErr = err
					return errHook
				}
			}
			if end {
				return flow.ErrStop
			}
			return nil
		},
	}
	if _, err := flow.Fit(xTrain, cTrain, nil, cfg, tr); hookErr != nil {
		return nil, hookErr
	} else if err != nil {
		return nil, fmt.Errorf("anode: patch %d region %v: CR flow: %w", p.ID, sr, err)
	}
	if n := len(last); n < opt.Average {
		// Fewer epochs than Average cannot happen: the plateau waits for
		// Average epochs and Epochs >= Average.
		panic(fmt.Sprintf("anode: internal: CATHODE sampled %d of %d epochs", n, opt.Average))
	}
	for k, f := range last {
		sampleRows(f, samples, cond, bySlot[k], srng.Uint64(), opt.Workers)
	}
	for j := range m {
		if !usableSample(samples.RawRowView(j)) {
			res.SamplesDropped++
		}
	}
	res.LogPCR = make([]float64, nSR)
	ring.mean(res.LogPCR)
	res.CREpoch = res.CREpochs

	// The folds: SR stars by a keyed hash of their place in the patch, samples in turn.
	foldSR := make([]int, nSR)
	for k, i := range res.Members {
		foldSR[k] = int(keyrand.Chain(seedFor(opt.Seed, p.ID, sr, purposeFold), uint64(purposeFold), uint64(i)) % uint64(co.Folds))
	}
	prob := make([]float64, nSR)
	best := make([]float64, co.Folds)
	errs := make([]error, co.Folds)
	fold := func(k int) {
		best[k], errs[k] = scoreFold(k, co, rd.xSR, samples, foldSR, prob,
			seedFor(opt.Seed, p.ID, sr, purposeClassifier+purpose(k)), opt.progress)
	}
	// One worker runs every fold on the calling goroutine, so that the
	// caller's measure of its thread's CPU time holds the whole cost.
	if opt.Workers == 1 {
		for k := range co.Folds {
			fold(k)
		}
	} else {
		var wg sync.WaitGroup
		sem := make(chan struct{}, opt.Workers)
		for k := range co.Folds {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				fold(k)
			})
		}
		wg.Wait()
	}
	for k, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("anode: patch %d region %v: CATHODE fold %d: %w", p.ID, sr, k, err)
		}
		res.LossSR += best[k] / float64(co.Folds)
	}
	res.LogR = make([]float64, nSR)
	res.LogPSR = make([]float64, nSR)
	for i, q := range prob {
		res.LogR[i] = math.Log(q) - math.Log1p(-q)
		res.LogPSR[i] = res.LogPCR[i] + res.LogR[i]
	}
	return res, nil
}

// maxSampleZ bounds a usable sample of the CR flow in the standardised
// features: no star of a patch lies a thousand standard deviations from its
// mean, so such a draw (or a non-finite one) is a numerical failure of the
// flow's inverse in a far tail, not a sample of its density, and one of
// them would make every classifier's loss NaN.
const maxSampleZ = 1e3

// usableSample reports whether a sample row is finite and within maxSampleZ.
func usableSample(row []float64) bool {
	for _, v := range row {
		if !(math.Abs(v) <= maxSampleZ) {
			return false
		}
	}
	return true
}

// sampleChunk is the number of samples drawn from one keyed stream.
const sampleChunk = 1024

// sampleRows draws the rows rows of dst from f at the conditions
// cond[row mod len(cond)]: chunks of sampleChunk rows, each from a stream
// keyed by seed and the chunk, spread over workers goroutines, so the
// samples do not depend on workers.
func sampleRows(f *flow.Flow, dst *mat.Dense, cond []float64, rows []int, seed uint64, workers int) {
	chunks := (len(rows) + sampleChunk - 1) / sampleChunk
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	draw := func() {
		for ch := range next {
			part := rows[ch*sampleChunk : min((ch+1)*sampleChunk, len(rows))]
			c := mat.NewDense(len(part), 1, nil)
			for r, j := range part {
				c.Set(r, 0, cond[j%len(cond)])
			}
			x := f.Sample(nil, len(part), c, keyrand.New(seed, uint64(ch)))
			for r, j := range part {
				dst.SetRow(j, x.RawRowView(r))
			}
		}
	}
	if workers <= 1 {
		draw()
		return
	}
	var wg sync.WaitGroup
	for range min(workers, chunks) {
		wg.Go(draw)
	}
	wg.Wait()
}

// scoreFold trains the classifier of fold k (training on the folds other
// than k and k+1, validating on k+1) and writes the averaged probability of
// the SR stars of fold k into prob. It returns the best validation loss.
// After each epoch it tells progress how many rows it trained on.
func scoreFold(k int, co CathodeOptions, xSR, samples *mat.Dense, foldSR []int, prob []float64, seed uint64, progress func(rows int)) (float64, error) {
	nSR, d := xSR.Dims()
	m, _ := samples.Dims()
	val := (k + 1) % co.Folds
	var train, valid, score []int // rows of xSR, or nSR + rows of samples
	for i, f := range foldSR {
		switch f {
		case k:
			score = append(score, i)
		case val:
			valid = append(valid, i)
		default:
			train = append(train, i)
		}
	}
	for j := range m {
		if !usableSample(samples.RawRowView(j)) {
			continue
		}
		switch j % co.Folds {
		case k:
		case val:
			valid = append(valid, nSR+j)
		default:
			train = append(train, nSR+j)
		}
	}
	gather := func(rows []int) (*mat.Dense, []bool, []float64) {
		x := mat.NewDense(max(len(rows), 1), d, nil)
		y := make([]bool, len(rows))
		w := make([]float64, len(rows))
		nd := 0
		for _, r := range rows {
			if r < nSR {
				nd++
			}
		}
		for i, r := range rows {
			if r < nSR {
				x.SetRow(i, xSR.RawRowView(r))
				y[i], w[i] = true, float64(len(rows))/(2*float64(nd))
			} else {
				x.SetRow(i, samples.RawRowView(r-nSR))
				w[i] = float64(len(rows)) / (2 * float64(len(rows)-nd))
			}
		}
		return x, y, w
	}
	xt, yt, wt := gather(train)
	xv, yv, wv := gather(valid)
	xs := mat.NewDense(max(len(score), 1), d, nil)
	for i, r := range score {
		xs.SetRow(i, xSR.RawRowView(r))
	}
	if slices.Index(yt, true) < 0 || slices.Index(yt, false) < 0 || slices.Index(yv, true) < 0 || slices.Index(yv, false) < 0 {
		return 0, fmt.Errorf("a fold without stars of both classes (%d SR stars, %d samples): %w", nSR, m, ErrTooFew)
	}
	net, err := classifier.New(classifier.Config{In: d, Hidden: []int{co.Hidden, co.Hidden, co.Hidden}}, seed)
	if err != nil {
		return 0, err
	}
	losses := make([]float64, 0, co.Epochs)
	probs := make([][]float32, 0, co.Epochs) // per epoch, the scored stars' probabilities
	z := make([]float64, len(score))
	err = net.Fit(xt, yt, wt, classifier.Train{Epochs: co.Epochs, Batch: co.Batch, LR: co.LR, Seed: seed,
		OnEpoch: func(e classifier.Epoch) error {
			progress(len(yt))
			losses = append(losses, e.Net.Loss(xv, yv, wv))
			p := make([]float32, len(score))
			if len(score) > 0 {
				e.Net.Logits(z, xs)
				for i, v := range z {
					p[i] = float32(1 / (1 + math.Exp(-v)))
				}
			}
			probs = append(probs, p)
			return nil
		}})
	if err != nil {
		return 0, err
	}
	// The Average epochs of lowest validation loss (ties: the earlier).
	order := make([]int, len(losses))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpNaNLast(losses[a], losses[b]) })
	keep := order[:co.Average]
	for i, r := range score {
		s := 0.0
		for _, e := range keep {
			s += float64(probs[e][i])
		}
		// Clamped away from 0 and 1 so that log R stays finite.
		prob[r] = min(max(s/float64(len(keep)), 1e-7), 1-1e-7)
	}
	return losses[order[0]], nil
}

// cmpNaNLast orders numbers ascending with NaN after every number.
func cmpNaNLast(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
