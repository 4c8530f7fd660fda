package distance

import (
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
// the seeds and spread less from seed to seed (here KL 0.221-0.238
// against 0.252-0.296; on the sky of `gaiaflow simulate --stars 60000`
// through traincmd, 0.226-0.230 against 0.230-0.297).
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
		f, _, err := FitCMD(s.e, s.prep, CMDFit{Flow: flow.Config{Blocks: 5, Hidden: []int{64, 64}},
			Opt: flow.Train{LR: 2e-3, Seed: seed}, Passes: DefaultPasses, Average: DefaultAveragePasses,
			Batch: 1024, GridNodes: DefaultTrainGridNodes, Points: DefaultPoints, Redraws: DefaultRedraws, Survey: survey,
			OnPass: func(p Pass) {
				if p.Best {
					best = p.Flow.Clone()
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		avgKL, bestKL = append(avgKL, klToTruth(f, cmd)), append(bestKL, klToTruth(best, cmd))
		t.Logf("seed %d: KL %.3f averaged, %.3f best pass (%s)", seed, avgKL[len(avgKL)-1], bestKL[len(bestKL)-1], f.Meta.Notes["kept"])
	}
	mean := func(v []float64) float64 { return (v[0] + v[1] + v[2]) / 3 }
	spread := func(v []float64) float64 { return slices.Max(v) - slices.Min(v) }
	if !(mean(avgKL) < mean(bestKL)) {
		t.Errorf("mean KL over the seeds %.3f averaged, want below the best pass's %.3f", mean(avgKL), mean(bestKL))
	}
	if !(spread(avgKL) < spread(bestKL)) {
		t.Errorf("KL spread over the seeds %.3f averaged, want below the best pass's %.3f", spread(avgKL), spread(bestKL))
	}
}
