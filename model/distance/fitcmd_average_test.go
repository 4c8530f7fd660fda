package distance

import (
	"math"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
)

// TestAveragedFlowIsStableAcrossSeeds trains the CMD as traincmd does by
// default on a 60,000-star paper-000 sky with three seeds and compares
// the model FitCMD returns, the mean of the last 30 passes' flows, with
// the flow of the pass with the best held-out loss (captured from the
// same runs): the average must land nearer the true CMD on the mean over
// the seeds and for the worst seed (here KL 0.108-0.122 against
// 0.125-0.135; 0.112-0.124 against 0.121-0.143 before the grid
// proposals, when the test asked for a smaller spread between the seeds,
// which with three seeds moved more with the seeds than with the model:
// 0.014 against 0.010 with the grid proposals, 0.012 against 0.022
// before). Each averaged flow must also be within 0.16 nats of
// the true CMD: with the posterior points weighted by the dust terms alone
// (before posteriorWeight took the photometric noise in) they were
// 0.196-0.212 on this sky.
func TestAveragedFlowIsStableAcrossSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three CMD flows on a 60,000-star mock sky")
	}
	s := newSelectionSky(t, 60000)
	survey := SmallestSurvey(slices.Clone(s.survey), 20000)
	cmd := mock.DefaultCMD()
	var avgKL, bestKL []float64
	for _, seed := range []uint64{0, 1, 2} {
		var best *flow.Flow
		fit := traincmdFit(seed, survey)
		fit.OnPass = func(p Pass) {
			if p.Best {
				best = p.Flow.Clone()
			}
		}
		f, _, err := FitCMD(s.e, s.prep, fit)
		if err != nil {
			t.Fatal(err)
		}
		avgKL, bestKL = append(avgKL, klToTruth(f, cmd)), append(bestKL, klToTruth(best, cmd))
		t.Logf("seed %d: KL %.3f averaged, %.3f best pass (%s)", seed, avgKL[len(avgKL)-1], bestKL[len(bestKL)-1], f.Meta.Notes["kept"])
	}
	for i, kl := range avgKL {
		if !(kl < 0.16) {
			t.Errorf("seed %d: KL %.3f nats from the true CMD, want < 0.16", i, kl)
		}
	}
	mean := func(v []float64) float64 { return (v[0] + v[1] + v[2]) / 3 }
	if !(mean(avgKL) < mean(bestKL)) {
		t.Errorf("mean KL over the seeds %.3f averaged, want below the best pass's %.3f", mean(avgKL), mean(bestKL))
	}
	if !(slices.Max(avgKL) < slices.Max(bestKL)) {
		t.Errorf("worst seed's KL %.3f averaged, want below the best pass's %.3f", slices.Max(avgKL), slices.Max(bestKL))
	}
}

// TestAverageLeavesOutSpikes: the held-out losses of seed 1 of the
// 60,000-star sky with adapted proposals, passes 49-59, where pass 58's flow
// (KL 2.65 against 0.18-0.38) had taken the mean of passes 31-60 from KL 0.20
// to 0.63; ordinary pass-to-pass noise stays in.
func TestAverageLeavesOutSpikes(t *testing.T) {
	held := []float64{0.0569, 0.0404, 0.0282, 0.0271, 0.0320, 0.0856, 0.0742, 0.1008, 0.0039, 2.1808, 0.3644}
	var out []int
	for i := 2; i < len(held); i++ {
		if averageOutlier(held[i], held[:i]) {
			out = append(out, 49+i)
		}
	}
	if want := []int{58, 59}; !slices.Equal(out, want) {
		t.Errorf("left out passes %v, want %v", out, want)
	}
	if !averageOutlier(math.NaN(), held[:5]) {
		t.Error("a NaN held-out loss joins the average")
	}
	if averageOutlier(5, held[:2]) {
		t.Error("an outlier judged on fewer than three passes")
	}
}

// TestFinalLRLowersTheRateOverTheAverage: with CMDFit.FinalLRFraction the passes
// before the averaged ones keep Opt.LR, and over the averaged ones the
// rate falls linearly from Opt.LR to FinalLRFraction × Opt.LR.
func TestFinalLRLowersTheRateOverTheAverage(t *testing.T) {
	e, p := trueCMDStars(t, 3000)
	var lrs []float64
	_, _, err := FitCMD(e, p, CMDFit{
		Flow: flow.Config{Blocks: 2, Hidden: []int{16, 16}},
		Opt:  flow.Train{LR: 2e-3, Seed: 1}, Passes: 7, Average: 5, FinalLRFraction: 0.2, Batch: 1024,
		OnPass: func(p Pass) { lrs = append(lrs, p.LR) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2e-3, 2e-3, 2e-3, 1.6e-3, 1.2e-3, 0.8e-3, 0.4e-3}
	for i, w := range want {
		if math.Abs(lrs[i]-w) > 1e-12 {
			t.Fatalf("learning rates by pass %v, want %v", lrs, want)
		}
	}
}
