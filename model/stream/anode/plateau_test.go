package anode

import (
	"math"
	"slices"
	"testing"
)

func TestPlateauRule(t *testing.T) {
	// Patience 30 steps of batches of 100 (10 an epoch of 1,000 rows),
	// MinDelta 0.1, at least 4 epochs. Falls by more than 0.1 reset the
	// count; creeping by 0.05 an epoch does not.
	p := newPlateau(Options{Patience: 30, MinDelta: 0.1, Average: 4, Batch: 100}, 1000)
	losses := []float64{5, 4, 3.95, 3.92, 3.91, 3.7, 3.68, 3.66, 3.64, 3.0}
	want := []bool{false, false, false, false, true, false, false, false, true, false}
	for e, l := range losses {
		if got := p.done(e+1, l); got != want[e] {
			t.Errorf("epoch %d (loss %g): done %v, want %v", e+1, l, got, want[e])
		}
	}
	// Never before the minimum number of epochs; NaN is no fall.
	p = newPlateau(Options{Patience: 1, MinDelta: 0, Average: 3, Batch: 512}, 1000)
	for e, want := range []bool{false, false, true} {
		if got := p.done(e+1, math.NaN()); got != want {
			t.Errorf("NaN losses, epoch %d: done %v, want %v", e+1, got, want)
		}
	}
	// Without patience, never.
	p = newPlateau(Options{Batch: 10}, 1000)
	for e := range 100 {
		if p.done(e+1, 1) {
			t.Fatal("stopped without patience")
		}
	}
}

// TestPatienceStopsTheCRFlow trains the CR flow of a clump patch with a
// patience that must fire long before the last epoch, and checks the
// stopping epoch against the rule written out on the held-out losses the
// hook saw, the App. A bookkeeping on the epochs trained, and that the clump
// is still found.
func TestPatienceStopsTheCRFlow(t *testing.T) {
	p, sig := clumpPatch(8000, 100, 3)
	w := Window{Lo: -2, Hi: 2}
	for _, m := range []Method{ANODE, Cathode} {
		t.Run(m.String(), func(t *testing.T) {
			opt := smallOptions()
			if m == Cathode {
				opt = cathodeOptions()
			}
			opt.Epochs, opt.Patience, opt.MinDelta = 80, 60, 0.01
			var held []float64
			var srHeld []float64
			opt.OnEpoch = func(e Epoch) error {
				if e.Model == CRModel {
					held = append(held, e.HeldOutLoss)
				} else {
					srHeld = append(srHeld, e.HeldOutLoss)
				}
				return nil
			}
			res, err := Score(p, w, opt)
			if err != nil {
				t.Fatal(err)
			}
			// The rule, written out: the first epoch e >= Average after
			// which Patience steps (batches of the CR stars not held out) have passed without a loss below, by
			// MinDelta, the loss of the last epoch that was.
			train := res.CRStars - res.CRHeldOut
			if h := float64(res.CRHeldOut) / float64(res.CRStars); h < 0.08 || h > 0.12 {
				t.Errorf("%d of %d CR stars held out, want about a tenth", res.CRHeldOut, res.CRStars)
			}
			steps := (train + opt.Batch - 1) / opt.Batch
			want := opt.Epochs
			mark, since := math.Inf(1), 0
			for e, l := range held {
				if l < mark-opt.MinDelta {
					mark, since = l, 0
				} else {
					since += steps
				}
				if since >= opt.Patience && e+1 >= opt.Average {
					want = e + 1
					break
				}
			}
			t.Logf("%v: CR stopped after %d of %d epochs, held-out losses %.3f", m, res.CREpochs, opt.Epochs, held)
			if res.CREpochs != want || len(held) != want || want >= opt.Epochs {
				t.Fatalf("CR epochs %d, hook saw %d, rule says %d (of %d)", res.CREpochs, len(held), want, opt.Epochs)
			}
			if slices.ContainsFunc(held, math.IsNaN) {
				t.Errorf("CR held-out losses %v: NaN", held)
			}
			if m == ANODE && (len(srHeld) != opt.Epochs || !math.IsNaN(srHeld[0])) {
				t.Errorf("SR flow: %d epochs, held-out loss %v: it trains every epoch on every star", len(srHeld), srHeld[:1])
			}
			if m == ANODE && (len(res.Spread) != res.CREpochs || res.CREpoch < opt.Average || res.CREpoch > res.CREpochs) {
				t.Errorf("spread of %d windows, CR window ends %d", len(res.Spread), res.CREpoch)
			}
			s := make([]bool, len(res.Members))
			for k, i := range res.Members {
				s[k] = sig[i]
			}
			if auc := AUC(res.LogR, s); auc < 0.95 {
				t.Errorf("AUC %.4f with the early stop, want > 0.95", auc)
			}
		})
	}
}

