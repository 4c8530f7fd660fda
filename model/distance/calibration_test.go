package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// mockPopulation draws n stars of the mock's paper-000 CMD (three narrow
// sequences) at distances from d² exp(-d/L), L = 1 kpc, each pair of
// absolute magnitude and distance kept only if the star's G is in Gaia's
// window [3, 21]; parallax errors log-uniform in [0.02, 1] mas; BP and RP
// errors growing with G as in DR2 (0.01 mag at G = 17, 0.1 at 20, 0.25 at
// 21), G's 0.002 mag; dust E = rate d/(1 kpc) (A_G = 2.71 E, E(BP-RP) =
// 0.85 E, E(BP-G) = 0.39 E: linearDust). It returns the stars and their
// true distances.
func mockPopulation(n int, seed uint64, rate float64) (*star.Block, []float64) {
	return mockPopulationNoisy(n, seed, rate, 1)
}

// mockPopulationNoisy is mockPopulation with BP and RP errors bandScale
// times DR2's.
func mockPopulationNoisy(n int, seed uint64, rate, bandScale float64) (*star.Block, []float64) {
	const L = 1000.0
	cmd := mock.DefaultCMD()
	rng := rand.New(rand.NewPCG(seed, 0xca1))
	var b star.Block
	var truth []float64
	for len(truth) < n {
		m, c1, c2, _ := cmd.Sample(rng)
		d := -L * math.Log(rng.Float64()*rng.Float64()*rng.Float64())
		e := rate * d / 1000
		g := m + 5*math.Log10(d/10) + 2.71*e
		if g < mock.BrightLimit || g > 21 {
			continue
		}
		sPlx := 0.02 * math.Pow(50, rng.Float64())
		sBand := bandScale * (0.004 + 0.1*math.Pow(10, 0.4*(g-20)))
		const sG = 0.002
		gObs := g + sG*rng.NormFloat64()
		bp := g + c2 + 0.39*e + sBand*rng.NormFloat64()
		rp := g + c2 - c1 + (0.39-0.85)*e + sBand*rng.NormFloat64()
		r := testStar(int64(len(truth)+1), 1000/d+sPlx*rng.NormFloat64(), sPlx, gObs, bp-rp, bp-gObs)
		foe := 2.5 / math.Ln10 / sBand
		r.GFluxOverError, r.BPFluxOverError, r.RPFluxOverError = 2.5/math.Ln10/sG, foe, foe
		b.Append(r)
		truth = append(truth, d)
	}
	return &b, truth
}

