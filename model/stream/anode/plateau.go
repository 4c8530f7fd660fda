package anode

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// plateau decides when the CR flow has stopped learning (Options.Patience):
// it has when its held-out loss has not fallen by minDelta below the loss at
// the last such fall for Patience optimiser steps, and at least min epochs
// have run. A rule on the best loss alone would never fire at the paper's
// small learning rate, where the loss keeps creeping down by amounts that
// change no density a search can see. The patience is counted in steps,
// not epochs, because the learning per epoch grows with the stars: on the
// development patch (37,000 CR stars, 73 steps an epoch) the paper's
// schedule is still learning at epoch 150, while on a patch of 340,000
// stars (577 steps an epoch) R has settled by epoch 25 (the README's
// streams section; BenchmarkPaperCostDense).
type plateau struct {
	patience, perEpoch, min int
	minDelta                float64
	ref                     float64 // the loss at the last fall by minDelta
	since                   int     // steps since then
}

// newPlateau returns the rule of opt for a flow trained on train rows.
func newPlateau(opt Options, train int) *plateau {
	batch := max(1, min(opt.Batch, train))
	return &plateau{patience: opt.Patience, perEpoch: (train + batch - 1) / batch, min: opt.Average,
		minDelta: opt.MinDelta, ref: math.Inf(1)}
}

// done records the held-out loss after epoch (1-based) and says whether
// training should stop. A NaN loss is no fall.
func (p *plateau) done(epoch int, loss float64) bool {
	if p.patience <= 0 {
		return false
	}
	if loss < p.ref-p.minDelta {
		p.ref, p.since = loss, 0
	} else {
		p.since += p.perEpoch
	}
	return p.since >= p.patience && epoch >= p.min
}

// heldOut is the part of the CR stars kept out of the CR flow's training
// for Options.Patience, and its evaluation.
type heldOut struct {
	ev *evaluator
	lp []float64
}

// splitCR returns the CR rows to train on and, with opt.Patience, the
// held-out ones: each CR star is held out with probability opt.HoldOut, by
// a keyed hash of its row, so the split depends on the seeds only.
func splitCR(opt Options, seed uint64, x, c *mat.Dense) (xTrain, cTrain *mat.Dense, h *heldOut) {
	if opt.Patience <= 0 {
		return x, c, nil
	}
	n, d := x.Dims()
	var train, hold []int
	for i := range n {
		u := keyrand.Chain(seed, uint64(purposeHoldOut), uint64(i)) >> 11
		if float64(u)/(1<<53) < opt.HoldOut {
			hold = append(hold, i)
		} else {
			train = append(train, i)
		}
	}
	if len(hold) == 0 || len(train) < 2 {
		// Too few stars to hold any out: train on all, never stop early.
		return x, c, nil
	}
	rows := func(idx []int) (*mat.Dense, *mat.Dense) {
		xs, cs := mat.NewDense(len(idx), d, nil), mat.NewDense(len(idx), 1, nil)
		for k, i := range idx {
			xs.SetRow(k, x.RawRowView(i))
			cs.Set(k, 0, c.At(i, 0))
		}
		return xs, cs
	}
	xTrain, cTrain = rows(train)
	xHold, cHold := rows(hold)
	h = &heldOut{ev: newEvaluator(xHold, cHold, opt.Workers, make([]float64, len(hold))), lp: make([]float64, len(hold))}
	return xTrain, cTrain, h
}

// loss returns the held-out loss of f: the mean negative log-likelihood
// (standardised units) of the best-fit 99 % of the held-out stars, a star
// whose log p is not finite counted among the worst. The plain mean is
// not used because a single held-out star far in a tail can make it
// infinite or huge for one epoch (seen on a dense mock patch: +Inf or NaN in
// 10 of 20 epochs), which says nothing about whether the flow still learns
// the bulk. It is +Inf if more than 1 % are not finite; NaN without h.
func (h *heldOut) loss(f *flow.Flow) float64 {
	if h == nil {
		return math.NaN()
	}
	h.ev.logProb(h.lp, f)
	return trimmedLoss(h.lp)
}

// trimmedLoss is the mean of -lp over the 99 % largest lp (NaN counted as
// -Inf); it sorts lp.
func trimmedLoss(lp []float64) float64 {
	for i, v := range lp {
		if math.IsNaN(v) {
			lp[i] = math.Inf(-1)
		}
	}
	slices.Sort(lp)
	n := len(lp)
	keep := lp[n-max(1, n*99/100):]
	s := 0.0
	for _, v := range keep {
		s -= v
	}
	return s / float64(len(keep))
}
