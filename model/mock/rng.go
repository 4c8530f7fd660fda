package mock

import "math/rand/v2"

// Purposes of random streams. Every stream is keyed by (Config.Seed, purpose,
// a, b), so that adding a purpose, a shard or a stream never changes the
// numbers of another.
const (
	purposeCMD        uint64 = iota + 1 // paper-000 stars of a shard: a = level, b = pixel
	purposeBackground                   // halo and thick disk of a shard: a = level, b = pixel
	purposeOrder                        // source_id counters of a shard: a = level, b = pixel
	purposeStream                       // stream star: a = stream index, b = star index
	purposeTie                          // tie-breaking of the largest-remainder allocation
)

// splitmix64 is the finaliser of Steele, Lea & Flood's SplitMix64 (2014): a
// bijection of uint64 with good avalanche, used to turn keys into seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// key hashes (seed, purpose, a, b) into the two 64-bit words of a PCG seed.
func key(seed, purpose, a, b uint64) (uint64, uint64) {
	s1 := splitmix64(seed ^ splitmix64(purpose))
	s2 := splitmix64(splitmix64(a^s1) ^ b)
	return s1, splitmix64(s2 + purpose)
}

// stream is a reusable PCG random source. reset re-keys it without
// allocating, so a shard can walk thousands of per-star streams cheaply.
type stream struct {
	pcg *rand.PCG
	*rand.Rand
}

func newStream() *stream {
	p := rand.NewPCG(0, 0)
	return &stream{pcg: p, Rand: rand.New(p)}
}

// reset makes s the stream of (seed, purpose, a, b).
func (s *stream) reset(seed, purpose, a, b uint64) {
	s.pcg.Seed(key(seed, purpose, a, b))
}

// tieRank is a pseudo-random rank used to break ties between equal
// remainders in the allocation of stars to shards.
func tieRank(seed uint64, level int, pixel int64) uint64 {
	s1, s2 := key(seed, purposeTie, uint64(level), uint64(pixel))
	return s1 ^ s2
}
