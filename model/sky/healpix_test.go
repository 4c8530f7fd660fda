package sky

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// nsides lists resolutions for the self-consistency tests: small ones
// exhaustively, odd ones for RING only.
var (
	ringNsides = []int64{1, 2, 3, 5, 6, 7, 8, 13, 16, 31}
	nestNsides = []int64{1, 2, 4, 8, 16, 32}
)

// TestRingRoundTrip checks on every pixel that the centre of a pixel lies in
// that pixel and that the ring index decomposition is consistent. want: the
// pixel itself (the definition of a centre).
func TestRingRoundTrip(t *testing.T) {
	for _, nside := range ringNsides {
		for p := range NPix(nside) {
			lon, lat := RingCenter(nside, p)
			if lon < 0 || lon >= 360 || lat < -90 || lat > 90 {
				t.Fatalf("RingCenter(%d, %d) = (%v, %v) out of range", nside, p, lon, lat)
			}
			if got := RingPixel(nside, lon, lat); got != p {
				t.Fatalf("RingPixel(%d, RingCenter(%d)) = %d", nside, p, got)
			}
		}
	}
}

// TestNestedRoundTrip checks on every pixel that NESTED centres and indices
// agree with RING through the conversions: NestedCenter(p) = RingCenter of
// NestedToRing(p) (1e-12 deg), NestedPixel(NestedCenter(p)) = p, and
// RingToNested inverts NestedToRing.
func TestNestedRoundTrip(t *testing.T) {
	const tol = 1e-12 // degrees
	for _, nside := range nestNsides {
		for p := range NPix(nside) {
			r := NestedToRing(nside, p)
			if back := RingToNested(nside, r); back != p {
				t.Fatalf("nside %d: RingToNested(NestedToRing(%d) = %d) = %d", nside, p, r, back)
			}
			lon, lat := NestedCenter(nside, p)
			rlon, rlat := RingCenter(nside, r)
			if math.Abs(lon-rlon) > tol || math.Abs(lat-rlat) > tol {
				t.Fatalf("nside %d: NestedCenter(%d) = (%v, %v), RingCenter(%d) = (%v, %v)", nside, p, lon, lat, r, rlon, rlat)
			}
			if got := NestedPixel(nside, lon, lat); got != p {
				t.Fatalf("NestedPixel(%d, NestedCenter(%d)) = %d", nside, p, got)
			}
		}
	}
}

// TestNestedPixelHierarchy checks the defining property of NESTED: the
// parent of a pixel at 2 nside is its index / 4 at nside, for random points up
// to nside 2^29. want: Gorski et al. 2005 sec. 4 (the quadtree).
func TestNestedPixelHierarchy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		lon := 360 * rng.Float64()
		lat := math.Asin(2*rng.Float64()-1) * rad
		prev := NestedPixel(1, lon, lat)
		for nside := int64(2); nside <= MaxNside; nside *= 2 {
			p := NestedPixel(nside, lon, lat)
			if p/4 != prev {
				t.Fatalf("(%v, %v): NestedPixel(%d) = %d, parent at nside %d is %d", lon, lat, nside, p, nside/2, prev)
			}
			prev = p
		}
		// At the finest level the centre is within a pixel size of the point.
		clon, clat := NestedCenter(MaxNside, prev)
		if d := Separation(lon, lat, clon, clat); d > 2e-7 {
			t.Fatalf("(%v, %v): centre of its nside 2^29 pixel is %g deg away", lon, lat, d)
		}
	}
}

