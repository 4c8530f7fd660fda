package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"gonum.org/v1/gonum/mat"
)

// mockTrainingStars prepares, for training, the paper-000 population of a
// mock sky of n stars (its Gaussian dust map, DR2-like errors, the paper's
// cuts and parallax/error >= 5), with the Estimator and the mock's true CMD.
func mockTrainingStars(t *testing.T, n int64, cfg Config) (*Estimator, *Prepared, *mock.CMD) {
	t.Helper()
	all, _ := mockSky(t, 1, n)
	cfg.Mode = Training
	e, err := New(cfg, LogProbFunc(func(_, _, _ float64) float64 { return 0 }), MapDust{Map: dust.NewExact(mock.DefaultDust())})
	if err != nil {
		t.Fatal(err)
	}
	var c Counts
	return e, e.Prepare(nil, &all, &c), mock.DefaultCMD()
}

// mockSky generates every shard of the mock sky of n stars and seed, and
// returns its stars in one block with their truth by source_id.
func mockSky(t *testing.T, seed uint64, n int64) (star.Block, map[int64]mock.Truth) {
	t.Helper()
	sky := mock.Config{Seed: seed, Stars: n}
	shards, err := mock.Shards(sky)
	if err != nil {
		t.Fatal(err)
	}
	var all star.Block
	truth := map[int64]mock.Truth{}
	for _, sh := range shards {
		b, tr, err := mock.Generate(sky, sh)
		if err != nil {
			t.Fatal(err)
		}
		all.AppendBlock(&b)
		for _, x := range tr {
			truth[x.SourceID] = x
		}
	}
	return all, truth
}

// fewSamplesFraction is the fraction of rows flagged few_samples.
func fewSamplesFraction(rows *Rows) float64 {
	var few float64
	for _, fl := range rows.Flags {
		if fl&FlagFewSamples != 0 {
			few++
		}
	}
	return few / float64(len(rows.Flags))
}

// klToTruth is KL(true CMD || f) in nats, estimated on 5000 draws of the
// mock's CMD: the independent reference is mock.CMD.LogProb.
func klToTruth(f *flow.Flow, cmd *mock.CMD) float64 {
	r := rand.New(rand.NewPCG(9, 9))
	x := mat.NewDense(5000, 3, nil)
	var truth float64
	for i := 0; i < 5000; i++ {
		g, c1, c2, _ := cmd.Sample(r)
		x.SetRow(i, []float64{g, c1, c2})
		truth += cmd.LogProb(g, c1, c2)
	}
	var model float64
	for _, v := range f.LogProb(nil, x, nil) {
		model += v
	}
	return (truth - model) / 5000
}

