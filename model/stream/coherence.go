package stream

import "math"

// PMTrack is a stream's proper motion along its line in one patch: each
// proper-motion coordinate varies linearly with the position t along the
// line, mu(t) = A + B t, and the stream's stars' true proper motions
// scatter about it with a Gaussian of width S in each coordinate (the
// intrinsic width: a star's measurement error comes on top); F[k] is the
// stream's share of the stars fitted that k retrainings selected
// (PMStar.Selected).
type PMTrack struct {
	A, B [2]float64 // (mu_phi*, mu_lambda) at t = 0, mas/yr, and their slopes, mas/yr/deg
	S    float64
	F    []float64
}

// PMStar is one candidate member as FitPMTrack sees it: its position T
// along the line (degrees), its proper motions (mas/yr), the area of the
// proper-motion window its ROI searched (mas²/yr²), over which a background
// star is uniform, the standard error of each of its proper-motion
// coordinates (mas/yr; 0 if unknown), and how many retrainings of the
// search put it on their lines (0 if not known; without retrainings every
// star has the same count).
type PMStar struct {
	T, PMPhi, PMLambda float64
	WindowArea         float64
	PMError            float64
	Selected           int
}

// minPMTrackStars is the fewest stars FitPMTrack fits a track to.
const minPMTrackStars = 5

