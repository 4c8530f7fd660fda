package distance

import (
	"math"
	"slices"
	"testing"
)

// The parallax samples of Prepare, drawn through the whole path (seeded
// stream, open uniforms, Quantile), against the truncated normal's moments
// from mpmath (truncMoments) and, by a Kolmogorov-Smirnov test, its CDF
// (itself checked against mpmath in TestTruncNormalCDF).
func TestParallaxSamples(t *testing.T) {
	const n = 200000
	const sigma = 0.2 // mas
	for _, stratified := range []bool{false, true} {
		e := mustNew(t, Config{Mode: Training, K: n, NoParallaxOffset: true, Stratified: stratified, Seed: 7}, flat, noDust)
		for _, c := range truncMoments {
			p := e.Prepare(nil, blockOf(testStar(42, c.mu*sigma, sigma, 15, 1, 0.5)), nil)
			if p.Len() != 1 {
				t.Fatalf("z=%g: %d stars prepared", c.mu, p.Len())
			}
			x := p.Plx
			var mean float64
			for _, v := range x {
				if !(v > 0) || math.IsInf(v, 1) {
					t.Fatalf("z=%g: sample %g is not a positive finite parallax", c.mu, v)
				}
				mean += v
			}
			mean /= n
			var m2, m4 float64
			for _, v := range x {
				d := v - mean
				m2 += d * d
				m4 += d * d * d * d
			}
			m2 /= n - 1
			m4 /= n
			wantMean, wantVar := c.mean*sigma, c.variance*sigma*sigma
			seMean := math.Sqrt(wantVar / n)
			seVar := math.Sqrt((m4 - m2*m2) / n)
			if math.Abs(mean-wantMean) > 5*seMean {
				t.Errorf("stratified=%v z=%g: sample mean %.6g, want %.6g ± %.2g", stratified, c.mu, mean, wantMean, seMean)
			}
			if math.Abs(m2-wantVar) > 5*seVar {
				t.Errorf("stratified=%v z=%g: sample variance %.6g, want %.6g ± %.2g", stratified, c.mu, m2, wantVar, seVar)
			}
			// Kolmogorov-Smirnov: D_n > 1.949/sqrt(n) has probability 0.001.
			tn := TruncNormal{Mu: c.mu * sigma, Sigma: sigma}
			s := slices.Clone(x)
			slices.Sort(s)
			var dmax float64
			for i, v := range s {
				f := tn.CDF(v)
				dmax = max(dmax, math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n))
			}
			if crit := 1.949 / math.Sqrt(n); dmax > crit {
				t.Errorf("stratified=%v z=%g: KS distance %.3g > %.3g", stratified, c.mu, dmax, crit)
			}
			// The derived columns.
			for j := 0; j < 5; j++ {
				if p.Dist[j] != 1000/x[j] || p.Mod[j] != 5*math.Log10(x[j])-10 {
					t.Fatalf("z=%g: sample %d: Dist %g Mod %g for parallax %g", c.mu, j, p.Dist[j], p.Mod[j], x[j])
				}
			}
		}
	}
}

// A sample drawn at z = -50 costs about what one at z = +50 costs, and no
// sample is ever zero or infinite, even for the extreme uniforms.
func TestQuantileExtremes(t *testing.T) {
	for _, z := range []float64{-1e4, -50, -37, -36, -10, -5, -4.999, -1, -1e-9, 0, 1e-9, 3, 50, 1e4} {
		d := TruncNormal{Mu: z, Sigma: 1}
		prev := 0.0
		for _, u := range []float64{1e-300, 1.0 / (1 << 53), 1e-15, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-9, 1 - 1.0/(1<<53)} {
			x := d.Quantile(u)
			if !(x > 0) || math.IsInf(x, 1) {
				t.Errorf("z=%g u=%g: Quantile %g", z, u, x)
			}
			if x < prev {
				t.Errorf("z=%g: Quantile not monotone at u=%g: %g after %g", z, u, x, prev)
			}
			prev = x
			if u > 1e-300 && u < 1-1e-9 {
				if got := d.CDF(x); relErr(got, u) > 1e-9 {
					t.Errorf("z=%g u=%g: CDF(Quantile(u)) = %.17g", z, u, got)
				}
			}
		}
	}
}
