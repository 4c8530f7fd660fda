package anode

import "testing"

// TestAnatomyByHand: six stars, ranked by R: an outlier in mu_phi* at the
// edge, then signal stars in the window, then background.
func TestAnatomyByHand(t *testing.T) {
	p := &Patch{
		Phi:    []float64{0, 0, 0.5, -0.5, 0.2, 3},
		Lambda: []float64{0, 0.1, 0.2, 0.3, 0.4, 3},
		PMPhi:  []float64{-5, -5.5, -4.5, 0, -5, 30},
	}
	p.PMLambda = make([]float64, 6)
	res := &Result{Members: []int{5, 0, 1, 2, 3, 4}, LogR: []float64{9, 5, 4, 1, 2, 0}}
	signal := []bool{false, true, true, false, false, true} // stars 0, 1, 4
	a := Anatomy(p, res, signal, 2, -5, 1, 10, 0.1)
	// Top 2 by R: star 5 (outlier, at the edge: phi and lambda 3 are the
	// maxima), star 0 (phi 0 is not within 0.1 of -0.5 or 3; lambda 0 is
	// the minimum: edge).
	if a.PMTail != 1 || a.Edge != 2 {
		t.Errorf("tail %d, edge %d; want 1, 2", a.PMTail, a.Edge)
	}
	// Window mu_phi* in [-6, -4]: stars 0, 1, 2, 4 (R order 0, 1, 2(log 1), 4(0)); signal 0, 1, 4.
	if a.WindowStars != 4 || a.WindowSignal != 3 || a.Hit != 2 || a.Expected != 1.5 {
		t.Errorf("window: %+v", a)
	}
}
