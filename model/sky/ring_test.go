package sky

import (
	"math"
	"testing"
)

func TestRingCenter(t *testing.T) {
	tests := []struct {
		file  string
		nside int64
		tol   float64 // degrees; testdata/README.md
	}{
		// want: healpy 1.16 pix2ang(nside, ipix, lonlat=True), every pixel.
		{"healpix_nside5_centers.csv", 5, 1e-12},
		{"healpix_nside6_ring_centers.csv", 6, 1e-9},
	}
	for _, tt := range tests {
		rows := readCSV(t, tt.file)
		if int64(len(rows)) != NPix(tt.nside) {
			t.Fatalf("%s: %d rows, want %d", tt.file, len(rows), NPix(tt.nside))
		}
		for _, r := range rows {
			pix := integer(t, r, "ipix_ring")
			wantLon, wantLat := num(t, r, "ra_deg"), num(t, r, "dec_deg")
			lon, lat := RingCenter(tt.nside, pix)
			if math.Abs(lon-wantLon) > tt.tol || math.Abs(lat-wantLat) > tt.tol {
				t.Errorf("RingCenter(%d, %d) = (%.15g, %.15g), want (%.15g, %.15g)", tt.nside, pix, lon, lat, wantLon, wantLat)
			}
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