// FitPMTrack fits the mixture of a stream whose proper motions follow a
// PMTrack and a background uniform over each star's ROI window to the
// members of a candidate in one patch, by expectation-maximisation, and
// writes into p (grown to len(stars)) each star's probability of belonging
// to the stream. The stream is what the candidate's line selects; its
// proper motions are coherent (a few tenths of a mas/yr about a smooth
// track), while the background stars that the line's band also collects
// spread over the whole window. The fit starts from the proper motion with
// the most neighbours within 1 mas/yr. With fewer than five stars there is
// nothing to fit, and where the fit finds no group of at least two stars it
// cannot tell the stream from the background: in both cases every p is 1
// (no member is set aside) and ok is false.
//
// Each star's measured proper motion is its true one plus its own error, so
// a stream star's likelihood is a Gaussian of variance S^2 + PMError^2 per
// coordinate: the faint stars of a distant stream, whose errors exceed the
// stream's width several times, are judged by their own errors rather than
// by the bright stars' width. The track is fitted by extreme deconvolution
// (Bovy, Hogg & Roweis 2011): the M step fits the stars' expected true
// proper motions, and S^2 from their expected squared deviations and
// posterior variances, an EM that never lowers the likelihood.
//
// The stream's share is fitted apart for each count of retrainings that
// selected the stars (PMStar.Selected). A candidate's members are the union
// of its retrainings' lines: a stream star is on every retraining's line,
// while each retraining's line collects background stars of its own, so a
// star that one retraining of three selected is far more often background
// than one that all three selected (Porto & Shih 2025). One share for both
// would give the background stars of single retrainings the odds of the
// stable members, and dilute the track with them. Without retrainings every
// star has the same count and there is one share.
func FitPMTrack(stars []PMStar, p []float64) (tr PMTrack, probs []float64, ok bool) {
	n := len(stars)
	p = p[:0]
	for range n {
		p = append(p, 1)
	}
	if n < minPMTrackStars {
		return PMTrack{}, p, false
	}
	// Start: the densest proper motion, no slope, 0.5 mas/yr, half stream.
	best, most := 0, -1
	for i := range stars {
		k := 0
		for j := range stars {
			if math.Hypot(stars[j].PMPhi-stars[i].PMPhi, stars[j].PMLambda-stars[i].PMLambda) < 1 {
				k++
			}
		}
		if k > most {
			best, most = i, k
		}
	}
	classes := 1
	for _, s := range stars {
		classes = max(classes, s.Selected+1)
	}
	tr = PMTrack{A: [2]float64{stars[best].PMPhi, stars[best].PMLambda}, S: 0.5, F: make([]float64, classes)}
	for k := range tr.F {
		tr.F[k] = 0.5
	}
	prevF := make([]float64, classes)
	sumF := make([]float64, classes) // the stream's expected members per class
	nF := make([]float64, classes)   // the stars per class
	for _, s := range stars {
		nF[max(s.Selected, 0)]++
	}
	const minS = 0.02 // mas/yr: a floor against collapse onto a few stars
	for iter := 0; iter < 200; iter++ {
		// E step.
		var sumP float64
		for i, s := range stars {
			p[i] = tr.prob(s)
			sumP += p[i]
		}
		if sumP < 2 {
			// No coherent group: the stream, if any, is not separable.
			for i := range p {
				p[i] = 1
			}
			return tr, p, false
		}
		// M step. The expected true proper motion of a stream star is the
		// track plus the shrunk residual b = S^2/V r; its posterior variance
		// per coordinate is S^2 - S^4/V.
		s2 := tr.S * tr.S
		var sw, st, stt float64
		for i, s := range stars {
			sw += p[i]
			st += p[i] * s.T
			stt += p[i] * s.T * s.T
		}
		det := sw*stt - st*st
		prev := tr
		copy(prevF, tr.F)
		var sq float64 // sum of p (|b|^2 + 2 posterior variance)
		var y [2][]float64
		y[0], y[1] = make([]float64, n), make([]float64, n)
		for i, s := range stars {
			dp := s.PMPhi - tr.A[0] - tr.B[0]*s.T
			dl := s.PMLambda - tr.A[1] - tr.B[1]*s.T
			k := s2 / (s2 + pmVar(s))
			y[0][i] = tr.A[0] + tr.B[0]*s.T + k*dp
			y[1][i] = tr.A[1] + tr.B[1]*s.T + k*dl
			sq += p[i] * 2 * (s2 - k*s2)
		}
		for c := 0; c < 2; c++ {
			var sy, sty float64
			for i, s := range stars {
				sy += p[i] * y[c][i]
				sty += p[i] * s.T * y[c][i]
			}
			if det > 1e-9*sw*sw {
				tr.B[c] = (sw*sty - st*sy) / det
				tr.A[c] = (sy - tr.B[c]*st) / sw
			} else {
				tr.B[c], tr.A[c] = 0, sy/sw
			}
		}
		for i, s := range stars {
			dp := y[0][i] - tr.A[0] - tr.B[0]*s.T
			dl := y[1][i] - tr.A[1] - tr.B[1]*s.T
			sq += p[i] * (dp*dp + dl*dl)
		}
		tr.S = math.Max(math.Sqrt(sq/(2*sw)), minS)
		clear(sumF)
		for i, s := range stars {
			sumF[max(s.Selected, 0)] += p[i]
		}
		sameF := true
		for k := range tr.F {
			if nF[k] > 0 {
				tr.F[k] = math.Min(math.Max(sumF[k]/nF[k], 1e-3), 1-1e-3)
			}
			sameF = sameF && math.Abs(tr.F[k]-prevF[k]) < 1e-6
		}
		if math.Abs(tr.S-prev.S) < 1e-6 && sameF &&
			math.Abs(tr.A[0]-prev.A[0]) < 1e-6 && math.Abs(tr.A[1]-prev.A[1]) < 1e-6 {
			break
		}
	}
	return tr, p, true
}

// prob returns the probability that star s belongs to the stream of track
// tr rather than to a background uniform over its ROI window, with the
// stream's share of the stars selected as often as s (FitPMTrack's E step).
// It panics if tr has no share for s.Selected.
func (tr *PMTrack) prob(s PMStar) float64 {
	f := tr.F[max(s.Selected, 0)]
	dp := s.PMPhi - tr.A[0] - tr.B[0]*s.T
	dl := s.PMLambda - tr.A[1] - tr.B[1]*s.T
	v := tr.S*tr.S + pmVar(s)
	g := f * math.Exp(-0.5*(dp*dp+dl*dl)/v) / (2 * math.Pi * v)
	u := (1 - f) / math.Max(s.WindowArea, 1e-9)
	if p := g / (g + u); !math.IsNaN(p) {
		return p
	}
	return 0
}

// pmVar is the variance of a star's proper-motion error per coordinate.
func pmVar(s PMStar) float64 {
	if e := s.PMError; e > 0 && !math.IsInf(e, 0) {
		return e * e
	}
	return 0
}
