package search

import (
	"cmp"
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/stream"
)

// Merged is the outcome of the search over every search region: the
// tables of model/stream with the regions they index.
type Merged struct {
	Results []SRResult      // by (pixel, scan, retraining, SR)
	Regions []stream.Region // Regions[i] is Results[i].Region; ROI.Region indexes it
	stream.Result
	Members [][]stream.Member  // per candidate
	Config  stream.MergeConfig // the merge's settings, defaults filled in
	// ROI is the fiducial cuts and ROI settings the regions were searched
	// with (defaults filled in), when the caller knows them.
	ROI stream.ROIConfig
	// Confirmed says that the trainings after the first were trained only
	// where the first found proto-clusters that pass the cuts
	// (stream.ConfirmSpans; streams --confirm), when the caller knows it:
	// the first training alone is then a whole search, the others are not.
	Confirmed bool
}

// MergeResults sorts the regions' results by (patch, scan, retraining, SR), gathers their
// ROIs into one table and merges them (stream.Result.Merge with cfg) into
// candidates and their member stars.
func MergeResults(results []SRResult, cfg stream.MergeConfig) *Merged {
	m := gather(results, cfg)
	m.Result.Merge(cfg)
	for i := range m.Candidates {
		ms := m.Candidates[i].Members(m.ROIs, m.Seeds, m.ProtoClusters, m.Regions)
		pmCoherence(ms, m.ROIs, m.Regions)
		m.Members = append(m.Members, ms)
	}
	return m
}

// ConfirmSpans returns stream.ConfirmSpans of the ROIs of results: where a
// confirming search retrains, from the results of its first training.
func ConfirmSpans(results []SRResult, cfg stream.MergeConfig) []stream.SRSpan {
	return stream.ConfirmSpans(gather(results, cfg).ROIs, cfg)
}

// gather sorts the regions' results by (patch, scan, retraining, SR), the
// order that makes the merge the same whatever order they came in, and
// gathers their regions and ROIs into the tables of a Merged.
func gather(results []SRResult, cfg stream.MergeConfig) *Merged {
	slices.SortFunc(results, func(a, b SRResult) int {
		return cmp.Or(cmp.Compare(a.Pixel, b.Pixel), cmp.Compare(a.Scan, b.Scan), cmp.Compare(a.Retraining, b.Retraining), cmp.Compare(a.SR, b.SR))
	})
	m := &Merged{Results: results, Config: cfg.WithDefaults()}
	for i := range results {
		m.Regions = append(m.Regions, results[i].Region)
		for _, roi := range results[i].ROIs {
			roi.Region = i
			m.ROIs = append(m.ROIs, roi)
		}
	}
	return m
}

// pmCoherence sets the PStream of a candidate's members: in each patch, the
// mixture of a coherent proper-motion track along the line and a background
// uniform over each ROI's window (stream.FitPMTrack), fitted to the distinct
// stars the candidate holds there, each with its own proper-motion error
// and the number of retrainings that selected it (stream.Selections; the
// stream's share is fitted for each number apart, see FitPMTrack).
func pmCoherence(ms []stream.Member, rois []stream.ROI, regions []stream.Region) {
	type key struct {
		patch       int
		region, row int // the star's first place, when it has no source_id
		id          int64
	}
	byPatch := map[int][]int{} // member indices by patch, in order
	for k := range ms {
		byPatch[ms[k].Patch] = append(byPatch[ms[k].Patch], k)
	}
	patches := make([]int, 0, len(byPatch))
	for p := range byPatch {
		patches = append(patches, p)
	}
	slices.Sort(patches)
	sel := stream.Selections(ms)
	var stars []stream.PMStar
	var prob []float64
	for _, patch := range patches {
		first := map[key]int{} // star -> its index in stars
		of := make([]int, 0, len(byPatch[patch]))
		stars = stars[:0]
		for _, k := range byPatch[patch] {
			mb := &ms[k]
			id := key{patch: patch, id: mb.SourceID}
			if mb.SourceID < 0 {
				id = key{patch: patch, region: mb.Region, row: mb.Star, id: -1}
			}
			j, seen := first[id]
			if !seen {
				r := &rois[mb.ROI]
				st := &regions[mb.Region].Stars
				s, c := math.Sincos(r.Fit.Line.Theta)
				j = len(stars)
				first[id] = j
				ps := stream.PMStar{T: st.Phi[mb.Star]*c + st.Lambda[mb.Star]*s,
					PMPhi: st.PMPhi[mb.Star], PMLambda: st.PMLambda[mb.Star],
					WindowArea: (r.PMPhiMax - r.PMPhiMin) * (r.PMLambdaMax - r.PMLambdaMin), Selected: sel[mb.SourceID]}
				if st.PMError != nil {
					ps.PMError = st.PMError[mb.Star]
				}
				stars = append(stars, ps)
			}
			of = append(of, j)
		}
		_, prob, _ = stream.FitPMTrack(stars, prob)
		for n, k := range byPatch[patch] {
			ms[k].PStream = prob[of[n]]
		}
	}
}

// Focus returns the ROI the single-ROI figures show: the best ROI of the
// strongest candidate, or else the ROI of largest sigma_L not vetoed; -1
// if there is none.
func (m *Merged) Focus() int {
	if len(m.Candidates) > 0 {
		best, sig := -1, math.Inf(-1)
		for _, p := range m.Candidates[0].ProtoClusters {
			if pc := &m.ProtoClusters[p]; pc.Sigma > sig {
				best, sig = pc.ROI, pc.Sigma
			}
		}
		return best
	}
	best, sig := -1, math.Inf(-1)
	for i, r := range m.ROIs {
		if !r.Vetoed && r.Fit.Sigma > sig {
			best, sig = i, r.Fit.Sigma
		}
	}
	return best
}