// exactQuantiles is the independent reference: star i of b's posterior
// over distance under the mock CMD convolved analytically with its colour
// noise (BP's error is in both colours) and d² exp(-d/L), integrated
// numerically over ln d (a coarse pass to find the posterior, a fine one
// over it), at the levels Phi(-1), 0.5, Phi(1); the dust of
// mockPopulation's rate at each distance.
func exactQuantiles(b *star.Block, i int, rate float64) (q16, q50, q84 float64) {
	const L, ng = 1000.0, 4000
	cmd := mock.DefaultCMD()
	mag := func(foe float64) float64 { return 2.5 / math.Ln10 / foe }
	sg, sbp, srp := mag(b.GFluxOverError[i]), mag(b.BPFluxOverError[i]), mag(b.RPFluxOverError[i])
	c11, c12, c22 := sbp*sbp+srp*srp, sbp*sbp, sbp*sbp+sg*sg
	g, bprp, bpg := b.G[i], b.BP[i]-b.RP[i], b.BP[i]-b.G[i]
	plx, sPlx := b.Parallax[i], b.ParallaxError[i]
	logPost := func(lnd float64) float64 {
		d := math.Exp(lnd)
		e := rate * d / 1000
		m := g - 5*math.Log10(d/10) - 2.71*e
		var p float64
		for _, s := range cmd.Sequences {
			x := m - s.MeanG
			y1 := bprp - 0.85*e - (s.BPRP[0] + x*(s.BPRP[1]+x*s.BPRP[2]))
			y2 := bpg - 0.39*e - (s.BPG[0] + x*(s.BPG[1]+x*s.BPG[2]))
			a11, a22 := c11+s.SigmaBPRP*s.SigmaBPRP, c22+s.SigmaBPG*s.SigmaBPG
			det := a11*a22 - c12*c12
			quad := (a22*y1*y1 - 2*c12*y1*y2 + a11*y2*y2) / det
			z := x / s.SigmaG
			p += s.Weight * math.Exp(-z*z/2-quad/2) / (s.SigmaG * math.Sqrt(det))
		}
		zp := (plx - 1000/d) / sPlx
		return 3*lnd - d/L + math.Log(p) - zp*zp/2 // d² dd = d³ d(ln d)
	}
	lp := make([]float64, ng)
	lo, hi := math.Log(1), math.Log(1e6)
	for pass := 0; pass < 2; pass++ {
		x := func(j int) float64 { return lo + (hi-lo)*(float64(j)+0.5)/ng }
		mx := math.Inf(-1)
		for j := range lp {
			lp[j] = logPost(x(j))
			mx = math.Max(mx, lp[j])
		}
		if pass == 0 {
			a, z := ng, 0
			for j := range lp {
				if lp[j]-mx > -40 {
					a, z = min(a, j), max(z, j)
				}
			}
			lo, hi = x(max(a-1, 0)), x(min(z+1, ng-1))
			continue
		}
		var tot float64
		for j := range lp {
			lp[j] = math.Exp(lp[j] - mx)
			tot += lp[j]
		}
		levels := []float64{0.15865525393145707, 0.5, 0.8413447460685429}
		q := make([]float64, 3)
		var cum float64
		k := 0
		for j := range lp {
			next := cum + lp[j]/tot
			for k < 3 && next >= levels[k] {
				// Linear within the cell [x(j) - h/2, x(j) + h/2].
				h := (hi - lo) / ng
				q[k] = math.Exp(x(j) - h/2 + h*(levels[k]-cum)/(next-cum))
				k++
			}
			cum = next
		}
		return q[0], q[1], q[2]
	}
	panic("unreachable")
}

// exactReference returns the exact quantiles of every star of b
// (exactQuantiles, dust of rate) and their coverage of the true distances,
// and fails t if that is not 68.3 % within 3 points (the binomial error of
// 3,000 stars is 0.85): then the reference itself is wrong.
func exactReference(t *testing.T, b *star.Block, truth []float64, rate float64) ([][3]float64, float64) {
	t.Helper()
	ref := make([][3]float64, len(truth))
	var in int
	for i := range ref {
		ref[i][0], ref[i][1], ref[i][2] = exactQuantiles(b, i, rate)
		if ref[i][0] <= truth[i] && truth[i] <= ref[i][2] {
			in++
		}
	}
	cov := float64(in) / float64(len(ref))
	if math.Abs(cov-0.6827) > 0.03 {
		t.Fatalf("the exact posteriors cover %.3f, want 0.683: the reference is wrong", cov)
	}
	return ref, cov
}

// againstExact is how far catalog rows are from the exact posteriors: the
// rows' coverage of the true distances, the median ratio of their [q16,
// q84] width to the exact one, the median |q50 - exact q50| in exact
// widths, and the most iterations a row ran.
type againstExact struct {
	coverage, widthRatio, offset float64
	iterations                   int32
}

// compareWithExact measures rows (source_id i+1 is star i) against the
// truth and the exact quantiles ref.
func compareWithExact(rows *Rows, truth []float64, ref [][3]float64) againstExact {
	var c againstExact
	var in int
	var ratio, off []float64
	for i := range rows.SourceID {
		j := int(rows.SourceID[i]) - 1
		if rows.DistQ16[i] <= truth[j] && truth[j] <= rows.DistQ84[i] {
			in++
		}
		w := ref[j][2] - ref[j][0]
		ratio = append(ratio, (rows.DistQ84[i]-rows.DistQ16[i])/w)
		off = append(off, math.Abs(rows.DistQ50[i]-ref[j][1])/w)
		c.iterations = max(c.iterations, rows.Iterations[i])
	}
	c.coverage, c.widthRatio, c.offset = float64(in)/float64(rows.Len()), median(ratio), median(off)
	return c
}

