package distance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fieldDM draws a field star's distance modulus: log-normal distances (a
// skewed field with a far tail, median 1.6 kpc) seen through an error of e
// mag.
func fieldDM(r *rand.Rand, e float64) float64 {
	d := 1600 * math.Exp(0.6*r.NormFloat64())
	return 5*math.Log10(d) - 5 + e*r.NormFloat64()
}

// TestFitClusterFieldDoesNotDependOnTheCone: a cluster at 880 pc (DM 9.722,
// depth 0.02 mag) in a skewed field, observed with errors of 0.1-0.4 mag,
// in cones of growing field contamination (the field's count grows with the
// cone's area, the cluster's much less). The truth is the reference: the
// annulus fit finds the cluster within its error bars in every cone, while
// the two-Gaussian fit of paper 000 drifts as the field grows.
func TestFitClusterFieldDoesNotDependOnTheCone(t *testing.T) {
	const trueDM, depth = 9.722, 0.02
	r := rand.New(rand.NewPCG(3, 4))
	var pulls []float64
	worstGMM := 0.0
	for trial := 0; trial < 30; trial++ {
		for _, nf := range []int{100, 400, 1500} {
			var cone []ClusterStar
			var x, errs []float64
			for i := 0; i < 150; i++ {
				e := 0.1 + 0.3*r.Float64()
				s := ClusterStar{DM: trueDM + depth*r.NormFloat64() + e*r.NormFloat64(), Err: e}
				cone = append(cone, s)
			}
			for i := 0; i < nf; i++ {
				e := 0.1 + 0.3*r.Float64()
				cone = append(cone, ClusterStar{DM: fieldDM(r, e), Err: e})
			}
			var annulus []float64
			for i := 0; i < 3*nf; i++ {
				annulus = append(annulus, fieldDM(r, 0.1+0.3*r.Float64()))
			}
			fit, err := FitClusterField(cone, annulus, FieldFitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pulls = append(pulls, (fit.DM-trueDM)/fit.DMErr)
			for _, s := range cone {
				x = append(x, math.Pow(10, s.DM/5+1))
				errs = append(errs, 0)
			}
			if g, err := FitCluster(x, ClusterOptions{}); err == nil {
				worstGMM = max(worstGMM, math.Abs(g.Mean/880-1))
			}
		}
	}
	var m, v float64
	for _, p := range pulls {
		m += p
	}
	m /= float64(len(pulls))
	for _, p := range pulls {
		v += (p - m) * (p - m)
	}
	sd := math.Sqrt(v / float64(len(pulls)-1))
	t.Logf("annulus fit: pulls mean %.2f sd %.2f over %d cones; two-Gaussian fit: worst relative error %.3f", m, sd, len(pulls), worstGMM)
	if math.Abs(m) > 0.3 || sd > 1.3 {
		t.Errorf("annulus fit pulls mean %.2f sd %.2f, want about N(0, 1)", m, sd)
	}
	if worstGMM < 0.05 {
		t.Errorf("the two-Gaussian fit is within 5%% in every cone: the field no longer tests the annulus fit")
	}
}

func TestFitClusterFieldErrors(t *testing.T) {
	if _, err := FitClusterField([]ClusterStar{{9, 0.1}}, []float64{1, 2, 3, 4, 5}, FieldFitOptions{}); err == nil {
		t.Error("one cone star: no error")
	}
	cone := []ClusterStar{{9, 0.1}, {9.1, 0.1}, {9.2, 0.1}, {9, 0.2}, {8.9, 0.1}}
	if _, err := FitClusterField(cone, []float64{10, 10, 10, 10, 10}, FieldFitOptions{}); err == nil {
		t.Error("a field of equal moduli: no error")
	}
}
