package sky

import (
	"math"
	"testing"
)

func TestFrameExample(t *testing.T) {
	const tol = 1e-9 // degrees and mas/yr
	// want: shared/reference/README.md worked example (astropy SkyOffsetFrame).
	f := NewFrame(150, 30)
	phi, lambda, pmPhi, pmLambda := f.Star(155, 32, 3, -4)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"phi", phi, 4.24155955992},
		{"lambda", lambda, 2.09250800438},
		{"pmPhi", pmPhi, 3.17157409166},
		{"pmLambda", pmLambda, -3.86537420971},
	} {
		if math.Abs(c.got-c.want) > tol {
			t.Errorf("%s = %.12g, want %.12g", c.name, c.got, c.want)
		}
	}
}

func TestFrameGolden(t *testing.T) {
	const tol = 1e-9 // degrees for positions, mas/yr for proper motions; testdata/README.md
	// want: astropy 5.2 SkyOffsetFrame(origin=ICRS(ra0, dec0)) of 1,200 stars
	// around 15 patch centres.
	rows := readCSV(t, "rotation_golden.csv")
	n := len(rows)
	ra, dec, pmRA, pmDec := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	phi, lambda, pmPhi, pmLambda := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	var worstPos, worstPM, worstBack float64
	// Rows come grouped by centre; convert each group as columns.
	for lo := 0; lo < n; {
		ra0, dec0 := num(t, rows[lo], "ra0_deg"), num(t, rows[lo], "dec0_deg")
		hi := lo
		for hi < n && num(t, rows[hi], "ra0_deg") == ra0 && num(t, rows[hi], "dec0_deg") == dec0 {
			ra[hi], dec[hi] = num(t, rows[hi], "ra_deg"), num(t, rows[hi], "dec_deg")
			pmRA[hi], pmDec[hi] = num(t, rows[hi], "pmra_cosdec"), num(t, rows[hi], "pmdec")
			hi++
		}
		f := NewFrame(ra0, dec0)
		f.Stars(phi[lo:hi], lambda[lo:hi], pmPhi[lo:hi], pmLambda[lo:hi], ra[lo:hi], dec[lo:hi], pmRA[lo:hi], pmDec[lo:hi])
		for i := lo; i < hi; i++ {
			r := rows[i]
			wantPhi, wantLambda := num(t, r, "phi_deg"), num(t, r, "lambda_deg")
			wantPMPhi, wantPMLambda := num(t, r, "pmphi_coslambda"), num(t, r, "pmlambda")
			dPos := max(math.Abs(phi[i]-wantPhi), math.Abs(lambda[i]-wantLambda))
			dPM := max(math.Abs(pmPhi[i]-wantPMPhi), math.Abs(pmLambda[i]-wantPMLambda))
			if dPos > tol || dPM > tol || phi[i] <= -180 || phi[i] > 180 {
				t.Errorf("row %d: centre (%v, %v) star (%v, %v, %v, %v): got (%v, %v, %v, %v), want (%v, %v, %v, %v)",
					i, ra0, dec0, ra[i], dec[i], pmRA[i], pmDec[i], phi[i], lambda[i], pmPhi[i], pmLambda[i],
					wantPhi, wantLambda, wantPMPhi, wantPMLambda)
			}
			// Star and Stars agree bit for bit.
			p, l, pp, pl := f.Star(ra[i], dec[i], pmRA[i], pmDec[i])
			if p != phi[i] || l != lambda[i] || pp != pmPhi[i] || pl != pmLambda[i] {
				t.Errorf("row %d: Star and Stars differ", i)
			}
			if p, l := f.Position(ra[i], dec[i]); p != phi[i] || l != lambda[i] {
				t.Errorf("row %d: Position and Star differ", i)
			}
			// Inverse: back to ICRS.
			bra, bdec := f.ToICRS(wantPhi, wantLambda)
			dBack := Separation(bra, bdec, ra[i], dec[i])
			if dBack > tol {
				t.Errorf("row %d: ToICRS(%v, %v) = (%v, %v), want (%v, %v)", i, wantPhi, wantLambda, bra, bdec, ra[i], dec[i])
			}
			worstPos, worstPM, worstBack = max(worstPos, dPos), max(worstPM, dPM), max(worstBack, dBack)
		}
		lo = hi
	}
	t.Logf("%d stars: worst position %.2g deg, proper motion %.2g mas/yr, inverse %.2g deg", n, worstPos, worstPM, worstBack)
}

