// Package keyrand makes the project's keyed random streams: every random
// draw of gaiaflow comes from a PCG stream (math/rand/v2) whose seed is a hash
// of the run seed, a purpose and the keys that name what is drawn (a star's
// source_id, a shard, a search region). A draw then depends on nothing else:
// not on the block a star travels in, the order of work, the worker or the
// runner, and adding a purpose never changes the numbers of another.
//
// The purposes are the callers' (each package names its own); the mixing
// and the stream are here, once.
package keyrand

import "math/rand/v2"

// Mix is the output function of Steele, Lea & Flood's SplitMix64 (OOPSLA
// 2014): a bijection of uint64 with full avalanche, used to turn keys into
// seeds.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Chain hashes (seed, purpose, keys...) into one word: Mix(seed ^
// Mix(purpose)), then each key folded in by Mix(h ^ key). It seeds things
// that take one 64-bit seed (a flow's training) and fingerprints data.
func Chain(seed, purpose uint64, keys ...uint64) uint64 {
	h := Mix(seed ^ Mix(purpose))
	for _, k := range keys {
		h = Mix(h ^ k)
	}
	return h
}

// Star returns the two words of the PCG seed of a star's stream: (run seed,
// source_id, purpose).
func Star(seed uint64, sourceID int64, purpose uint64) (uint64, uint64) {
	h1 := Mix(seed ^ Mix(purpose))
	h2 := Mix(h1 ^ Mix(uint64(sourceID)))
	return h1, Mix(h2 + purpose)
}

// Pair returns the two words of the PCG seed of the stream (seed, purpose,
// a, b): a shard's (level, pixel), a stream star's (stream, index).
func Pair(seed, purpose, a, b uint64) (uint64, uint64) {
	s1 := Mix(seed ^ Mix(purpose))
	s2 := Mix(Mix(a^s1) ^ b)
	return s1, Mix(s2 + purpose)
}

// Stream is a reusable keyed random stream: Reset re-keys it without
// allocating, so a block can walk thousands of per-star streams cheaply. The
// zero value is ready after Reset.
type Stream struct {
	pcg rand.PCG
	r   *rand.Rand // over pcg; made on first use
}

// Reset makes s the stream of the seed words (hi, lo), as returned by Star
// or Pair.
func (s *Stream) Reset(hi, lo uint64) { s.pcg.Seed(hi, lo) }

// Uint64 returns the stream's next 64 random bits.
func (s *Stream) Uint64() uint64 { return s.pcg.Uint64() }

// Open returns a uniform variate in the open interval (0, 1): the 52-bit
// grid shifted by half a step (exact in float64), from 2^-53 to 1 - 2^-53,
// so neither 0 nor 1 can come out (a parallax sample of zero or infinity,
// the log of zero).
func (s *Stream) Open() float64 {
	return (float64(s.pcg.Uint64()>>12) + 0.5) * (1.0 / (1 << 52))
}

// Rand returns a math/rand/v2 generator over the stream, for the library's
// distributions (NormFloat64: the ziggurat, a few times cheaper than the
// inverse CDF of a uniform, and as reproducible).
func (s *Stream) Rand() *rand.Rand {
	if s.r == nil {
		s.r = rand.New(&s.pcg)
	}
	return s.r
}

// Normal returns a standard normal variate.
func (s *Stream) Normal() float64 { return s.Rand().NormFloat64() }

// New returns a generator for a whole computation rather than one star: a
// flow's initial weights, a training's shuffles, a sample for a figure. The
// purpose is a constant of the caller (often four ASCII letters naming it,
// 0x73687566 "shuf"), so two purposes of one seed never share a stream.
func New(seed, purpose uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, purpose))
}