// TestTrainingWeightsKeepTheSampleEffective is the cause of the gap between
// the training and the held-out loss (issue 10 §1): with the paper's weight
// 1/sigma_P² alone, the weights of a Gaia-like sky span four decades (sigma_P
// is 2.17/SNR mag without dust spread, and the SNR of nearby stars runs into
// the hundreds), and the Kish effective sample of the held-out stars is about
// 1 % of them: the loss of a mini-batch, and the held-out loss, are those of
// a handful of nearby stars. The flow then fits those (KL from the true CMD
// 2.7 nats after 15 passes on 20,000 stars, the held-out loss jumping by a
// nat pass to pass). With the intrinsic width in quadrature the effective
// sample is most of the stars and the flow learns the population.
func TestTrainingWeightsKeepTheSampleEffective(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a flow for several seconds")
	}
	e, p, cmd := mockTrainingStars(t, 50000, Config{Seed: 3, MinParallaxSNR: 5})
	n := p.Len()
	t.Logf("%d training stars", n)
	var curve []Pass
	f, _, err := FitCMD(e, p, CMDFit{
		Flow:   flow.Config{Blocks: 5, Hidden: []int{64, 64}},
		Opt:    flow.Train{LR: 2e-3, Seed: 1},
		Passes: 10, Batch: 1024, HoldOut: 0.1,
		OnPass: func(p Pass) { curve = append(curve, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	held := float64(int(math.Ceil(0.1 * float64(n))))
	last := curve[len(curve)-1]
	kl := klToTruth(f, cmd)
	t.Logf("held-out effective stars %.0f of %.0f; KL %.3f nats; last pass train %.3f held-out %.3f", last.HeldOutESS, held, kl, last.TrainLoss, last.HeldOutLoss)
	if last.HeldOutESS < 0.5*held {
		t.Errorf("the held-out loss averages over %.0f effective stars of %.0f, want at least half", last.HeldOutESS, held)
	}
	if kl > 2.0 {
		t.Errorf("KL(true CMD || learned) = %.3f nats, want < 2 (3.0 with the paper's weights alone on this sky)", kl)
	}
	if gap := last.HeldOutLoss - last.TrainLoss; math.Abs(gap) > 0.3 {
		t.Errorf("held-out minus training loss %.3f nats, want within 0.3", gap)
	}

	// FitCMD returns the best pass's flow, not the last one's.
	bestLoss, bestPass := math.Inf(1), 0
	for _, pt := range curve {
		if pt.HeldOutLoss < bestLoss {
			bestLoss, bestPass = pt.HeldOutLoss, pt.Pass
		}
		if pt.Best != (pt.Pass == bestPass) {
			t.Errorf("pass %d: Best = %t, the best so far is pass %d", pt.Pass, pt.Best, bestPass)
		}
	}
	hold := p.Slice(n-int(held), n)
	var ts TrainSet
	got, _, _ := heldOutNLL(e, &hold, &ts, f, MeanPoints, nil)
	if math.Abs(got-bestLoss) > 1e-9*math.Abs(bestLoss)+1e-12 {
		t.Errorf("the returned flow's held-out loss is %.6f, the best pass's (%d) %.6f", got, bestPass, bestLoss)
	}

	// The catalog of another sky of the same population with this flow:
	// calibrated posteriors (issue 10 §3), measured against the mock's
	// true distances. The bounds are looser than the 68 ± 3 % for
	// this small, short training (the demo's population reaches 66.7 %):
	// here the pulls' median is -0.38, the learned CMD sitting too faint.
	// (Training on parallax/error >= 5 keeps the stars whose parallax
	// noise went up, a Lutz-Kelker bias; the paper's weights blur the CMD
	// instead, coverage 0.68 but a median error of 0.21 against 0.24.)
	grid, err := DistilCMD(f, 64)
	if err != nil {
		t.Fatal(err)
	}
	dens, err := NewGridDensity(grid)
	if err != nil {
		t.Fatal(err)
	}
	sky := mock.Config{Seed: 11, Stars: 20000}
	shards, err := mock.Shards(sky)
	if err != nil {
		t.Fatal(err)
	}
	ce := mustNew(t, Config{Mode: Catalog, Seed: 5}, dens, MapDust{Map: dust.NewExact(mock.DefaultDust())})
	truth := map[int64]float64{}
	var rows Rows
	for _, sh := range shards {
		b, tr, err := mock.Generate(sky, sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range tr {
			truth[x.SourceID] = x.Dist
		}
		rows.Append(ce.CatalogBlock(nil, &b, nil))
	}
	acc := CompareTruth(&rows, truth)
	few := fewSamplesFraction(&rows)
	t.Logf("catalog of %d stars: coverage %.3f, pulls %.2f / %.2f, median relative error %.3f (1/parallax %.3f), few_samples %.4f",
		acc.N, acc.Coverage68, acc.PullMedian, acc.PullSpread, acc.MedianRelErr, acc.MedianRelErrInvParallax, few)
	if acc.Coverage68 < 0.57 || acc.Coverage68 > 0.76 {
		t.Errorf("[q16, q84] covers %.3f of the true distances, want 0.57..0.76", acc.Coverage68)
	}
	if few > 0.01 {
		t.Errorf("%.4f of the posteriors rest on fewer than 2 effective samples, want under 1%%", few)
	}
	if acc.MedianRelErr > 0.6*acc.MedianRelErrInvParallax {
		t.Errorf("median relative error %.3f, want at least 40%% below 1/parallax's %.3f", acc.MedianRelErr, acc.MedianRelErrInvParallax)
	}
}

// TestPosteriorDrawFollowsTheWeights: over many rounds, the share of each
// parallax sample among a star's GDraw matches its posterior weight, and one
// round draws the same sample every time.
func TestPosteriorDrawFollowsTheWeights(t *testing.T) {
	e := mustNew(t, Config{Mode: Training, Seed: 5}, gaussG(4, 0.5), constDust{e: 0.1, hole: math.NaN()})
	p := e.Prepare(nil, blockOf(testStar(7, 0.8, 0.3, 15, 1.1, 0.5)), nil)
	var ts TrainSet
	e.Train(&ts, p)
	k := e.Config().K
	w := append([]float64(nil), e.w[:k]...)
	ext := PaperExtinction
	index := map[float64]int{}
	for j := 0; j < k; j++ {
		index[15-ext.AG*0.1+p.Mod[j]] = j
	}
	const rounds = 20000
	count := make([]float64, k)
	for r := uint64(1); r <= rounds; r++ {
		ts.Round = r
		e.Train(&ts, p)
		j, ok := index[ts.GDraw[0]]
		if !ok {
			t.Fatalf("round %d: GDraw %g is none of the star's samples", r, ts.GDraw[0])
		}
		count[j]++
	}
	var chi2, dof float64
	for j := range w {
		if exp := w[j] * rounds; exp >= 5 {
			chi2 += (count[j] - exp) * (count[j] - exp) / exp
			dof++
		}
	}
	// chi² with about dof-1 degrees of freedom: 5 sigma above its mean.
	if chi2 > dof+5*math.Sqrt(2*dof) {
		t.Errorf("draws do not follow the weights: chi2 %.1f over %.0f cells", chi2, dof)
	}
	ts.Round = 3
	e.Train(&ts, p)
	a := ts.GDraw[0]
	e.Train(&ts, p)
	if ts.GDraw[0] != a {
		t.Errorf("round 3 drew %g, then %g", a, ts.GDraw[0])
	}

	// Redraw draws from the same weights without iterating, and round r
	// of Redraw is round r of Train.
	clear(count)
	for r := uint64(1); r <= rounds; r++ {
		ts.Redraw(r)
		j, ok := index[ts.GDraw[0]]
		if !ok {
			t.Fatalf("redraw %d: GDraw %g is none of the star's samples", r, ts.GDraw[0])
		}
		count[j]++
	}
	chi2, dof = 0, 0
	for j := range w {
		if exp := w[j] * rounds; exp >= 5 {
			chi2 += (count[j] - exp) * (count[j] - exp) / exp
			dof++
		}
	}
	if chi2 > dof+5*math.Sqrt(2*dof) {
		t.Errorf("redraws do not follow the weights: chi2 %.1f over %.0f cells", chi2, dof)
	}
	ts.Redraw(3)
	if ts.GDraw[0] != a {
		t.Errorf("Redraw(3) drew %g, Train's round 3 %g", ts.GDraw[0], a)
	}
}

// TestPosteriorPointsDeconvolve: training on draws from the stars'
// posteriors (parallax samples and colour-noise draws weighted by the
// current flow, 8 fresh draws per recomputation) learns the intrinsic CMD;
// the paper's g_best points, with their observed colours, learn it blurred
// by the noise. Measured against the mock's true CMD on a 50,000-star sky
// (8,318 training stars, 10 passes): 0.44 against 1.32 nats.
func TestPosteriorPointsDeconvolve(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two flows for several seconds")
	}
	mean := smallSkyKL(t, CMDFit{})
	post := smallSkyKL(t, CMDFit{Points: PosteriorPoints, Redraws: DefaultRedraws})
	t.Logf("KL(true CMD || learned): g_best points %.3f nats, posterior draws %.3f", mean, post)
	if post > 0.7 || post > mean-0.3 {
		t.Errorf("posterior draws: KL %.3f nats, want < 0.7 and 0.3 below the g_best points' %.3f", post, mean)
	}
}

// TestGridInTheLoopLearnsTheSameCMD: recomputing the training points with
// the flow distilled to a 64³ grid at each pass (CMDFit.GridNodes) instead
// of with the flow itself learns the same CMD: on a 50,000-star sky, 10
// passes, KL 1.35 against 1.32 nats (in a quarter of the time).
func TestGridInTheLoopLearnsTheSameCMD(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two flows for several seconds")
	}
	exact, grid := smallSkyKL(t, CMDFit{}), smallSkyKL(t, CMDFit{GridNodes: DefaultTrainGridNodes})
	t.Logf("KL(true CMD || learned): points with the flow %.3f nats, with its grid %.3f", exact, grid)
	if math.Abs(grid-exact) > 0.15 {
		t.Errorf("the grid in the loop learns a KL of %.3f nats against %.3f with the flow", grid, exact)
	}
}

// smallSkyKL trains the default 5 x 64 flow for 10 passes (batch 1024) on
// the training stars of a 50,000-star mock sky, with fit's choice of points,
// redraws and grid, and returns KL(true CMD || learned) in nats.
func smallSkyKL(t *testing.T, fit CMDFit) float64 {
	t.Helper()
	e, p, cmd := mockTrainingStars(t, 50000, Config{Seed: 3, MinParallaxSNR: 5})
	fit.Flow = flow.Config{Blocks: 5, Hidden: []int{64, 64}}
	fit.Opt = flow.Train{LR: 2e-3, Seed: 1}
	fit.Passes, fit.Batch = 10, 1024
	f, _, err := FitCMD(e, p, fit)
	if err != nil {
		t.Fatal(err)
	}
	return klToTruth(f, cmd)
}