// TestCatalogIsCalibratedOnTheMockCMD runs the catalog with the true CMD
// on 3,000 stars drawn from it and compares each star's quantiles with its
// exact posterior's (exactQuantiles), which cover the true distance 68 % of
// the time. An estimate from a few effective samples is narrower on average
// and noisy in its median and width, and both cost coverage. Over four
// populations (seeds 1-4), with the refinement of before (below 4
// effective samples, 2 K samples): median width ratio 0.970-0.978, median
// |q50 - exact|/width 0.098-0.101, coverage 3.2-5.3 points below the
// exact; with the defaults (below 8, 4 K samples): 0.981-0.989,
// 0.065-0.068, 2.1-3.5 points (with 8 K samples: 0.986-0.993, 0.051-0.056,
// 1.5-3.0, at 1.7 times the defaults' cost on a demo sky). With the
// defaults since (32 K samples; seed 1): 0.992, 0.040, 1.5 points, against
// 0.985, 0.067, 2.1 with 4 K, which the bounds below no longer let pass
// (rows version 5, the refined colours drawn independently of the
// parallaxes: 0.992, 0.041, 0.8 points; 4 K 0.979, 0.075, 2.0).
// The catalog's quantiles are those of an importance sample, never exact:
// the test bounds how far they are.
func TestCatalogIsCalibratedOnTheMockCMD(t *testing.T) {
	const n = 3000
	b, truth := mockPopulation(n, 1, 0)
	cmd := mock.DefaultCMD()
	dens := LogProbFunc(cmd.LogProb)
	prior, err := ParsePrior("exp-decreasing:1000")
	if err != nil {
		t.Fatal(err)
	}
	run := func(cfg Config, ref [][3]float64) againstExact {
		rows := mustNew(t, cfg, dens, noDust).CatalogBlock(nil, b, nil)
		if rows.Len() != n {
			t.Fatalf("%d rows of %d stars", rows.Len(), n)
		}
		return compareWithExact(rows, truth, ref)
	}
	ref, refCov := exactReference(t, b, truth, 0)
	cfg := Config{Mode: Catalog, Seed: 2, NoParallaxOffset: true, Prior: prior}
	got := run(cfg, ref)
	old := cfg
	old.RefineK = 4 * 32
	before := run(old, ref)
	t.Logf("exact: coverage %.3f; defaults: coverage %.3f, width ratio %.3f, |q50 - exact|/width %.3f; former refinement (4 K samples): %.3f, %.3f, %.3f",
		refCov, got.coverage, got.widthRatio, got.offset, before.coverage, before.widthRatio, before.offset)
	if got.coverage < refCov-0.03 || math.Abs(got.widthRatio-1) > 0.012 || got.offset > 0.052 {
		t.Errorf("the catalog's posteriors stray from the exact ones: coverage %.3f (exact %.3f), median width ratio %.3f, median |q50 - exact|/width %.3f",
			got.coverage, refCov, got.widthRatio, got.offset)
	}
}