// TestPatienceDoesNotDependOnWorkers: the held-out split and the stopping
// epoch come from the seeds, not from the goroutines.
func TestPatienceDoesNotDependOnWorkers(t *testing.T) {
	p, _ := clumpPatch(3000, 30, 6)
	w := Window{Lo: -2, Hi: 2}
	for _, m := range []Method{ANODE, Cathode} {
		opt := smallOptions()
		opt.Method, opt.Epochs, opt.Patience, opt.MinDelta = m, 40, 40, 0.01
		opt.Cathode = CathodeOptions{Epochs: 4, Average: 2}
		var res [2]*Result
		for k, workers := range []int{1, 2} {
			opt.Workers = workers
			r, err := Score(p, w, opt)
			if err != nil {
				t.Fatal(err)
			}
			res[k] = r
		}
		if res[0].CREpochs != res[1].CREpochs || !slices.Equal(res[0].LogR, res[1].LogR) {
			t.Errorf("%v: workers 1 and 2 give %d and %d CR epochs, log R equal %v", m,
				res[0].CREpochs, res[1].CREpochs, slices.Equal(res[0].LogR, res[1].LogR))
		}
	}
}

func TestPatienceOptionsAreChecked(t *testing.T) {
	p, _ := clumpPatch(500, 0, 7)
	for _, opt := range []Options{
		{Patience: -1},
		{Patience: 2, HoldOut: 1},
		{Patience: 2, HoldOut: -0.1},
		{Patience: 2, MinDelta: -1},
		{Patience: 2, MinDelta: math.Inf(1)},
		{Patience: 2, HoldOut: math.NaN()},
	} {
		o := smallOptions()
		o.Patience, o.HoldOut, o.MinDelta = opt.Patience, opt.HoldOut, opt.MinDelta
		if _, err := Score(p, Window{Lo: -2, Hi: 2}, o); err == nil {
			t.Errorf("patience %d, held-out share %g, min delta %g: no error", opt.Patience, opt.HoldOut, opt.MinDelta)
		}
	}
}

// TestTrimmedLoss: a few held-out stars far in a tail (log p of -Inf, NaN or
// -1e6) do not move the held-out loss; more than 1 % of them do.
func TestTrimmedLoss(t *testing.T) {
	lp := make([]float64, 1000)
	for i := range lp {
		lp[i] = -float64(i%10) / 10 // mean -0.45
	}
	bad := slices.Clone(lp)
	bad[3], bad[500], bad[999] = math.Inf(-1), math.NaN(), -1e6
	// Written out: the 997 good values, the 7 lowest dropped with the 3
	// outliers (10 = 1 % of 1000), the mean of the other 990.
	var good []float64
	for i, v := range lp {
		if i != 3 && i != 500 && i != 999 {
			good = append(good, v)
		}
	}
	slices.Sort(good)
	want := 0.0
	for _, v := range good[7:] {
		want -= v
	}
	want /= 990
	got := trimmedLoss(bad)
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("with 3 outliers: %v, want %v", got, want)
	}
	for i := range 11 {
		bad[i*7] = math.Inf(-1)
	}
	if got := trimmedLoss(bad); !math.IsInf(got, 1) {
		t.Errorf("with 1.4 %% of the stars at -Inf: %v, want +Inf", got)
	}
}
