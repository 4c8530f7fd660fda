package sky

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRingDisc compares RingDisc with a scan of every pixel centre. want: the
// pixels p with Separation(centre of p, disc centre) <= radius.
func TestRingDisc(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type disc struct{ lon, lat, r float64 }
	discs := []disc{
		{0, 90, 10}, {123, -90, 25}, {0, 0, 0}, {359.9, 0.1, 7}, {10, 41.8, 30},
		{200, -45, 179}, {45, 20, 180}, {45, 20, -1}, {0, 89.9, 0.5},
	}
	for range 60 {
		discs = append(discs, disc{360 * rng.Float64(), math.Asin(2*rng.Float64()-1) * rad, 60 * rng.Float64() * rng.Float64()})
	}
	for _, nside := range []int64{1, 3, 6, 16, 64} {
		for _, d := range discs {
			var want []int64
			for p := range NPix(nside) {
				lon, lat := RingCenter(nside, p)
				if Separation(lon, lat, d.lon, d.lat) <= d.r {
					want = append(want, p)
				}
			}
			got := RingDisc(nil, nside, d.lon, d.lat, d.r)
			if !slices.Equal(got, want) {
				t.Errorf("RingDisc(%d, %v, %v, %v): got %d pixels, want %d", nside, d.lon, d.lat, d.r, len(got), len(want))
			}
			if nside&(nside-1) != 0 {
				continue
			}
			for j, p := range want {
				want[j] = RingToNested(nside, p)
			}
			slices.Sort(want)
			if got := NestedDisc(got, nside, d.lon, d.lat, d.r); !slices.Equal(got, want) {
				t.Errorf("NestedDisc(%d, %v, %v, %v): got %d pixels, want %d", nside, d.lon, d.lat, d.r, len(got), len(want))
			}
		}
	}
}

// TestRingDiscCount checks a small disc at high resolution: the number of
// centres inside is the disc area over the pixel area, 2 pi (1 - cos r) / (4
// pi / npix), to the rounding of the boundary (10%).
func TestRingDiscCount(t *testing.T) {
	const nside = 1 << 14
	r := 0.2
	got := len(RingDisc(nil, nside, 12.3, -45.6, r))
	want := float64(NPix(nside)) * (1 - math.Cos(r*deg)) / 2
	if math.Abs(float64(got)-want) > 0.1*want {
		t.Errorf("RingDisc(2^14, r = %v) has %d pixels, want about %.0f", r, got, want)
	}
}