// TestDustPerSampleIsExact: behind dust that grows along the line of sight
// (E = 0.5 mag/kpc, A_G = 1.4 mag/kpc: a dusty disc sight line; the mock's
// cloud peaks at 0.2), each sample dereddened with the dust at its own
// distance (the default) is an importance sample of the exact posterior;
// eq. 2's dust at d_best (Config.DustAtDBest, the paper) treats the
// extinction as known at the posterior mean, which holds for precise
// parallaxes but shifts and narrows the posteriors of the others. Measured
// on 3,000 stars against exactQuantiles (coverage 68.3 %): per sample,
// median |q50 - exact|/width 0.080, width ratio 0.971, coverage 64.0 %
// (the samples' own noise, as without dust, and fewer effective samples:
// the extinction makes g change faster with distance); at d_best 0.132,
// 0.914 and 54.1 %.
func TestDustPerSampleIsExact(t *testing.T) {
	const n, rate = 3000, 0.5
	b, truth := mockPopulation(n, 5, rate)
	dens := LogProbFunc(mock.DefaultCMD().LogProb)
	prior, err := ParsePrior("exp-decreasing:1000")
	if err != nil {
		t.Fatal(err)
	}
	ref, refCov := exactReference(t, b, truth, rate)
	measure := func(cfg Config) (coverage, widthRatio, dev float64, iters int32) {
		c := compareWithExact(mustNew(t, cfg, dens, linearDust{rate: rate}).CatalogBlock(nil, b, nil), truth, ref)
		return c.coverage, c.widthRatio, c.offset, c.iterations
	}
	cfg := Config{Mode: Catalog, Seed: 6, NoParallaxOffset: true, Prior: prior}
	cov, ratio, dev, iters := measure(cfg)
	paper := cfg
	paper.DustAtDBest = true
	pcov, pratio, pdev, _ := measure(paper)
	t.Logf("exact: coverage %.3f; dust per sample: %.3f, width ratio %.3f, |q50 - exact|/width %.3f, %d iteration(s); at d_best: %.3f, %.3f, %.3f",
		refCov, cov, ratio, dev, iters, pcov, pratio, pdev)
	if iters != 1 {
		t.Errorf("dust per sample ran %d iterations, want 1 (the weights do not depend on d_best)", iters)
	}
	if cov < refCov-0.06 || math.Abs(ratio-1) > 0.04 || dev > 0.095 {
		t.Errorf("dust per sample strays from the exact posteriors: coverage %.3f (exact %.3f), width ratio %.3f, |q50 - exact|/width %.3f", cov, refCov, ratio, dev)
	}
	if pdev < 1.4*dev || pcov > cov-0.05 {
		t.Errorf("dust at d_best (|q50 - exact|/width %.3f, coverage %.3f) is about as close to the exact posteriors as dust per sample (%.3f, %.3f): the test no longer tells them apart", pdev, pcov, dev, cov)
	}
}

// TestRefinedColoursFromTheCMD: with a gridded CMD, a quarter of a refined
// star's colour draws come from the CMD's own colours at the sample's g
// (cmdColours). On stars whose BP and RP errors are three times DR2's
// (0.3 mag at G = 20, four to five times the width of the mock's
// sequences), the draws from the likelihood and from a narrowed Gaussian
// around the collapsed draws' mean put few samples on the sequence, and the
// posteriors stay too narrow; measured against the exact posteriors of the
// same CMD (exactQuantiles) on 3,000 stars, the catalog with the grid of
// the true CMD, with and without the component. The component matters
// most where a refinement has few samples: with the defaults' 32 K the two
// come within 1.5 points of each other (0.664 and 0.650, exact 0.680), so
// they are told apart at the former 4 K, and the defaults are held to the
// exact posteriors.
func TestRefinedColoursFromTheCMD(t *testing.T) {
	const n = 3000
	b, truth := mockPopulationNoisy(n, 3, 0, 3)
	cmd := mock.DefaultCMD()
	grid := analyticGrid(cmd.LogProb, [3]float64{-4, -1.5, -1}, [3]float64{17, 3.5, 2.5}, 128)
	withCMD, err := NewGridDensity(grid)
	if err != nil {
		t.Fatal(err)
	}
	if withCMD.cond.get() == nil {
		t.Fatal("NewGridDensity made no colour conditional")
	}
	without := withCMD
	without.cond = nil
	prior, err := ParsePrior("exp-decreasing:1000")
	if err != nil {
		t.Fatal(err)
	}
	ref, refCov := exactReference(t, b, truth, 0)
	cfg := Config{Mode: Catalog, Seed: 2, NoParallaxOffset: true, Prior: prior}
	measure := func(cfg Config, dens Density) (againstExact, float64) {
		rows := mustNew(t, cfg, dens, noDust).CatalogBlock(nil, b, nil)
		var refined int
		for _, f := range rows.Flags {
			if f&FlagRefined != 0 {
				refined++
			}
		}
		return compareWithExact(rows, truth, ref), float64(refined) / float64(rows.Len())
	}
	got, refined := measure(cfg, withCMD)
	few := cfg
	few.RefineK = 4 * 32
	with4, _ := measure(few, withCMD)
	old, _ := measure(few, without)
	t.Logf("exact: coverage %.3f; %.2f of the stars refined; the defaults: coverage %.3f, width ratio %.3f, |q50 - exact|/width %.3f; 4 K samples with the CMD's colours: %.3f, %.3f, %.3f; without: %.3f, %.3f, %.3f",
		refCov, refined, got.coverage, got.widthRatio, got.offset, with4.coverage, with4.widthRatio, with4.offset, old.coverage, old.widthRatio, old.offset)
	if got.coverage < refCov-0.03 || math.Abs(got.widthRatio-1) > 0.03 {
		t.Errorf("refined with the CMD's colours, the posteriors stray from the exact ones: coverage %.3f (exact %.3f), width ratio %.3f",
			got.coverage, refCov, got.widthRatio)
	}
	if old.coverage > with4.coverage-0.015 {
		t.Errorf("with 4 K samples, the coverage is %.3f without the CMD's colours and %.3f with them: the test no longer tells them apart", old.coverage, with4.coverage)
	}
}

