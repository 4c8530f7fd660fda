package anode

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// purpose names what a random stream is for. With the run seed, the patch
// and the search region it keys the stream, so a region's numbers depend on
// nothing else: not on the order regions are trained in or on the worker.
type purpose uint64

const (
	purposeSR      purpose = iota + 1 // the flow of the search region: initial weights and shuffling
	purposeCR                         // the flow of the control region
	purposeHoldOut                    // the CR stars held out of the CR flow's training (Options.Patience)
)

// seedFor hashes (run seed, patch, search region, purpose) into the seed of
// one flow's training (flow.Train.Seed).
func seedFor(seed uint64, patch int64, w Window, p purpose) uint64 {
	return keyrand.Chain(seed, uint64(p), uint64(patch), math.Float64bits(w.Lo), math.Float64bits(w.Hi))
}

// VariantSeed returns the run seed of a variant of the search: another
// proper-motion scan, another retraining. Variant 0 is seed itself, so the
// first variant reproduces a search that has no others.
func VariantSeed(seed, variant uint64) uint64 {
	if variant == 0 {
		return seed
	}
	return keyrand.Chain(seed, variant^0x76617269616e74) // "variant"
}
