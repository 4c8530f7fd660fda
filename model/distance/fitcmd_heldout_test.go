package distance

import (
	"math"
	"testing"
)

// TestHeldOutScoreLeavesOutNonFinitePoints: a point where the flow's
// log-density overflowed (NaN, or ±Inf) is counted and left out of the
// held-out loss and its effective number, instead of making the whole pass's
// loss NaN (the 35 x 500 flow on a 200,000-star sky: 2 such points of 1,677
// made every pass from the sixth NaN, so none joined the average).
func TestHeldOutScoreLeavesOutNonFinitePoints(t *testing.T) {
	lp := []float64{-1, math.NaN(), 0.5, math.Inf(-1), 2, math.Inf(1)}
	wt := []float64{1, 0.05, 2, 0.3, 1, 0.2}
	nll, ess, left := heldOutScore(lp, wt)
	// The finite points: -(1×-1 + 2×0.5 + 1×2)/4 = -0.5; ESS 4²/6.
	if want := -0.5; math.Abs(nll-want) > 1e-15 {
		t.Errorf("held-out loss %v, want %v", nll, want)
	}
	if want := 16.0 / 6; math.Abs(ess-want) > 1e-12 {
		t.Errorf("effective number %v, want %v", ess, want)
	}
	if left != 3 {
		t.Errorf("%d points left out, want 3", left)
	}

	nll, ess, left = heldOutScore([]float64{math.NaN(), math.Inf(-1)}, []float64{1, 1})
	if !math.IsNaN(nll) || ess != 0 || left != 2 {
		t.Errorf("no finite point: loss %v, effective number %v, %d left out; want NaN, 0, 2", nll, ess, left)
	}
	if averageOutlier(nll, []float64{0.1, 0.1, 0.1}) != true {
		t.Error("a pass without a finite held-out point joins the average")
	}
}
