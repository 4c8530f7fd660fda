package search

import (
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/stream"
)

// Match is how a search's best candidate for one injected stream compares
// with the truth of a simulated sky.
type Match struct {
	Best    int // the candidate with the most true members, -1 if none
	Members int // its distinct source_ids
	True    int // of them, stream stars
}

// Purity is the fraction of the best candidate's members that belong to
// the stream (0 without a candidate).
func (m Match) Purity() float64 {
	if m.Members == 0 {
		return 0
	}
	return float64(m.True) / float64(m.Members)
}

// MatchTruth finds, among the candidates' members (distinct source_ids by
// candidate number), the candidate holding the most stream stars (truth),
// the lowest number on a tie.
func MatchTruth(members map[int]map[int64]bool, truth map[int64]bool) Match {
	m := Match{Best: -1}
	for c, ids := range members {
		n := 0
		for id := range ids {
			if truth[id] {
				n++
			}
		}
		if n > m.True || (n == m.True && n > 0 && c < m.Best) {
			m.Best, m.True, m.Members = c, n, len(ids)
		}
	}
	return m
}

// Of returns the match of the same candidate as m among other members
// (its members with a high p_stream, say): their number and how many are
// stream stars.
func (m Match) Of(members map[int]map[int64]bool, truth map[int64]bool) Match {
	o := Match{Best: m.Best}
	if m.Best < 0 {
		return o
	}
	for id := range members[m.Best] {
		o.Members++
		if truth[id] {
			o.True++
		}
	}
	return o
}

// Above returns, per candidate, the members whose p_stream is at least
// minP (members: source_id -> p_stream by candidate, as members.csv holds
// them).
func Above(members map[int]map[int64]float64, minP float64) map[int]map[int64]bool {
	out := map[int]map[int64]bool{}
	for c, ps := range members {
		for id, p := range ps {
			if p >= minP {
				if out[c] == nil {
					out[c] = map[int64]bool{}
				}
				out[c][id] = true
			}
		}
	}
	return out
}

// Reach says which stars a search of some patches could have found: those
// with parallax < 1 mas (the paper's foreground cut) within 10 degrees of a
// searched patch's centre (the inner disk of the default grid's patches),
// and of those the ones inside the search's fiducial cuts in that patch's
// frame (InCuts), the stars its ROIs can hold at all.
type Reach struct {
	frames []*sky.Frame
	cuts   stream.ROIConfig
}

// NewReach returns the Reach of a search of the patches searched (RING
// pixels of the default grid) with the fiducial cuts of roi (the zero
// value: the paper's).
func NewReach(searched map[int64]bool, roi stream.ROIConfig) *Reach {
	r := &Reach{cuts: stream.NewSelector(roi).Config()}
	for _, p := range sky.NewGrid(sky.GridConfig{}).Patches {
		if searched[p.Pixel] {
			r.frames = append(r.frames, p.Frame())
		}
	}
	return r
}

// Reachable reports whether a star at (ra, dec) with parallax plx (mas) is
// within reach.
func (r *Reach) Reachable(ra, dec, plx float64) bool {
	if !(plx < 1) {
		return false
	}
	for _, f := range r.frames {
		phi, lam, _, _ := f.Star(ra, dec, 0, 0)
		if phi*phi+lam*lam < 100 {
			return true
		}
	}
	return false
}

// InCuts reports whether a star (ICRS position and proper motion, parallax
// in mas, g and b-r in mag) is reachable and passes the fiducial cuts in
// the frame of a searched patch.
func (r *Reach) InCuts(ra, dec, pmRA, pmDec, plx, g, bprp float64) bool {
	if !(plx < 1) {
		return false
	}
	for _, f := range r.frames {
		phi, lam, pmPhi, pmLam := f.Star(ra, dec, pmRA, pmDec)
		if r.cuts.Fiducial(phi, lam, pmPhi, pmLam, g, bprp) == 0 {
			return true
		}
	}
	return false
}
