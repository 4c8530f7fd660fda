package search

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// Key names one search region: a window of the scan's conditioning proper
// motion in a patch, for one of the search's retrainings.
type Key struct {
	Pixel      int64   // the patch's RING pixel
	RA0, Dec0  float64 // its centre, ICRS, degrees
	Scan       stream.Scan
	Retraining int
	SR         int // the region's number in its scan
	Window     anode.Window
}

// SRResult is what one search region yields: its ROIs and, as a compact
// stream.Region, the highest-R stars of every ROI (ROI.Members index
// them; ROI.Region is 0).
type SRResult struct {
	Pixel      int64
	Scan       stream.Scan
	Retraining int
	SR         int
	Window     anode.Window
	Stars      int // search-region stars
	CRStars    int
	CREpoch    int     // last epoch of the CR window (anode.Result.CREpoch)
	CREpochs   int     // epochs the CR flow trained (anode.Result.CREpochs)
	Seconds    float64 // wall time of ANODE
	Region     stream.Region
	ROIs       []stream.ROI
	TopCount   int // distinct stars kept in Region
}

// SearchRegion runs the ROI search of s on the search region key of the patch
// p (as its scan sees it: ScanView) scored by ANODE (res; sel must have the
// ROI configuration of s) and returns the region's result: its ROIs, and a
// compact stream.Region holding only the highest-R stars of its ROIs, which
// the ROIs' Members index.
func SearchRegion(s *stream.Searcher, sel *stream.Selector, key Key, p *anode.Patch, res *anode.Result) SRResult {
	w := &key
	reg := stream.Region{Patch: int(w.Pixel), RA0: w.RA0, Dec0: w.Dec0, Scan: w.Scan, Retraining: w.Retraining, SR: w.SR,
		PMLambdaMin: w.Window.Lo, PMLambdaMax: w.Window.Hi}
	st := &reg.Stars
	for k, i := range res.Members {
		st.Phi = append(st.Phi, p.Phi[i])
		st.Lambda = append(st.Lambda, p.Lambda[i])
		st.PMPhi = append(st.PMPhi, p.PMPhi[i])
		st.PMLambda = append(st.PMLambda, p.PMLambda[i])
		st.G = append(st.G, p.G[i])
		st.BPRP = append(st.BPRP, p.BPRP[i])
		st.R = append(st.R, math.Exp(res.LogR[k]))
		if p.SourceID != nil {
			st.SourceID = append(st.SourceID, p.SourceID[i])
		}
		if p.PMError != nil {
			st.PMError = append(st.PMError, p.PMError[i])
		}
	}
	rois := s.Region(nil, 0, &reg)
	// Keep the stars of the ROIs' top lists only; Members are indices into
	// them. The top lists are not in the ROI, so the line members and the
	// stars a plot needs are the union of the members and of the top stars
	// of each ROI, rebuilt here by the same selection.
	keep := map[int32]int32{}
	var idx []int32
	add := func(i int32) int32 {
		if j, ok := keep[i]; ok {
			return j
		}
		j := int32(len(idx))
		keep[i] = j
		idx = append(idx, i)
		return j
	}
	for _, top := range sel.ROIs(st) {
		for _, i := range top {
			add(i)
		}
	}
	for r := range rois {
		for k, m := range rois[r].Members {
			rois[r].Members[k] = add(m)
		}
	}
	small := reg
	small.Stars = subset(st, idx)
	if w.Scan == stream.ScanPhi {
		// Back to the frame's coordinates for the outputs; the ROIs
		// already are (stream.Searcher.Region).
		small.Stars.PMPhi, small.Stars.PMLambda = small.Stars.PMLambda, small.Stars.PMPhi
	}
	return SRResult{Pixel: w.Pixel, Scan: w.Scan, Retraining: w.Retraining, SR: w.SR, Window: w.Window, Stars: len(res.Members), CRStars: res.CRStars,
		CREpoch: res.CREpoch, CREpochs: res.CREpochs, Region: small, ROIs: rois, TopCount: len(idx)}
}

// subset returns the stars idx of st.
func subset(st *stream.Stars, idx []int32) stream.Stars {
	var o stream.Stars
	pick := func(src []float64) []float64 {
		if src == nil {
			return nil
		}
		out := make([]float64, len(idx))
		for k, i := range idx {
			out[k] = src[i]
		}
		return out
	}
	o.Phi, o.Lambda, o.PMPhi, o.PMLambda = pick(st.Phi), pick(st.Lambda), pick(st.PMPhi), pick(st.PMLambda)
	o.G, o.BPRP, o.R, o.PMError = pick(st.G), pick(st.BPRP), pick(st.R), pick(st.PMError)
	if st.SourceID != nil {
		o.SourceID = make([]int64, len(idx))
		for k, i := range idx {
			o.SourceID[k] = st.SourceID[i]
		}
	}
	return o
}

// ScanView returns p as the search of scan sees it: p itself for
// ScanLambda; for ScanPhi a view (sharing p's storage) whose PMLambda is
// mu_phi* and PMPhi mu_lambda, so that ANODE conditions on mu_phi*, the
// search regions cut it and the ROIs cut mu_lambda (stream.Region.Scan).
func ScanView(p *anode.Patch, scan stream.Scan) anode.Patch {
	q := *p
	if scan == stream.ScanPhi {
		q.PMPhi, q.PMLambda = p.PMLambda, p.PMPhi
	}
	return q
}
