package anode

import "math"

// TopAnatomy says where the highest-R stars of a search region lie: how
// many are proper-motion outliers, how many sit at the edge of the patch,
// and how the ranking does inside the signal's own mu_phi* window, where a
// region of interest would look. It answers whether R ranks the stars by
// the stream or by where the two flows' densities are poorly known.
type TopAnatomy struct {
	K int // the top-R list's length

	// PMTail counts the top K whose mu_phi* is more than PMTailCut from
	// CentrePMPhi; Edge those within EdgeCut degrees of the region's
	// extent in phi or lambda.
	PMTail, Edge       int
	PMTailCut, EdgeCut float64
	CentrePMPhi        float64

	// Inside mu_phi* in CentrePMPhi ± Window: stars, signal stars, and
	// signal stars among the K highest R there (Expected at random).
	Window                         float64
	WindowStars, WindowSignal, Hit int
	Expected                       float64
}

// Anatomy measures the top k of res (the region of p scored by Score) for
// the signal stars signal (in the order of res.Members): centrePMPhi is
// the signal's mu_phi* (its median, say), window the half-width of the
// mu_phi* window looked into, pmTail the distance in mu_phi* beyond which a
// star is an outlier, edge the margin in degrees.
func Anatomy(p *Patch, res *Result, signal []bool, k int, centrePMPhi, window, pmTail, edge float64) TopAnatomy {
	a := TopAnatomy{K: k, PMTailCut: pmTail, EdgeCut: edge, CentrePMPhi: centrePMPhi, Window: window}
	order := rankDesc(res.LogR)
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, i := range res.Members {
		lo[0], hi[0] = min(lo[0], p.Phi[i]), max(hi[0], p.Phi[i])
		lo[1], hi[1] = min(lo[1], p.Lambda[i]), max(hi[1], p.Lambda[i])
	}
	for _, j := range order[:min(k, len(order))] {
		i := res.Members[j]
		if math.Abs(p.PMPhi[i]-centrePMPhi) > pmTail {
			a.PMTail++
		}
		if p.Phi[i] < lo[0]+edge || p.Phi[i] > hi[0]-edge || p.Lambda[i] < lo[1]+edge || p.Lambda[i] > hi[1]-edge {
			a.Edge++
		}
	}
	in := func(j int) bool { return math.Abs(p.PMPhi[res.Members[j]]-centrePMPhi) <= window }
	n := 0
	for _, j := range order {
		if !in(j) {
			continue
		}
		a.WindowStars++
		if signal[j] {
			a.WindowSignal++
		}
		if n < k {
			n++
			if signal[j] {
				a.Hit++
			}
		}
	}
	if a.WindowStars > 0 {
		a.Expected = float64(min(k, a.WindowStars)) * float64(a.WindowSignal) / float64(a.WindowStars)
	}
	return a
}
