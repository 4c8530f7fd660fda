package anode

import (
	"fmt"
	"math"
	"slices"
)

// SIC is the best point of a significance improvement characteristic: over
// the cuts score >= t, the largest eps_S / sqrt(eps_B), where eps_S and eps_B
// are the fractions of signal and background stars passing (Shih et al. 2022
// sec. 3.2, Fig. 4).
type SIC struct {
	Max        float64 // eps_S / sqrt(eps_B) at the best cut; 0 if no cut qualifies
	Threshold  float64 // the best cut keeps score >= Threshold
	EffS, EffB float64 // eps_S and eps_B there
	S, B       int     // signal and background stars passing it
}

// Labels counts the signal and background stars of labels.
func Labels(signal []bool) (s, b int) {
	for _, v := range signal {
		if v {
			s++
		}
	}
	return s, len(signal) - s
}

// rankDesc returns the indices of score in descending order of score; NaN
// scores go last.
func rankDesc(score []float64) []int {
	order := make([]int, len(score))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := score[a], score[b]
		switch {
		case x == y || math.IsNaN(x) && math.IsNaN(y):
			return 0
		case math.IsNaN(x):
			return 1
		case math.IsNaN(y):
			return -1
		case x > y:
			return -1
		}
		return 1
	})
	return order
}

// MaxSIC returns the best significance improvement over the cuts score >= t
// at every distinct score t whose cut keeps at least minBackground
// background stars (the cuts keeping fewer are too noisy to mean anything:
// with 1 background star eps_S/sqrt(eps_B) can reach sqrt(N_B)). Stars with
// equal scores pass or fail together; a NaN score never passes. It panics
// if the lengths differ, or if there is no signal or no background star.
func MaxSIC(score []float64, signal []bool, minBackground int) SIC {
	if len(score) != len(signal) {
		panic(fmt.Sprintf("anode: MaxSIC: %d scores and %d labels", len(score), len(signal)))
	}
	ns, nb := Labels(signal)
	if ns == 0 || nb == 0 {
		panic("anode: MaxSIC: need both signal and background stars")
	}
	order := rankDesc(score)
	var best SIC
	s, b := 0, 0
	for k, i := range order {
		if math.IsNaN(score[i]) {
			break
		}
		if signal[i] {
			s++
		} else {
			b++
		}
		if k+1 < len(order) && score[order[k+1]] == score[i] {
			continue // the cut falls between distinct scores only
		}
		if b < max(minBackground, 1) {
			continue
		}
		es, eb := float64(s)/float64(ns), float64(b)/float64(nb)
		if v := es / math.Sqrt(eb); v > best.Max {
			best = SIC{Max: v, Threshold: score[i], EffS: es, EffB: eb, S: s, B: b}
		}
	}
	return best
}

// AUC returns the area under the ROC curve of score as a classifier of
// signal: the probability that a random signal star scores above a random
// background star, ties counting one half (the Mann-Whitney statistic). NaN
// scores rank lowest. It panics as MaxSIC does.
func AUC(score []float64, signal []bool) float64 {
	if len(score) != len(signal) {
		panic(fmt.Sprintf("anode: AUC: %d scores and %d labels", len(score), len(signal)))
	}
	ns, nb := Labels(signal)
	if ns == 0 || nb == 0 {
		panic("anode: AUC: need both signal and background stars")
	}
	order := rankDesc(score)
	// Walk groups of equal scores from the top: each background star of a
	// group is beaten by the signal stars above it and ties with those in it.
	above, sum := 0, 0.0
	for a := 0; a < len(order); {
		b := a + 1
		for b < len(order) && sameScore(score[order[b]], score[order[a]]) {
			b++
		}
		gs, gb := 0, 0
		for _, i := range order[a:b] {
			if signal[i] {
				gs++
			} else {
				gb++
			}
		}
		sum += float64(gb) * (float64(above) + 0.5*float64(gs))
		above += gs
		a = b
	}
	return sum / (float64(ns) * float64(nb))
}

func sameScore(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
