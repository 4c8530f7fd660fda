package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// TestSamplePointsAreTheWeightedSamples: with CMDFit.AllSamples a star's
// points are its samples at or above MinSampleWeight, each weighted by the
// star's loss weight times its posterior weight; a star off the density's
// support gives none; the order is shuffled, the set is not.
func TestSamplePointsAreTheWeightedSamples(t *testing.T) {
	ts := &TrainSet{K: 3,
		SampleG:    []float64{1, 2, 3, 4, 5, 6, 7, 8, 9},
		SampleBPRP: []float64{10, 20, 30, 40, 50, 60, 70, 80, 90},
		SampleBPG:  []float64{-1, -2, -3, -4, -5, -6, -7, -8, -9},
		SampleW:    []float64{0.7, 0.2995, 0.0005, 0.5, 0.5, 0, 0.2, 0.3, 0.5},
		Weight:     []float64{2, 3, 5},
		Flags:      []Flag{0, FlagOffCMD, 0},
	}
	x, w := samplePoints(ts, nil, nil, rand.New(rand.NewPCG(1, 2)))
	want := map[float64][3]float64{ // by g: bp-rp, bp-g, weight
		1: {10, -1, 2 * 0.7}, 2: {20, -2, 2 * 0.2995},
		7: {70, -7, 5 * 0.2}, 8: {80, -8, 5 * 0.3}, 9: {90, -9, 5 * 0.5},
	}
	if len(w) != len(want) || len(x) != 3*len(want) {
		t.Fatalf("%d points (%d values), want %d", len(w), len(x), len(want))
	}
	inOrder := true
	for i := range w {
		g := x[3*i]
		p, ok := want[g]
		if !ok || x[3*i+1] != p[0] || x[3*i+2] != p[1] || math.Abs(w[i]-p[2]) > 1e-15 {
			t.Errorf("point %d: (%v, %v, %v) weight %v; want one of %v", i, g, x[3*i+1], x[3*i+2], w[i], want)
		}
		delete(want, g)
		if i > 0 && g < x[3*(i-1)] {
			inOrder = false
		}
	}
	if inOrder {
		t.Error("the points are in the stars' order: not shuffled")
	}
}

// TestFitCMDAllSamples: a training on all samples runs, takes more Adam steps
// than one on draws (a star gives several points), and is refused with the
// paper's mean points.
func TestFitCMDAllSamples(t *testing.T) {
	e, p := trueCMDStars(t, 3000)
	steps := func(all bool) int {
		_, curve, err := FitCMD(e, p, CMDFit{Flow: flow.Config{Blocks: 2, Hidden: []int{16}}, Opt: flow.Train{LR: 1e-3, Seed: 1},
			Passes: 2, Batch: 512, Points: PosteriorPoints, Redraws: 1, AllSamples: all})
		if err != nil {
			t.Fatal(err)
		}
		if h := curve[len(curve)-1].HeldOutLoss; math.IsNaN(h) || math.IsInf(h, 0) {
			t.Fatalf("all samples %v: held-out loss %v", all, h)
		}
		return curve[len(curve)-1].Steps
	}
	if a, d := steps(true), steps(false); !(a > d) {
		t.Errorf("%d Adam steps on all samples, %d on draws: want more", a, d)
	}
	if _, _, err := FitCMD(e, p, CMDFit{Passes: 1, Points: MeanPoints, AllSamples: true}); err == nil {
		t.Error("all samples with mean points: no error")
	}
}
