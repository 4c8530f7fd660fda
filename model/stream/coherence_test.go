package stream

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitPMTrackSeparatesAStream: 60 stream stars whose proper motions
// follow a track with a slope (mu = (-3, 2) + (0.1, -0.05) t, 0.3 mas/yr
// scatter) among 180 background stars uniform over a 6 x 6 mas/yr window,
// as a candidate's line collects them: the fit recovers the track and
// classifies at p >= 0.5 with purity and completeness above 0.85.
func TestFitPMTrackSeparatesAStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	var stars []PMStar
	var truth []bool
	for i := 0; i < 240; i++ {
		tt := -10 + 20*rng.Float64()
		s := PMStar{T: tt, WindowArea: 36}
		if i < 60 {
			s.PMPhi = -3 + 0.1*tt + 0.3*rng.NormFloat64()
			s.PMLambda = 2 - 0.05*tt + 0.3*rng.NormFloat64()
		} else {
			s.PMPhi = -5 + 6*rng.Float64()
			s.PMLambda = -1 + 6*rng.Float64()
		}
		stars = append(stars, s)
		truth = append(truth, i < 60)
	}
	tr, p, ok := FitPMTrack(stars, nil)
	if !ok {
		t.Fatal("no fit")
	}
	t.Logf("track %+v", tr)
	if math.Abs(tr.A[0]+3) > 0.15 || math.Abs(tr.A[1]-2) > 0.15 || math.Abs(tr.B[0]-0.1) > 0.03 || math.Abs(tr.B[1]+0.05) > 0.03 ||
		math.Abs(tr.S-0.3) > 0.08 || math.Abs(tr.F-0.25) > 0.08 {
		t.Errorf("track %+v, want A (-3, 2), B (0.1, -0.05), S 0.3, F 0.25", tr)
	}
	var sel, hit int
	for i := range p {
		if p[i] >= 0.5 {
			sel++
			if truth[i] {
				hit++
			}
		}
	}
	if pur, comp := float64(hit)/float64(sel), float64(hit)/60; pur < 0.85 || comp < 0.85 {
		t.Errorf("p >= 0.5: purity %.2f, completeness %.2f", pur, comp)
	}
}

// TestFitPMTrackOfTooFewOrNoStream: fewer than five stars are not fitted
// (every p 1); pure background leaves no one confidently in a stream of
// more than a handful.
func TestFitPMTrackOfTooFewOrNoStream(t *testing.T) {
	_, p, ok := FitPMTrack([]PMStar{{}, {}, {}}, nil)
	if ok || len(p) != 3 || p[0] != 1 {
		t.Errorf("three stars: ok %v, p %v", ok, p)
	}
	rng := rand.New(rand.NewPCG(8, 1))
	var stars []PMStar
	for i := 0; i < 200; i++ {
		stars = append(stars, PMStar{T: -10 + 20*rng.Float64(), PMPhi: 6 * rng.Float64(), PMLambda: 6 * rng.Float64(), WindowArea: 36})
	}
	_, p, _ = FitPMTrack(stars, nil)
	n := 0
	for _, v := range p {
		if v >= 0.5 {
			n++
		}
	}
	if n > 20 {
		t.Errorf("%d of 200 background stars given p >= 0.5", n)
	}
}
