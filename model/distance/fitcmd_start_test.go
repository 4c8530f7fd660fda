package distance

import (
	"math"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"gonum.org/v1/gonum/mat"
)

// TestFitCMDStartsFromTheGivenFlow: a training given CMDFit.Start continues
// from that flow. With a learning rate too small to move any weight, its
// first pass's held-out loss and its model's distance from the true CMD
// are those of the flow it started from (within the few hundredths of a nat
// that BatchNorm's running statistics move by, which follow the batches at
// any learning rate), where a new flow trained the same way is several nats
// from both; and the flow it started from is not changed.
func TestFitCMDStartsFromTheGivenFlow(t *testing.T) {
	cmd := mock.DefaultCMD()
	e, p := trueCMDStars(t, 6000)
	arch := flow.Config{Blocks: 4, Hidden: []int{32, 32}}
	var curveA []Pass
	a, _, err := FitCMD(e, p, CMDFit{Flow: arch, Opt: flow.Train{LR: 3e-3, Seed: 1}, Passes: 6, Batch: 512,
		OnPass: func(p Pass) { curveA = append(curveA, p) }})
	if err != nil {
		t.Fatal(err)
	}
	x := mat.NewDense(200, 3, nil)
	r := keyrand.New(5, 0)
	for i := range 200 {
		g, c1, c2, _ := cmd.Sample(r)
		x.SetRow(i, []float64{g, c1, c2})
	}
	before := a.LogProb(nil, x, nil)

	still := func(start *flow.Flow) (*flow.Flow, Pass) {
		var first Pass
		f, _, err := FitCMD(e, p, CMDFit{Flow: arch, Opt: flow.Train{LR: 1e-12, Seed: 2}, Passes: 1, Batch: 512, Start: start,
			OnPass: func(p Pass) { first = p }})
		if err != nil {
			t.Fatal(err)
		}
		return f, first
	}
	cont, contPass := still(a)
	fresh, freshPass := still(nil)
	klA, klCont, klFresh := klToTruth(a, cmd), klToTruth(cont, cmd), klToTruth(fresh, cmd)
	heldA := curveA[len(curveA)-1].HeldOutLoss
	t.Logf("held-out loss: trained %.3f, continued %.3f, new %.3f; KL %.3f, %.3f, %.3f",
		heldA, contPass.HeldOutLoss, freshPass.HeldOutLoss, klA, klCont, klFresh)
	if math.Abs(contPass.HeldOutLoss-heldA) > 0.05 {
		t.Errorf("continued training's first held-out loss %.3f, want that of the flow it started from, %.3f", contPass.HeldOutLoss, heldA)
	}
	if math.Abs(klCont-klA) > 0.05 {
		t.Errorf("continued flow %.3f nats from the true CMD, want that of the flow it started from, %.3f", klCont, klA)
	}
	if !(klFresh > klA+0.5 && freshPass.HeldOutLoss > heldA+0.5) {
		t.Errorf("a new flow after the same pass: KL %.3f, held-out %.3f; want far above the trained one's (the test cannot tell a start)", klFresh, freshPass.HeldOutLoss)
	}
	for i, v := range a.LogProb(nil, x, nil) {
		if v != before[i] {
			t.Fatalf("the flow started from changed: log p %v -> %v at point %d", before[i], v, i)
		}
	}

	wrong, err := flow.New(flow.Config{D: 3, C: 1, Blocks: 2, Hidden: []int{8}}, flow.Orthogonal, keyrand.New(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = FitCMD(e, p, CMDFit{Passes: 1, Start: wrong})
	if err == nil || !strings.Contains(err.Error(), "C = 1") {
		t.Errorf("a conditioned flow to start an unconditioned training: error %v, want one naming C = 1", err)
	}
}
