package anode

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// TestStretchJacobian compares the log Jacobian of stretch with central
// finite differences of the map at interior stars.
func TestStretchJacobian(t *testing.T) {
	// Star 0 sets r_max (14.5 x 1.001) and the g range [15, 20.5].
	base := &Patch{
		Phi:      []float64{14.5, 0, 0},
		Lambda:   []float64{0, 0, 0},
		PMPhi:    []float64{0, 1, 2},
		PMLambda: []float64{0, 0, 0},
		BPRP:     []float64{1, 1, 1},
		G:        []float64{15, 20.5, 18},
	}
	at := func(phi, lambda, g float64) (x, y, z, lj float64) {
		p := *base
		p.Phi = []float64{14.5, 0, phi}
		p.Lambda = []float64{0, 0, lambda}
		p.G = []float64{15, 20.5, g}
		cols, jac := stretch(&p, Full)
		return cols[0][2], cols[1][2], cols[4][2], jac[2]
	}
	const h = 1e-5
	for _, s := range [][3]float64{{0, 0, 18}, {3, -4, 15.2}, {-10, 9, 20.4}, {0.001, 14, 17}, {-14.4, 0.3, 19.99}} {
		_, _, _, lj := at(s[0], s[1], s[2])
		xp, yp, _, _ := at(s[0]+h, s[1], s[2])
		xm, ym, _, _ := at(s[0]-h, s[1], s[2])
		xq, yq, _, _ := at(s[0], s[1]+h, s[2])
		xr, yr, _, _ := at(s[0], s[1]-h, s[2])
		_, _, zp, _ := at(s[0], s[1], s[2]+h)
		_, _, zm, _ := at(s[0], s[1], s[2]-h)
		det := ((xp-xm)*(yq-yr) - (xq-xr)*(yp-ym)) / (4 * h * h)
		want := math.Log(det) + math.Log((zp-zm)/(2*h))
		if !scalar.EqualWithinAbs(lj, want, 1e-5) {
			t.Errorf("star %v: log Jacobian %v, finite differences %v", s, lj, want)
		}
	}
	// The centre keeps its geometry: the map is the identity to first order.
	x, y, _, _ := at(1e-3, -2e-3, 18)
	if !scalar.EqualWithinAbsOrRel(x, 1e-3, 0, 1e-6) || !scalar.EqualWithinAbsOrRel(y, -2e-3, 0, 1e-6) {
		t.Errorf("near the centre: (%v, %v)", x, y)
	}
}

// TestStretchUnits: with and without the stretch, Score returns densities in
// data units. The mean log-Jacobian of the stretch over this patch is 0.83,
// so forgetting it would shift the stretched run's densities by that much.
func TestStretchUnits(t *testing.T) {
	p, _ := clumpPatch(3000, 30, 8)
	w := Window{Lo: -2, Hi: 2}
	opt := smallOptions()
	opt.Epochs = 20
	var mean [2]float64
	for k, st := range []bool{false, true} {
		opt.Stretch = st
		res, err := Score(p, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.LogPCR {
			mean[k] += v
		}
		mean[k] /= float64(len(res.LogPCR))
	}
	// The background's mean log density in data units: a uniform disc of
	// radius 15 (log 1/(pi 225) = -6.56) times Gaussians in mu_phi* (sd 3:
	// mean log pdf -2.02), b-r (sd 0.3: -0.22) and g (sd 1: -1.42), -10.2
	// in all. A trained flow's mean log density of the same stars is lower
	// by the Kullback-Leibler divergence (here about 0.5-0.7), never higher
	// beyond noise.
	t.Logf("mean CR log p of the SR stars: %.3f without, %.3f with the stretch; truth -10.2", mean[0], mean[1])
	for k, m := range mean {
		if m > -10.2+0.1 || m < -10.2-1 {
			t.Errorf("stretch %v: mean log p %.3f, want in [-11.2, -10.1]", k == 1, m)
		}
	}
	if math.Abs(mean[0]-mean[1]) > 0.4 {
		t.Errorf("mean log p %.3f without and %.3f with the stretch", mean[0], mean[1])
	}
}
