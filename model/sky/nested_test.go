package sky

import (
	"fmt"
	"testing"
)

func TestNestedPixel(t *testing.T) {
	// want: healpy 1.16 ang2pix(nside, l, b, nest=True, lonlat=True) of the
	// astropy Galactic (l, b); exact.
	rows := readCSV(t, "healpix_points_icrs_galactic.csv")
	for _, nside := range []int64{64, 128, 256, 512, 1024} {
		key := fmt.Sprintf("nest%d_gal", nside)
		bad := 0
		for i, r := range rows {
			l, b := num(t, r, "l_deg"), num(t, r, "b_deg")
			want := integer(t, r, key)
			if got := NestedPixel(nside, l, b); got != want {
				bad++
				if bad <= 5 {
					t.Errorf("row %d: NestedPixel(%d, %v, %v) = %d, want %d", i, nside, l, b, got, want)
				}
			}
		}
		if bad > 0 {
			t.Errorf("nside %d: %d of %d wrong", nside, bad, len(rows))
		}
	}
}
