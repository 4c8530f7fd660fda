package dust

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

func TestExactGaussian(t *testing.T) {
	g := &Gaussian{RA: 350, Dec: 10, SigmaRA: 20, SigmaDec: 10, Peak: 0.3, Base: 0.01}
	var m Map = NewExact(g)
	if m.Samples() != 1 || m.Units() != GRUnits {
		t.Errorf("samples %d units %v", m.Samples(), m.Units())
	}
	ls := []float64{96.3, 0, 200, 30}
	bs := []float64{-47.5, 0, 60, -80}
	ds := []float64{2000, 10, 500, math.NaN()}
	r := m.Query(nil, ls, bs, ds, []uint64{1, 2, 3, math.MaxUint64})
	for i := range ls {
		ra, dec := sky.GalacticToICRS(ls[i], bs[i])
		want := g.E(ra, dec, ds[i])
		p := r.Point(i)
		if math.IsNaN(ds[i]) {
			if !math.IsNaN(p.Median) {
				t.Errorf("NaN distance: %+v", p)
			}
			continue
		}
		if p.Median != want || p.Mean != want || p.Sample != want || p.Best != want || p.Std != 0 || p.Index != 0 ||
			p.Flags != Covered|Reliable|Converged {
			t.Errorf("star %d: %+v, want E %v everywhere and no spread", i, p, want)
		}
	}
	// At the centre of the Gaussian (ICRS 350, 10) E = (base + peak) d.
	l, b := sky.ICRSToGalactic(350, 10)
	if p := m.At(l, b, 2000, 0); math.Abs(p.Median-0.62) > 1e-9 {
		t.Errorf("centre: %v, want 0.62", p.Median)
	}
}

func TestExtinction(t *testing.T) {
	var x Extinction // the paper's coefficients
	ag, bprp, bpg := x.Gaia(0.5, GRUnits)
	if ag != 2.71*0.5 || bprp != 0.85*0.5 || bpg != 0.39*0.5 {
		t.Errorf("defaults: %v %v %v", ag, bprp, bpg)
	}
	// Bayestar19: one unit is 0.901 mag of E(g-r) (Green et al. 2019 Table 1).
	ag, _, _ = x.Gaia(1, Bayestar19Units)
	if math.Abs(ag-2.71*0.901) > 1e-12 {
		t.Errorf("Bayestar19 A_G per unit %v, want %v", ag, 2.71*0.901)
	}
	y := Extinction{AG: 2.5}
	if a, b, c := y.Coefficients(); a != 2.5 || b != DefaultBPRP || c != DefaultBPG {
		t.Errorf("one field set: %v %v %v", a, b, c)
	}
	if (Extinction{BPG: -1}).Validate() == nil || (Extinction{AG: math.NaN()}).Validate() == nil || x.Validate() != nil {
		t.Errorf("Validate")
	}
	for _, v := range []string{"bayestar2019", "bayestar2017", "bayestar2015"} {
		u, err := UnitsOf(v)
		if err != nil || math.Abs(u.GR-0.901) > 1e-12 || u.Name != v {
			t.Errorf("UnitsOf(%s) = %+v, %v", v, u, err)
		}
	}
	if _, err := UnitsOf("sfd"); err == nil {
		t.Errorf("unknown version accepted")
	}
}
