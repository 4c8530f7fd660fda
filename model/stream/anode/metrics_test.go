package anode

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

func TestAUC(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name  string
		score []float64
		sig   []bool
		want  float64 // by hand: pairs (signal above background) + half the ties, over nS nB
	}{
		{"perfect", []float64{3, 2, 1, 0}, []bool{true, true, false, false}, 1},
		{"reversed", []float64{0, 1, 2, 3}, []bool{true, true, false, false}, 0},
		{"all tied", []float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5},
		// signal 4 beats both backgrounds, signal 2 beats background 1 and
		// loses to 3: 3/4.
		{"mixed", []float64{4, 3, 2, 1}, []bool{true, false, true, false}, 0.75},
		// signal 2 ties background 2 (1/2) and beats background 1: 1.5/2.
		{"tie", []float64{2, 2, 1}, []bool{true, false, false}, 0.75},
		// NaN ranks lowest: the signal NaN loses to the background 0.
		{"nan", []float64{nan, 0, 5}, []bool{true, false, true}, 0.5},
	} {
		if got := AUC(tc.score, tc.sig); !scalar.EqualWithinAbs(got, tc.want, 1e-15) {
			t.Errorf("%s: AUC = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAUCBruteForce compares AUC with the O(n^2) count of pairs on random
// scores with many ties.
func TestAUCBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 500
	score, sig := make([]float64, n), make([]bool, n)
	for i := range score {
		sig[i] = rng.Float64() < 0.2
		score[i] = float64(rng.IntN(40))
		if sig[i] {
			score[i] += 5
		}
	}
	var pairs float64
	ns, nb := Labels(sig)
	for i := range score {
		for j := range score {
			if sig[i] && !sig[j] {
				switch {
				case score[i] > score[j]:
					pairs++
				case score[i] == score[j]:
					pairs += 0.5
				}
			}
		}
	}
	want := pairs / float64(ns*nb)
	if got := AUC(score, sig); !scalar.EqualWithinAbs(got, want, 1e-12) {
		t.Errorf("AUC = %v, brute force %v", got, want)
	}
}

func TestMaxSIC(t *testing.T) {
	// 2 signal, 8 background. Cuts from the top: (S, B) = (1, 0), (2, 0),
	// (2, 1), (2, 2), ... With minBackground 1 the best is (2, 1):
	// 1/sqrt(1/8) = sqrt(8). With minBackground 3 it is (2, 3): 1/sqrt(3/8).
	score := []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}
	sig := []bool{true, true, false, false, false, false, false, false, false, false}
	for _, tc := range []struct {
		minB      int
		want      float64
		threshold float64
		s, b      int
	}{
		{0, math.Sqrt(8), 8, 2, 1},
		{1, math.Sqrt(8), 8, 2, 1},
		{3, math.Sqrt(8.0 / 3), 6, 2, 3},
		{8, 1, 1, 2, 8},
	} {
		got := MaxSIC(score, sig, tc.minB)
		if !scalar.EqualWithinAbs(got.Max, tc.want, 1e-14) || got.Threshold != tc.threshold || got.S != tc.s || got.B != tc.b {
			t.Errorf("minB %d: got %+v, want max %v at %v (S %d, B %d)", tc.minB, got, tc.want, tc.threshold, tc.s, tc.b)
		}
	}
	// Ties pass together: a cut at 5 keeps the signal and both backgrounds.
	got := MaxSIC([]float64{5, 5, 5, 1}, []bool{true, false, false, false}, 1)
	if want := 1 / math.Sqrt(2.0/3); !scalar.EqualWithinAbs(got.Max, want, 1e-14) || got.B != 2 {
		t.Errorf("ties: got %+v, want %v with B 2", got, want)
	}
}
