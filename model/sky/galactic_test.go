package sky

import (
	"math"
	"testing"
)

// lonDiff returns the difference a - b of two longitudes in degrees, wrapped
// into [-180, 180).
func lonDiff(a, b float64) float64 {
	return math.Mod(math.Mod(a-b+180, 360)+360, 360) - 180
}

func TestICRSToGalactic(t *testing.T) {
	const tol = 1e-9 // degrees; testdata/README.md
	// want: astropy 5.2 SkyCoord(ra, dec, frame="icrs").galactic.
	rows := readCSV(t, "healpix_points_icrs_galactic.csv")
	var worst, worstBack float64
	for i, r := range rows {
		ra, dec := num(t, r, "ra_deg"), num(t, r, "dec_deg")
		wantL, wantB := num(t, r, "l_deg"), num(t, r, "b_deg")
		l, b := ICRSToGalactic(ra, dec)
		// Longitude error measured along the sphere: it is undefined at the poles.
		dl := math.Abs(lonDiff(l, wantL)) * math.Cos(wantB*deg)
		db := math.Abs(b - wantB)
		if dl > tol || db > tol || l < 0 || l >= 360 {
			t.Errorf("row %d: ICRSToGalactic(%v, %v) = (%v, %v), want (%v, %v)", i, ra, dec, l, b, wantL, wantB)
		}
		worst = max(worst, dl, db)
		ra2, dec2 := GalacticToICRS(wantL, wantB)
		dra := math.Abs(lonDiff(ra2, ra)) * math.Cos(dec*deg)
		ddec := math.Abs(dec2 - dec)
		if dra > tol || ddec > tol || ra2 < 0 || ra2 >= 360 {
			t.Errorf("row %d: GalacticToICRS(%v, %v) = (%v, %v), want (%v, %v)", i, wantL, wantB, ra2, dec2, ra, dec)
		}
		worstBack = max(worstBack, dra, ddec)
	}
	t.Logf("%d points: worst ICRS->Galactic %.2g deg, Galactic->ICRS %.2g deg", len(rows), worst, worstBack)
}
