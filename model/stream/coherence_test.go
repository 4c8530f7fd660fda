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
		math.Abs(tr.S-0.3) > 0.08 || math.Abs(tr.F[0]-0.25) > 0.08 {
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

// TestFitPMTrackDeconvolvesErrors: a stream of intrinsic width 0.2 mas/yr
// whose 40 bright stars are measured to 0.1 mas/yr and 40 faint ones to 1.2
// (a distant stream's turn-off and main sequence in Gaia), among 200
// background stars uniform over a 6 x 6 mas/yr window. With the errors the
// fit recovers the intrinsic width and keeps more faint members than told
// no errors (which widens the track and still loses them). A faint star's
// error spreads it over a quarter of the window, so most of them cannot be
// told from the background at all: 0.23 of them are kept, against 0.10.
func TestFitPMTrackDeconvolvesErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 3))
	var stars []PMStar
	faint := func(i int) bool { return i >= 40 && i < 80 }
	for i := 0; i < 280; i++ {
		tt := -10 + 20*rng.Float64()
		s := PMStar{T: tt, WindowArea: 36, PMError: 0.1}
		if faint(i) {
			s.PMError = 1.2
		}
		if i < 80 {
			e := math.Hypot(0.2, s.PMError)
			s.PMPhi = -3 + 0.05*tt + e*rng.NormFloat64()
			s.PMLambda = 2 + e*rng.NormFloat64()
		} else {
			s.PMPhi = -6 + 6*rng.Float64()
			s.PMLambda = -1 + 6*rng.Float64()
			s.PMError = 0.1 + 1.1*rng.Float64()
		}
		stars = append(stars, s)
	}
	score := func(stars []PMStar) (PMTrack, float64, float64) {
		tr, p, ok := FitPMTrack(stars, nil)
		if !ok {
			t.Fatal("no fit")
		}
		var sel, hit, faintHit int
		for i := range p {
			if p[i] >= 0.5 {
				sel++
				if i < 80 {
					hit++
				}
				if faint(i) {
					faintHit++
				}
			}
		}
		return tr, float64(hit) / float64(sel), float64(faintHit) / 40
	}
	tr, pur, comp := score(stars)
	blind := make([]PMStar, len(stars))
	for i, s := range stars {
		s.PMError = 0
		blind[i] = s
	}
	trB, purB, compB := score(blind)
	t.Logf("with errors: S %.3f, purity %.2f, faint completeness %.2f; without: S %.3f, %.2f, %.2f", tr.S, pur, comp, trB.S, purB, compB)
	if math.Abs(tr.S-0.2) > 0.1 || pur < 0.75 {
		t.Errorf("with errors: S %.3f (want 0.2), purity %.2f, faint completeness %.2f", tr.S, pur, comp)
	}
	if comp < compB+0.05 {
		t.Errorf("faint completeness %.2f with errors, %.2f without", comp, compB)
	}
}
