package distance

import "math/rand/v2"

// purpose names what a random stream is for. With the run seed and the
// star's source_id it keys the stream, so a star's draws depend on nothing
// else: not on the block it travels in, its place there, or the runner.
// Adding a purpose never changes the numbers of another.
type purpose uint64

const (
	purposeParallax     purpose = iota + 1 // the K parallax samples
	purposeDust                            // which dust-map sample each parallax sample uses
	purposeSelect                          // whether a star is in a training sample
	purposeTrainDraw                       // a training point's draw from the star's posterior
	purposeRefine                          // the samples of a refined estimate
	purposeRefineDust                      // their dust-map draws
	purposeColour                          // the colour-noise draw of each parallax sample
	purposeRefineColour                    // the same for a refined estimate's samples
)

// SelectionKey returns a uniform variate in (0, 1) for the star, from the
// run seed and its source_id alone: keeping the stars whose key is below a
// fraction draws a seeded random sample that does not depend on how the
// stars are split into blocks or workers, and sorting by it shuffles them
// the same way on every runner.
func SelectionKey(seed uint64, sourceID int64) float64 {
	var s stream
	s.reset(seed, sourceID, purposeSelect)
	return s.open()
}

// splitmix64 is the output function of Steele, Lea & Flood's SplitMix64
// (OOPSLA 2014): a bijection of uint64 with full avalanche, used to turn keys
// into seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// streamKey hashes (run seed, source_id, purpose) into the two words of a PCG
// seed.
func streamKey(seed uint64, sourceID int64, p purpose) (uint64, uint64) {
	h1 := splitmix64(seed ^ splitmix64(uint64(p)))
	h2 := splitmix64(h1 ^ splitmix64(uint64(sourceID)))
	return h1, splitmix64(h2 + uint64(p))
}

// stream is a reusable per-star random stream: reset re-keys it without
// allocating.
type stream struct {
	pcg rand.PCG
	r   *rand.Rand // over pcg, for normal(); made on first use
}

func (s *stream) reset(seed uint64, sourceID int64, p purpose) {
	s.pcg.Seed(streamKey(seed, sourceID, p))
}

// open returns a uniform variate in the open interval (0, 1): the 52-bit
// grid shifted by half a step (exact in float64), from 2^-53 to 1 - 2^-53,
// so neither 0 nor 1 (a parallax sample of zero or infinity) can come out.
func (s *stream) open() float64 {
	return (float64(s.pcg.Uint64()>>12) + 0.5) * (1.0 / (1 << 52))
}

// normal returns a standard normal variate (math/rand/v2's ziggurat over
// the stream: a few times cheaper than the inverse CDF of a uniform, and as
// reproducible).
func (s *stream) normal() float64 {
	if s.r == nil {
		s.r = rand.New(&s.pcg)
	}
	return s.r.NormFloat64()
}
