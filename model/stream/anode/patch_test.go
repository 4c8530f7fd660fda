package anode

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
)

func TestPatchAdd(t *testing.T) {
	nan := math.NaN()
	row := func(id int64, ra, dec, plx, pmra, pmdec, g, bp, rp, bprp float64) star.Row {
		r := star.NewRow()
		r.SourceID, r.RA, r.Dec, r.Parallax, r.PMRA, r.PMDec = id, ra, dec, plx, pmra, pmdec
		r.G, r.BP, r.RP, r.BPRP = g, bp, rp, bprp
		return r
	}
	var b star.Block
	b.Append(row(1, 155, 32, 0.5, 3, -4, 18, 18.5, 17.6, 0.9))  // kept
	b.Append(row(2, 155, 32, 1.0, 3, -4, 18, 18.5, 17.6, 0.9))  // parallax not < 1
	b.Append(row(3, 155, 32, nan, 3, -4, 18, 18.5, 17.6, 0.9))  // no parallax
	b.Append(row(4, 150, 50, 0.1, 3, -4, 18, 18.5, 17.6, 0.9))  // 20 degrees away
	b.Append(row(5, 155, 32, 0.2, 3, -4, 18, 18.5, 17.6, nan))  // b-r from bp - rp
	b.Append(row(6, 155, 32, 0.2, 3, -4, nan, nan, nan, nan))   // no photometry
	b.Append(row(7, 155, 32, 0.2, nan, nan, 18, 18.5, 17.6, 1)) // no proper motion
	f := sky.NewFrame(150, 30)

	var p Patch
	got := p.Add(f, &b, Cuts{})
	if want := (Counts{In: 7, Parallax: 2, Outside: 1, Missing: 2, Kept: 2}); got != want {
		t.Errorf("Full: counts %+v, want %+v", got, want)
	}
	if len(p.SourceID) != 2 || p.SourceID[0] != 1 || p.SourceID[1] != 5 {
		t.Fatalf("kept %v, want [1 5]", p.SourceID)
	}
	// shared/reference/README.md (astropy SkyOffsetFrame): centre (150,
	// 30), star (155, 32, pmra* 3, pmdec -4) -> phi 4.24155955992, lambda
	// 2.09250800438, mu_phi* 3.17157409166, mu_lambda -3.86537420971.
	for i, want := range []float64{4.24155955992, 2.09250800438, 3.17157409166, -3.86537420971} {
		if v := [][]float64{p.Phi, p.Lambda, p.PMPhi, p.PMLambda}[i][0]; !scalar.EqualWithinAbs(v, want, 1e-9) {
			t.Errorf("column %d = %.12f, want %.12f", i, v, want)
		}
	}
	if !scalar.EqualWithinAbs(p.BPRP[1], 0.9, 1e-12) {
		t.Errorf("b-r from bp - rp = %v, want 0.9", p.BPRP[1])
	}

	var q Patch
	got = q.Add(f, &b, Cuts{Features: Astrometric, Radius: -1, MaxParallax: 2})
	if want := (Counts{In: 7, Parallax: 1, Missing: 1, Kept: 5}); got != want {
		t.Errorf("Astrometric, no radius, parallax < 2: counts %+v, want %+v", got, want)
	}
	var total Counts
	total.Add(got)
	total.Add(got)
	if total.Kept != 10 || total.In != 14 {
		t.Errorf("Counts.Add: %+v", total)
	}
}
