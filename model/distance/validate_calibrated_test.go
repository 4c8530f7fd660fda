package distance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// exactPosteriorRows simulates n stars from a generative model and gives
// each the exact posterior of its distance, integrated on a grid: distance
// from the exponentially decreasing space density (L = 1.35 kpc), absolute
// magnitude from a two-component CMD (dwarfs at M = 5, giants at M = 0.5,
// 0.3 mag wide), a parallax with Gaia-like errors and an apparent magnitude
// with 0.02 mag errors. The truth is a draw from the same model the
// posterior uses, so the rows are calibrated by construction: whatever the
// posteriors' shapes (skewed, bimodal where the parallax cannot tell a dwarf
// from a giant), a fraction Phi(1) - Phi(-1) of true distances lies inside
// [q16, q84].
func exactPosteriorRows(n int, seed uint64) (*Rows, map[int64]float64) {
	const L = 1350.0
	rng := rand.New(rand.NewPCG(seed, seed))
	comps := []struct{ w, mu, s float64 }{{0.8, 5, 0.3}, {0.2, 0.5, 0.3}}
	const nGrid = 3000
	grid := make([]float64, nGrid)
	for j := range grid {
		grid[j] = 10 * math.Pow(10, 4*float64(j)/(nGrid-1)) // 10 pc .. 100 kpc
	}
	post := make([]float64, nGrid)
	var r Rows
	truth := map[int64]float64{}
	for i := 0; i < n; i++ {
		// d ~ d² exp(-d/L): a Gamma(3, L) draw.
		d := -L * math.Log(rng.Float64()*rng.Float64()*rng.Float64())
		c := comps[0]
		if rng.Float64() > comps[0].w {
			c = comps[1]
		}
		absMag := c.mu + c.s*rng.NormFloat64()
		sPlx := math.Exp(math.Log(0.02) + (math.Log(1)-math.Log(0.02))*rng.Float64())
		plx := 1000/d + sPlx*rng.NormFloat64()
		const sMag = 0.02
		mag := absMag + 5*math.Log10(d/10) + sMag*rng.NormFloat64()

		// Posterior on the grid, with dd = d ln(10) 4/(nGrid-1) dlog.
		maxLog := math.Inf(-1)
		for j, x := range grid {
			like := 0.0
			dm := mag - 5*math.Log10(x/10)
			for _, k := range comps {
				s2 := k.s*k.s + sMag*sMag
				like += k.w * math.Exp(-0.5*(dm-k.mu)*(dm-k.mu)/s2) / math.Sqrt(s2)
			}
			lp := 3*math.Log(x) - x/L + math.Log(like) - 0.5*math.Pow((plx-1000/x)/sPlx, 2)
			post[j] = lp
			maxLog = math.Max(maxLog, lp)
		}
		var z, m1, m2 float64
		for j := range post {
			post[j] = math.Exp(post[j] - maxLog)
			z += post[j]
			m1 += post[j] * grid[j]
			m2 += post[j] * grid[j] * grid[j]
		}
		mean := m1 / z
		std := math.Sqrt(math.Max(m2/z-mean*mean, 0))
		q := func(p float64) float64 {
			acc := 0.0
			for j := range post {
				acc += post[j] / z
				if acc >= p {
					return grid[j]
				}
			}
			return grid[nGrid-1]
		}
		r.SourceID = append(r.SourceID, int64(i))
		r.DistMean, r.DistStd = append(r.DistMean, mean), append(r.DistStd, std)
		r.DistQ16 = append(r.DistQ16, q(0.158655))
		r.DistQ50 = append(r.DistQ50, q(0.5))
		r.DistQ84 = append(r.DistQ84, q(0.841345))
		r.Parallax = append(r.Parallax, plx)
		truth[int64(i)] = d
	}
	return &r, truth
}

// TestPullsOfExactPosteriors: on posteriors that are calibrated by
// construction (integrated numerically, truth drawn from the same model),
// the quantile pulls have median 0 and 16-84 spread 1 whatever the
// posteriors' shapes, and the coverage is 68.3 %; the mean/std pulls'
// IQR/1.349 is well below 1 there, so it cannot be the calibration test for
// skewed or bimodal posteriors.
func TestPullsOfExactPosteriors(t *testing.T) {
	r, truth := exactPosteriorRows(4000, 7)
	a := CompareTruth(r, truth)
	t.Logf("coverage %.3f; quantile pulls median %.3f spread %.3f; mean/std pulls median %.3f spread %.3f",
		a.Coverage68, a.QuantilePullMedian, a.QuantilePullSpread, a.PullMedian, a.PullSpread)
	// Binomial error of a 4000-star coverage: 0.0074.
	if math.Abs(a.Coverage68-0.6827) > 0.025 {
		t.Errorf("coverage %.3f of calibrated posteriors, want 0.683", a.Coverage68)
	}
	if math.Abs(a.QuantilePullSpread-1) > 0.06 || math.Abs(a.QuantilePullMedian) > 0.06 {
		t.Errorf("quantile pulls median %.3f spread %.3f, want 0 and 1", a.QuantilePullMedian, a.QuantilePullSpread)
	}
	if a.PullSpread > 0.95 {
		t.Errorf("mean/std pull spread %.3f: these posteriors were chosen skewed and bimodal, expected below 0.95", a.PullSpread)
	}
}

// TestQuantilePullsOfShiftedRows: rows whose quantiles are all one q84-q50
// too near are read as pulls of median -1 (the estimate too near).
func TestQuantilePullsOfShiftedRows(t *testing.T) {
	r, truth := exactPosteriorRows(2000, 8)
	for i := range r.SourceID {
		w := r.DistQ84[i] - r.DistQ50[i]
		r.DistQ16[i] -= w
		r.DistQ50[i] -= w
		r.DistQ84[i] -= w
	}
	a := CompareTruth(r, truth)
	if a.QuantilePullMedian > -0.5 {
		t.Errorf("quantile pull median %.3f, want about -1", a.QuantilePullMedian)
	}
}
