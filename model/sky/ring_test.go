package sky

import (
	"math"
	"testing"
)

func TestRingCenterNside5(t *testing.T) {
	const tol = 1e-12 // degrees; testdata/README.md
	// want: healpy 1.16 pix2ang(5, ipix, lonlat=True), all 300 pixels.
	rows := readCSV(t, "healpix_nside5_centers.csv")
	if len(rows) != 300 {
		t.Fatalf("got %d rows, want 300", len(rows))
	}
	for _, r := range rows {
		pix := integer(t, r, "ipix_ring")
		wantLon, wantLat := num(t, r, "ra_deg"), num(t, r, "dec_deg")
		lon, lat := RingCenter(5, pix)
		if math.Abs(lon-wantLon) > tol || math.Abs(lat-wantLat) > tol {
			t.Errorf("RingCenter(5, %d) = (%.15g, %.15g), want (%.15g, %.15g)", pix, lon, lat, wantLon, wantLat)
		}
	}
}

func TestRingCenterNside6(t *testing.T) {
	const tol = 1e-9 // degrees; testdata/README.md
	// want: healpy 1.16 pix2ang(6, ipix, lonlat=True), all 432 pixels.
	rows := readCSV(t, "healpix_nside6_ring_centers.csv")
	if len(rows) != 432 {
		t.Fatalf("got %d rows, want 432", len(rows))
	}
	for _, r := range rows {
		pix := integer(t, r, "ipix_ring")
		wantLon, wantLat := num(t, r, "ra_deg"), num(t, r, "dec_deg")
		lon, lat := RingCenter(6, pix)
		if math.Abs(lon-wantLon) > tol || math.Abs(lat-wantLat) > tol {
			t.Errorf("RingCenter(6, %d) = (%.15g, %.15g), want (%.15g, %.15g)", pix, lon, lat, wantLon, wantLat)
		}
	}
}

func TestRingPixelNside5(t *testing.T) {
	// want: healpy 1.16 ang2pix(5, ra, dec, lonlat=True); exact. The points
	// include the poles, the ra wrap, ring-transition latitudes and centres.
	rows := readCSV(t, "healpix_nside5_points.csv")
	bad := 0
	for i, r := range rows {
		ra, dec := num(t, r, "ra_deg"), num(t, r, "dec_deg")
		want := integer(t, r, "ipix_ring")
		if got := RingPixel(5, ra, dec); got != want {
			bad++
			if bad <= 10 {
				t.Errorf("row %d: RingPixel(5, %.17g, %.17g) = %d, want %d", i, ra, dec, got, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d wrong", bad, len(rows))
	}
}

func TestRingPixelNside6(t *testing.T) {
	// want: healpy 1.16 ang2pix(6, ra, dec, lonlat=True); exact.
	rows := readCSV(t, "healpix_points_icrs_galactic.csv")
	for i, r := range rows {
		ra, dec := num(t, r, "ra_deg"), num(t, r, "dec_deg")
		want := integer(t, r, "ring6_icrs")
		if got := RingPixel(6, ra, dec); got != want {
			t.Errorf("row %d: RingPixel(6, %.17g, %.17g) = %d, want %d", i, ra, dec, got, want)
		}
	}
}