// TestRingLargeNside checks RING at large and odd nside against the
// conversions and centres. want: the round trip through NESTED (nside 2^29)
// and the pixel's own centre.
func TestRingLargeNside(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		lon := 360 * rng.Float64()
		lat := math.Asin(2*rng.Float64()-1) * rad
		n := NestedPixel(MaxNside, lon, lat)
		r := RingPixel(MaxNside, lon, lat)
		if got := NestedToRing(MaxNside, n); got != r {
			t.Fatalf("(%v, %v): NestedToRing(%d) = %d, RingPixel = %d", lon, lat, n, got, r)
		}
		if got := RingToNested(MaxNside, r); got != n {
			t.Fatalf("(%v, %v): RingToNested(%d) = %d, NestedPixel = %d", lon, lat, r, got, n)
		}
		for _, nside := range []int64{MaxNside - 1, 300_000_007, 12345} {
			p := RingPixel(nside, lon, lat)
			clon, clat := RingCenter(nside, p)
			if got := RingPixel(nside, clon, clat); got != p {
				t.Fatalf("nside %d: RingPixel(RingCenter(%d)) = %d", nside, p, got)
			}
		}
	}
}

func TestHealpixPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"nested nside 3", func() { NestedPixel(3, 0, 0) }},
		{"nested nside 0", func() { NestedCenter(0, 0) }},
		{"nested nside 2^30", func() { NestedPixel(1<<30, 0, 0) }},
		{"ring nside 0", func() { RingPixel(0, 0, 0) }},
		{"ring nside -1", func() { NPix(-1) }},
		{"ring pixel -1", func() { RingCenter(4, -1) }},
		{"ring pixel npix", func() { RingCenter(4, 192) }},
		{"nested pixel npix", func() { NestedCenter(4, 192) }},
		{"ring to nested nside 6", func() { RingToNested(6, 0) }},
		{"nested to ring pixel", func() { NestedToRing(2, 48) }},
		{"nested disc nside 6", func() { NestedDisc(nil, 6, 0, 0, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if s := fmt.Sprint(r); len(s) < 5 || s[:5] != "sky: " {
					t.Errorf("panic %q does not start with \"sky: \"", s)
				}
			}()
			tt.f()
		})
	}
}

func TestNPix(t *testing.T) {
	// want: 12 nside^2 (Gorski et al. 2005 eq. 2).
	for _, tt := range []struct{ nside, want int64 }{{1, 12}, {5, 300}, {6, 432}, {1024, 12582912}, {MaxNside, 3458764513820540928}} {
		if got := NPix(tt.nside); got != tt.want {
			t.Errorf("NPix(%d) = %d, want %d", tt.nside, got, tt.want)
		}
	}
}

// TestBadDirections checks that data that is not a direction gives -1 or
// nothing, never a panic. want: the documented results.
func TestBadDirections(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	g := NewGrid(GridConfig{})
	for _, d := range [][2]float64{{nan, 0}, {0, nan}, {inf, 0}, {-inf, 10}, {0, 90.0001}, {0, -91}, {0, inf}} {
		if got := RingPixel(6, d[0], d[1]); got != -1 {
			t.Errorf("RingPixel(6, %v, %v) = %d, want -1", d[0], d[1], got)
		}
		if got := NestedPixel(1024, d[0], d[1]); got != -1 {
			t.Errorf("NestedPixel(1024, %v, %v) = %d, want -1", d[0], d[1], got)
		}
		if got := RingDisc(nil, 6, d[0], d[1], 10); len(got) != 0 {
			t.Errorf("RingDisc(6, %v, %v, 10) = %v, want none", d[0], d[1], got)
		}
		if got := g.Containing(nil, d[0], d[1]); len(got) != 0 {
			t.Errorf("Containing(%v, %v) = %v, want none", d[0], d[1], got)
		}
	}
	if got := RingDisc(nil, 6, 0, 0, nan); len(got) != 0 {
		t.Errorf("RingDisc with NaN radius = %v, want none", got)
	}
	if phi, _, pm, _ := NewFrame(0, 0).Star(nan, 0, 1, 1); !math.IsNaN(phi) || !math.IsNaN(pm) {
		t.Errorf("Frame.Star(NaN) = %v, %v, want NaN", phi, pm)
	}
}
