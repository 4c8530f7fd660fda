package distance

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// TestHeldOutScoreFloorsOverflowedPoints: a held-out point where the flow's
// log-density overflowed (NaN, -Inf, or finite far below the grid's floor)
// is scored at the floor, as the catalog's grid scores it, and counted,
// instead of making the pass's loss NaN or 7e16 nats (the 35 x 500 flow on
// a 200,000-star sky: one or two such points of 1,677 from the second pass
// on, so that no pass joined the average).
func TestHeldOutScoreFloorsOverflowedPoints(t *testing.T) {
	lp := []float64{-1, math.NaN(), 0.5, math.Inf(-1), 2, -1e20, flow.DefaultGridFloor}
	wt := []float64{1, 0.05, 2, 0.3, 1, 0.2, 0.1}
	nll, ess, floored := heldOutScore(lp, wt)
	f := -float64(flow.DefaultGridFloor)
	sw := 1 + 0.05 + 2 + 0.3 + 1 + 0.2 + 0.1
	want := (1 - 2*0.5 - 2 + (0.05+0.3+0.2+0.1)*f) / sw
	if math.Abs(nll-want) > 1e-12 {
		t.Errorf("held-out loss %v, want %v", nll, want)
	}
	if w := sw * sw / (1 + 0.05*0.05 + 4 + 0.09 + 1 + 0.04 + 0.01); math.Abs(ess-w) > 1e-12 {
		t.Errorf("effective number %v, want %v", ess, w)
	}
	if floored != 3 {
		t.Errorf("%d points floored, want 3 (NaN, -Inf, -1e20; the floor itself is not below it)", floored)
	}
	if nll, _, _ := heldOutScore(nil, nil); !math.IsNaN(nll) {
		t.Errorf("no point: loss %v, want NaN", nll)
	}
}
