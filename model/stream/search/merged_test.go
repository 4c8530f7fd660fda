package search

import (
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream"
)

// TestPMCoherenceWeighsHowOftenAStarWasSelected: three retrainings of one
// search region put the same 30 stream stars on their lines (proper motions
// on the track mu = (-3, 2) + (0.1, -0.05) t, 0.3 mas/yr scatter, each star
// measured to 0.2 mas/yr), and each retraining's line collects its own 150
// background stars uniform over the 6 x 6 mas/yr window, as a faint stream's
// candidate does. The candidate's members are the union: 30 stream stars,
// each selected three times, among 450 background stars selected once.
// With the stream's share fitted for each selection count, at least 90 % of
// the stream stars are on the track (p_stream >= 0.5) and at most 3
// background stars; with one share for all (before), 27 stream stars and 8
// background stars were.
func TestPMCoherenceWeighsHowOftenAStarWasSelected(t *testing.T) {
	const nStream, nBg, nRetrain = 30, 150, 3
	rng := rand.New(rand.NewPCG(12, 7))
	type star struct{ t, pmPhi, pmLam float64 }
	streamStars := make([]star, nStream)
	for i := range streamStars {
		tt := -10 + 20*rng.Float64()
		streamStars[i] = star{tt, -3 + 0.1*tt + 0.3*rng.NormFloat64(), 2 - 0.05*tt + 0.3*rng.NormFloat64()}
	}
	var regions []stream.Region
	var rois []stream.ROI
	var ms []stream.Member
	for r := range nRetrain {
		var st stream.Stars
		add := func(id int64, s star) {
			st.Phi = append(st.Phi, s.t) // a line at theta 0: its position along the line is phi
			st.Lambda = append(st.Lambda, 0)
			st.PMPhi = append(st.PMPhi, s.pmPhi)
			st.PMLambda = append(st.PMLambda, s.pmLam)
			st.R = append(st.R, 1)
			st.SourceID = append(st.SourceID, id)
			st.PMError = append(st.PMError, 0.2)
		}
		for i, s := range streamStars {
			add(int64(1+i), s)
		}
		for i := range nBg {
			add(int64(1000*(r+1)+i), star{-10 + 20*rng.Float64(), -5 + 6*rng.Float64(), -1 + 6*rng.Float64()})
		}
		regions = append(regions, stream.Region{Retraining: r, Stars: st})
		roi := stream.ROI{Region: r, Retraining: r, PMPhiMin: -5, PMPhiMax: 1, PMLambdaMin: -1, PMLambdaMax: 5}
		rois = append(rois, roi)
		for k := range st.Phi {
			ms = append(ms, stream.Member{ROI: r, Region: r, Star: k, SourceID: st.SourceID[k], Retraining: r})
		}
	}
	pmCoherence(ms, rois, regions)
	var streamHit, bgHit int
	seen := map[int64]bool{}
	for _, m := range ms {
		if seen[m.SourceID] {
			continue
		}
		seen[m.SourceID] = true
		if m.PStream >= 0.5 {
			if m.SourceID <= nStream {
				streamHit++
			} else {
				bgHit++
			}
		}
	}
	t.Logf("on the track (p_stream >= 0.5): %d of %d stream stars, %d of %d background stars", streamHit, nStream, bgHit, nRetrain*nBg)
	if streamHit < nStream*9/10 || bgHit > nStream/10 {
		t.Errorf("%d of %d stream stars and %d of %d background stars on the track, want at least %d and at most %d",
			streamHit, nStream, bgHit, nRetrain*nBg, nStream*9/10, nStream/10)
	}
}
