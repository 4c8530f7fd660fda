package distance

import (
	"cmp"
	"math"
	"slices"
)

// SurveyStar is one star of the catalogue the training sample is drawn
// from: a star that passes every training cut except the floors
// (Config.MinParallaxSNR, Config.MaxColourError). A random sample of them tells the
// selection correction where the catalogue's stars are, on the sky and in
// absolute magnitude, and how many of them the floor keeps.
type SurveyStar struct {
	SourceID      int64
	Key           float64 // SurveyKey: the survey keeps the lowest keys
	G             float64 // observed apparent G, mag
	BPRP          float64 // observed BP-RP, mag
	SigmaBPRP     float64 // BP-RP error, mag (0 if unknown)
	Parallax      float64 // mas, as published
	ParallaxError float64 // mas, as published
	L, B          float64 // Galactic, degrees
}

// SurveyKey returns the star's uniform variate in (0, 1) for the survey,
// from the run seed and its source_id alone (independent of SelectionKey).
func SurveyKey(seed uint64, sourceID int64) float64 {
	var s stream
	s.reset(seed, sourceID, purposeSurvey)
	return s.open()
}

// NewSurveyStar returns star i of the prepared stars p as a survey star
// keyed by seed.
func NewSurveyStar(seed uint64, p *Prepared, i int) SurveyStar {
	return SurveyStar{SourceID: p.SourceID[i], Key: SurveyKey(seed, p.SourceID[i]), G: p.G[i],
		BPRP: p.BPRP[i], SigmaBPRP: math.Hypot(p.SigmaBP[i], p.SigmaRP[i]), Parallax: p.Parallax[i], ParallaxError: p.ParallaxError[i], L: p.L[i], B: p.B[i]}
}

// SmallestSurvey returns the k stars of s with the lowest keys (ties by
// source_id), in that order, reusing s's storage: merging two surveys
// this way gives the same stars whatever the order in which they arrive.
func SmallestSurvey(s []SurveyStar, k int) []SurveyStar {
	slices.SortFunc(s, func(a, b SurveyStar) int {
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.SourceID, b.SourceID)
	})
	return s[:min(len(s), max(k, 0))]
}

// MergeSurvey adds the stars of in to the survey acc (the output of
// SmallestSurvey or MergeSurvey: sorted, at most k stars) and returns the k
// of lowest key. Once acc is full, only the stars of in that would enter it
// are sorted, so adding a block costs about its length: a whole catalogue
// passes through the survey's combiner.
func MergeSurvey(acc, in []SurveyStar, k int) []SurveyStar {
	if len(acc) >= k && k > 0 {
		last := acc[len(acc)-1]
		n := len(acc)
		for _, s := range in {
			if s.Key < last.Key || (s.Key == last.Key && s.SourceID < last.SourceID) {
				acc = append(acc, s)
			}
		}
		if len(acc) == n {
			return acc
		}
		return SmallestSurvey(acc, k)
	}
	return SmallestSurvey(append(acc, in...), k)
}
