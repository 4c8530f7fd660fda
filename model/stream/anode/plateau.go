package anode

import "math"

// plateau decides when the CR flow has stopped learning (Options.Patience):
// it has when its held-out loss has not fallen by minDelta below the loss at
// the last such fall for Patience optimiser steps, and at least min epochs
// have run. A rule on the best loss alone would never fire at the paper's
// small learning rate, where the loss keeps creeping down by amounts that
// change no density a search can see. The patience is counted in steps,
// not epochs, because the learning per epoch grows with the stars: on the
// development patch (37,000 CR stars, 73 steps an epoch) the paper's
// schedule is still learning at epoch 150, while on a patch of 340,000
// stars (577 steps an epoch) R has settled by epoch 25 (the closing note of
// this change; BenchmarkPaperCostDense).
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
