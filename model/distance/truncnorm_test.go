package distance

import (
	"math"
	"testing"
)

// relErr returns |got - want| / |want|, or |got| when want is 0.
func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func TestTruncNormalMoments(t *testing.T) {
	for _, c := range truncMoments {
		for _, sigma := range []float64{1, 0.037} {
			d := TruncNormal{Mu: c.mu * sigma, Sigma: sigma}
			if e := relErr(d.Mean(), c.mean*sigma); e > 1e-13 {
				t.Errorf("mu/sigma=%g sigma=%g: Mean %.17g, want %.17g (rel err %.2g)", c.mu, sigma, d.Mean(), c.mean*sigma, e)
			}
			if e := relErr(d.Var(), c.variance*sigma*sigma); e > 1e-12 {
				t.Errorf("mu/sigma=%g sigma=%g: Var %.17g, want %.17g (rel err %.2g)", c.mu, sigma, d.Var(), c.variance*sigma*sigma, e)
			}
		}
	}
}

func TestTruncNormalQuantile(t *testing.T) {
	for _, c := range truncQuantiles {
		d := TruncNormal{Mu: c.mu, Sigma: 1}
		got := d.Quantile(c.u)
		if e := relErr(got, c.x); e > 1e-12 {
			t.Errorf("mu=%g u=%g: Quantile %.17g, want %.17g (rel err %.2g)", c.mu, c.u, got, c.x, e)
		}
	}
}

func TestTruncNormalCDF(t *testing.T) {
	for _, c := range truncCDF {
		d := TruncNormal{Mu: c.mu, Sigma: 1}
		if e := relErr(d.CDF(c.x), c.cdf); e > 1e-12 && math.Abs(d.CDF(c.x)-c.cdf) > 1e-300 {
			t.Errorf("mu=%g x=%g: CDF %.17g, want %.17g (rel err %.2g)", c.mu, c.x, d.CDF(c.x), c.cdf, e)
		}
		if e := relErr(d.Survival(c.x), c.survival); e > 1e-12 && math.Abs(d.Survival(c.x)-c.survival) > 1e-300 {
			t.Errorf("mu=%g x=%g: Survival %.17g, want %.17g (rel err %.2g)", c.mu, c.x, d.Survival(c.x), c.survival, e)
		}
	}
}