// TestFrameProperties checks properties that hold exactly: the centre maps
// to (0, 0), proper-motion length is conserved by the rotation, separations
// from the centre are conserved, and a star due east has phi > 0.
func TestFrameProperties(t *testing.T) {
	const tol = 1e-10
	for _, c := range [][2]float64{{0, 0}, {150, 30}, {359, -89}, {10, 89.5}, {270, -30}} {
		f := NewFrame(c[0], c[1])
		if phi, lambda := f.Position(c[0], c[1]); math.Abs(phi) > tol || math.Abs(lambda) > tol {
			t.Errorf("centre (%v, %v) -> (%v, %v), want (0, 0)", c[0], c[1], phi, lambda)
		}
		for _, s := range [][4]float64{{c[0] + 3, c[1] / 2, 5, -2}, {c[0] - 20, c[1] - 10, -7, 1}, {c[0] + 170, 0, 0, 3}} {
			phi, lambda, pp, pl := f.Star(s[0], s[1], s[2], s[3])
			if got, want := math.Hypot(pp, pl), math.Hypot(s[2], s[3]); math.Abs(got-want) > tol {
				t.Errorf("centre %v star %v: |pm| = %v, want %v", c, s, got, want)
			}
			if got, want := Separation(0, 0, phi, lambda), Separation(c[0], c[1], s[0], s[1]); math.Abs(got-want) > tol {
				t.Errorf("centre %v star %v: separation %v, want %v", c, s, got, want)
			}
		}
		if math.Abs(c[1]) < 80 {
			if phi, _ := f.Position(c[0]+1, c[1]); phi <= 0 {
				t.Errorf("centre %v: a star 1 deg east has phi %v, want > 0", c, phi)
			}
		}
	}
}

func TestFrameStarsPanics(t *testing.T) {
	f := NewFrame(0, 0)
	a, b := make([]float64, 3), make([]float64, 2)
	for name, fn := range map[string]func(){
		"positions": func() { f.Stars(a, a, nil, nil, a, b, nil, nil) },
		"pm":        func() { f.Stars(a, a, a, b, a, a, a, a) },
		"half pm":   func() { f.Stars(a, a, a, a, a, a, nil, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			fn()
		})
	}
}

func TestFrameStarsPositionsOnly(t *testing.T) {
	f := NewFrame(150, 30)
	ra, dec := []float64{155, 140}, []float64{32, 25}
	phi, lambda := make([]float64, 2), make([]float64, 2)
	f.Stars(phi, lambda, nil, nil, ra, dec, nil, nil)
	for i := range ra {
		// want: Position, which TestFrameGolden checks against astropy.
		if p, l := f.Position(ra[i], dec[i]); p != phi[i] || l != lambda[i] {
			t.Errorf("star %d: (%v, %v), want (%v, %v)", i, phi[i], lambda[i], p, l)
		}
	}
}

func TestSeparation(t *testing.T) {
	const tol = 1e-12 // degrees
	tests := []struct {
		lon1, lat1, lon2, lat2, want float64 // want: spherical geometry by hand
	}{
		{0, 0, 90, 0, 90},
		{10, 20, 10, 20, 0},
		{0, 90, 123, -90, 180},
		{0, 0, 180, 0, 180},
		{359.5, 0, 0.5, 0, 1},
		{0, 89, 180, 89, 2},
		{0, 0, 0, 1e-9, 1e-9},
		{45, 0, 45, 45, 45},
	}
	for _, tt := range tests {
		if got := Separation(tt.lon1, tt.lat1, tt.lon2, tt.lat2); math.Abs(got-tt.want) > tol {
			t.Errorf("Separation(%v, %v, %v, %v) = %.15g, want %v", tt.lon1, tt.lat1, tt.lon2, tt.lat2, got, tt.want)
		}
	}
}
