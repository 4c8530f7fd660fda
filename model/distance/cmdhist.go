package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/hist"
)

// CMDHists are the two colour-magnitude histograms of paper 000's fig. 4:
// dereddened BP-RP against absolute G from the inverse parallax, and from
// the model's distances. They merge, so a Beam combiner can fill them over a
// whole catalog.
type CMDHists struct {
	InverseParallax, Model hist.Hist2D
}

// NewCMDHists returns empty histograms over BP-RP in [-0.5, 3.5] and
// absolute G in [-5, 15], 200 x 200 bins.
func NewCMDHists() CMDHists {
	return CMDHists{*hist.NewHist2D(-0.5, 3.5, 200, -5, 15, 200), *hist.NewHist2D(-0.5, 3.5, 200, -5, 15, 200)}
}

// AddRows adds catalog rows. The model's absolute g is the row's G; the
// inverse-parallax one is the same dereddened photometry moved from the
// model's distance to 1/parallax, G + 5 log10(parallax × dist_mean / 1000),
// for parallax > 0 (the paper's left panel leaves the others out).
func (h *CMDHists) AddRows(r *Rows) {
	for i := range r.SourceID {
		h.Model.Add(r.BPRP[i], r.G[i], 1)
		if p, d := r.Parallax[i], r.DistMean[i]; p > 0 && d > 0 && !math.IsInf(d, 0) {
			h.InverseParallax.Add(r.BPRP[i], r.G[i]+5*math.Log10(p*d/1000), 1)
		}
	}
}

// Merge adds the counts of o.
func (h *CMDHists) Merge(o *CMDHists) {
	h.InverseParallax.Merge(&o.InverseParallax)
	h.Model.Merge(&o.Model)
}
