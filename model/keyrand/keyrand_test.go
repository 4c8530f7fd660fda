package keyrand

import (
	"math"
	"testing"
)

// TestMixIsSplitMix64: the first outputs of SplitMix64 seeded with 0 (the
// generator adds the golden gamma before mixing), as published with the
// reference C implementation (Vigna, prng.di.unimi.it/splitmix64.c).
func TestMixIsSplitMix64(t *testing.T) {
	want := []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f}
	var state uint64
	for i, w := range want {
		if got := Mix(state); got != w {
			t.Errorf("output %d: %#x, want %#x", i, got, w)
		}
		state += 0x9e3779b97f4a7c15
	}
}

// TestStreamsAreKeyed: one key gives one stream; another purpose or star
// another one.
func TestStreamsAreKeyed(t *testing.T) {
	var a, b Stream
	a.Reset(Star(1, 42, 3))
	b.Reset(Star(1, 42, 3))
	for i := 0; i < 10; i++ {
		if x, y := a.Open(), b.Open(); x != y {
			t.Fatalf("same key, draw %d: %g vs %g", i, x, y)
		}
	}
	seen := map[uint64]bool{}
	for _, k := range [][3]uint64{{1, 42, 3}, {1, 42, 4}, {1, 43, 3}, {2, 42, 3}} {
		a.Reset(Star(k[0], int64(k[1]), k[2]))
		seen[a.Uint64()] = true
		a.Reset(Pair(k[0], k[2], k[1], 0))
		seen[a.Uint64()] = true
	}
	if len(seen) != 8 {
		t.Errorf("%d distinct first draws of 8 keys", len(seen))
	}
}

// TestOpenNeverHitsTheEnds: Open stays in (0, 1) and its mean is 1/2.
func TestOpenNeverHitsTheEnds(t *testing.T) {
	var s Stream
	s.Reset(Pair(7, 1, 2, 3))
	var sum float64
	const n = 100000
	for i := 0; i < n; i++ {
		u := s.Open()
		if !(u > 0 && u < 1) {
			t.Fatalf("draw %d: %g", i, u)
		}
		sum += u
	}
	if m := sum / n; math.Abs(m-0.5) > 4*math.Sqrt(1.0/12/n) {
		t.Errorf("mean %g", m)
	}
}
