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
}

// MergeResults sorts the regions' results by (patch, scan, retraining, SR), gathers their
// ROIs into one table and merges them (stream.Result.Merge with cfg) into
// candidates and their member stars.
func MergeResults(results []SRResult, cfg stream.MergeConfig) *Merged {
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
	m.Result.Merge(cfg)
	for i := range m.Candidates {
		m.Members = append(m.Members, m.Candidates[i].Members(m.ROIs, m.Seeds, m.ProtoClusters, m.Regions))
	}
	return m
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
