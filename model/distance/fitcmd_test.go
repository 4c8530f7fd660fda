package distance

import (
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// TestFitCMDLearnsTheTrueCMD trains on stars drawn from the mock's exact
// colour-magnitude density with noisy parallaxes (no dust), and measures the
// KL divergence of the learned density from the true one on true samples:
// the independent reference is mock.CMD.LogProb.
func TestFitCMDLearnsTheTrueCMD(t *testing.T) {
	cmd := mock.DefaultCMD()
	e, p := trueCMDStars(t, 12000)
	var curve []Pass
	f, _, err := FitCMD(e, p, CMDFit{
		Flow:   flow.Config{Blocks: 5, Hidden: []int{48, 48}},
		Opt:    flow.Train{LR: 3e-3, Seed: 1},
		Passes: 12, Batch: 512,
		OnPass: func(p Pass) { curve = append(curve, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	got := klToTruth(f, cmd)
	t.Logf("KL(true || learned) = %.3f nats; held-out NLL by pass: first %.3f, last %.3f", got, curve[0].HeldOutLoss, curve[len(curve)-1].HeldOutLoss)
	if !(got < 1.0) {
		t.Errorf("KL divergence %.3f nats, want < 1", got)
	}
	if !(curve[len(curve)-1].HeldOutLoss < curve[0].HeldOutLoss) {
		t.Errorf("held-out loss did not fall: %+v", curve)
	}
}

// trueCMDStars prepares n stars drawn from the mock's exact
// colour-magnitude density at 200-2,000 pc with parallax errors of
// 0.02-0.05 mas and no dust, and a Training-mode Estimator for them.
func trueCMDStars(t *testing.T, n int) (*Estimator, *Prepared) {
	t.Helper()
	cmd := mock.DefaultCMD()
	rng := rand.New(rand.NewPCG(7, 8))
	var b star.Block
	for i := 0; i < n; i++ {
		g, bprp, bpg, _ := cmd.Sample(rng)
		d := 200 + 1800*rng.Float64() // pc
		sig := 0.02 + 0.03*rng.Float64()
		b.Append(starAt(int64(i), g, bprp, bpg, d, sig, rng))
	}
	e, err := New(Config{Mode: Training, Seed: 3, NoParallaxOffset: true}, LogProbFunc(func(_, _, _ float64) float64 { return 0 }), constDust{})
	if err != nil {
		t.Fatal(err)
	}
	var c Counts
	p := e.Prepare(nil, &b, &c)
	if p.Len() != n {
		t.Fatalf("prepared %d of %d (cuts %v)", p.Len(), n, c.Cut)
	}
	return e, p
}
