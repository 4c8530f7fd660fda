package distance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestClusterDistancesSelectsConeAnnulusAndCeiling: a cluster of 300 stars
// at 880 pc (posteriors 5 % wide) in a 0.3 deg cone over a field spread
// uniformly in distance modulus (8 to 13 mag) inside the cone and in the
// 0.6-1.2 deg annulus; stars beyond 2 deg are ignored. The field fit finds
// the cluster within 2 % and counts the stars it used; a parallax-SNR
// ceiling below every star's SNR leaves no star and a failed fit.
func TestClusterDistancesSelectsConeAnnulusAndCeiling(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cone := Cone{RA: 132.8, Dec: 11.8, Radius: 0.3}
	var r Rows
	add := func(sep, d float64) {
		// A point at angular distance sep (deg) due north of the centre.
		r.SourceID = append(r.SourceID, int64(len(r.SourceID)))
		r.RA, r.Dec = append(r.RA, cone.RA), append(r.Dec, cone.Dec+sep)
		m := d * math.Exp(0.05*rng.NormFloat64())
		r.DistMean, r.DistStd = append(r.DistMean, m), append(r.DistStd, 0.05*m)
		r.DistQ16, r.DistQ50, r.DistQ84 = append(r.DistQ16, m*math.Exp(-0.05)), append(r.DistQ50, m), append(r.DistQ84, m*math.Exp(0.05))
		r.Parallax, r.ParallaxError = append(r.Parallax, 1000/d), append(r.ParallaxError, 0.1*1000/d) // SNR 10
	}
	fieldDist := func() float64 { return 10 * math.Pow(10, (8+5*rng.Float64())/5) }
	for range 300 {
		add(0.25*rng.Float64(), 880)
	}
	for range 300 {
		add(0.3*rng.Float64(), fieldDist())
	}
	for range 1500 {
		add(0.6+0.6*rng.Float64(), fieldDist())
	}
	for range 500 {
		add(2+rng.Float64(), 880) // far outside: no effect
	}
	res := ClusterDistances(&r, ClusterSelection{Cone: cone, AnnulusIn: 0.6, AnnulusOut: 1.2}, []float64{15, 5})
	if len(res) != 2 {
		t.Fatalf("%d results", len(res))
	}
	if a := res[0]; a.Fit != nil || a.Stars != 600 || a.FieldStars != 1500 || math.Abs(a.Dist/880-1) > 0.02 || math.Abs(a.Members-300) > 60 {
		t.Errorf("SNR < 15: %+v, want 880 pc from 600 cone and 1500 annulus stars, about 300 members", a)
	}
	if b := res[1]; b.Stars != 0 || b.Fit == nil {
		t.Errorf("SNR < 5: %+v, want no star and a failed fit", b)
	}
}