// TestRefinedSamplesConvergeToTheExactPosterior: an importance sample's
// quantiles approach the exact posterior's as its samples grow, their
// noise falling as 1/sqrt(K), if the samples come from the proposal the
// weights correct for. A refined star draws its parallax and its colours
// each from a defensive mixture, and the weights divide by the product of
// the two mixtures, so the two components must be chosen independently
// (appendRefinedColourNoise). On 1,500 stars with three times DR2's colour
// errors and the grid of the true CMD, eight times the refined samples
// must take the refined stars' median |q50 - exact|/width down to at most
// 45 % (1/sqrt(8) is 35 %) and below 0.0095, with the median width ratio
// within 0.0025 of 1. Measured (catalog seeds 2, 3, 4): 0.0195 -> 0.0064,
// 0.0175 -> 0.0071, 0.0194 -> 0.0068, width ratios 0.9999, 1.0004,
// 0.9989. With the components chosen together, as before rows version 5:
// 0.0234 -> 0.0121, 0.0226 -> 0.0124, 0.0231 -> 0.0130, width ratios
// 1.0040, 1.0046, 1.0036 (too wide: the samples from outside the first
// estimate's intervals weighed up to eight times too much), which fail
// all three bounds.
func TestRefinedSamplesConvergeToTheExactPosterior(t *testing.T) {
	const n = 1500
	b, truth := mockPopulationNoisy(n, 3, 0, 3)
	grid := analyticGrid(mock.DefaultCMD().LogProb, [3]float64{-4, -1.5, -1}, [3]float64{17, 3.5, 2.5}, 128)
	dens, err := NewGridDensity(grid)
	if err != nil {
		t.Fatal(err)
	}
	prior, err := ParsePrior("exp-decreasing:1000")
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := exactReference(t, b, truth, 0)
	// The refined stars' median offset and width ratio at refineK samples.
	measure := func(refineK int) (offset, ratio float64) {
		cfg := Config{Mode: Catalog, Seed: 2, NoParallaxOffset: true, Prior: prior, RefineK: refineK}
		rows := mustNew(t, cfg, dens, noDust).CatalogBlock(nil, b, nil)
		var off, rat []float64
		for i, f := range rows.Flags {
			if f&FlagRefined == 0 {
				continue
			}
			j := int(rows.SourceID[i]) - 1
			w := ref[j][2] - ref[j][0]
			off = append(off, math.Abs(rows.DistQ50[i]-ref[j][1])/w)
			rat = append(rat, (rows.DistQ84[i]-rows.DistQ16[i])/w)
		}
		if len(off) < n/4 {
			t.Fatalf("%d of %d stars refined: the test needs collapsed posteriors", len(off), n)
		}
		return median(off), median(rat)
	}
	off1, _ := measure(1024)
	off8, ratio8 := measure(8192)
	t.Logf("refined stars, median |q50 - exact|/width: %.4f at 1,024 samples, %.4f at 8,192 (width ratio %.4f)", off1, off8, ratio8)
	if off8 > 0.45*off1 || off8 > 0.0095 || math.Abs(ratio8-1) > 0.0025 {
		t.Errorf("the refined quantiles do not converge to the exact ones: |q50 - exact|/width %.4f at 1,024 samples, %.4f at 8,192, width ratio %.4f",
			off1, off8, ratio8)
	}
}
