package mock

import (
	"math/rand/v2"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

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

// key hashes (seed, purpose, a, b) into the two 64-bit words of a PCG seed.
func key(seed, purpose, a, b uint64) (uint64, uint64) { return keyrand.Pair(seed, purpose, a, b) }

// stream is a reusable keyed random source (keyrand.Stream) with the
// math/rand/v2 methods the generator draws with. reset re-keys it without
// allocating, so a shard can walk thousands of per-star streams cheaply.
type stream struct {
	ks *keyrand.Stream
	*rand.Rand
}

func newStream() *stream {
	ks := &keyrand.Stream{}
	return &stream{ks: ks, Rand: ks.Rand()}
}

// reset makes s the stream of (seed, purpose, a, b).
func (s *stream) reset(seed, purpose, a, b uint64) {
	s.ks.Reset(key(seed, purpose, a, b))
}

// tieRank is a pseudo-random rank used to break ties between equal
// remainders in the allocation of stars to shards.
func tieRank(seed uint64, level int, pixel int64) uint64 {
	s1, s2 := key(seed, purposeTie, uint64(level), uint64(pixel))
	return s1 ^ s2
}
