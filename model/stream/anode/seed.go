package anode

import "math"

// purpose names what a random stream is for. With the run seed, the patch
// and the search region it keys the stream, so a region's numbers depend on
// nothing else: not on the order regions are trained in or on the worker.
type purpose uint64

const (
	purposeSR purpose = iota + 1 // the flow of the search region: initial weights and shuffling
	purposeCR                    // the flow of the control region
)

// splitmix64 is the output function of Steele, Lea & Flood's SplitMix64
// (OOPSLA 2014): a bijection of uint64 with full avalanche, used to turn keys
// into seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// seedFor hashes (run seed, patch, search region, purpose) into the seed of
// one flow's training (flow.Train.Seed).
func seedFor(seed uint64, patch int64, w Window, p purpose) uint64 {
	h := splitmix64(seed ^ splitmix64(uint64(p)))
	h = splitmix64(h ^ uint64(patch))
	h = splitmix64(h ^ math.Float64bits(w.Lo))
	return splitmix64(h ^ math.Float64bits(w.Hi))
}

// VariantSeed returns the run seed of a variant of the search: another
// proper-motion scan, another retraining. Variant 0 is seed itself, so the
// first variant reproduces a search that has no others.
func VariantSeed(seed, variant uint64) uint64 {
	if variant == 0 {
		return seed
	}
	return splitmix64(seed ^ splitmix64(variant^0x76617269616e74))
}
