package plot

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/hist"
)

// Axis labels of a colour-magnitude diagram: the dereddened colour and the
// dereddened absolute G magnitude of paper 000.
const (
	cmdX = "BP-RP, dereddened (mag)"
	cmdY = "G, absolute and dereddened (mag)"
)

// CMD colour ranges: how far below the maximum the log colour scales go.
const (
	countDecades = 7.0  // CMDCounts, in decades of density
	lnRangeFig2  = 14.0 // Fig2, in nats (6 decades)
	lnRangeFig3  = 25.0 // Fig3's log panel, in nats (11 decades)
)

// CMDPanel is one colour-magnitude diagram of CMDCounts: a histogram of
// stars with x the dereddened BP-RP and y the dereddened absolute G (mag).
type CMDPanel struct {
	Title string
	Hist  *hist.Hist2D
}

// CMDCounts draws colour-magnitude histograms side by side, magnitude axis
// inverted, coloured by log10 of the normalised number density (count / (N ·
// bin area), mag⁻², N the stars in the panel's box) on one colour scale
// shared by all panels and spanning at most 7 decades below the largest
// value. Empty bins, and bins below the range, are white. A nil or empty histogram gives empty axes.
func CMDCounts(panels ...CMDPanel) *Figure {
	grids := make([]Grid, len(panels))
	var all [][]float64
	for i, pn := range panels {
		h := pn.Hist
		if h == nil || h.NX == 0 {
			h = hist.NewHist2D(-0.5, 3.5, 1, -5, 15, 1)
		}
		grids[i] = LogDensityGrid(h).apply(func(v float64) float64 { return v / math.Ln10 })
		all = append(all, grids[i].Values)
	}
	lo, hi, ok := rangeOf(all...)
	if ok {
		lo = max(lo, hi-countDecades)
	}
	s := safeRange(lo, hi, ok)
	s.blankBelow = true
	cells := make([]cell, len(panels))
	for i, g := range grids {
		p := newPlot(panels[i].Title, cmdX, cmdY, g.XLo, g.XHi, g.YLo, g.YHi, true)
		p.Add(gridImage(g, s))
		cells[i] = cell{p: p}
	}
	if len(cells) > 0 {
		cells[len(cells)-1].bar = &colourBar{label: "log10 density (1/mag²)", s: s}
	}
	return row(cells...)
}

// Fig4 draws paper 000's fig. 4: the CMD of stars with g from
// inverse-parallax distances (left; the paper leaves out negative
// parallaxes) and from the model's distances (right), both histograms of
// dereddened BP-RP against absolute G as in CMDCounts.
func Fig4(inverseParallax, model *hist.Hist2D) *Figure {
	return CMDCounts(
		CMDPanel{Title: "(a) Gaia: distance = 1/parallax", Hist: inverseParallax},
		CMDPanel{Title: "(b) model distances", Hist: model},
	)
}

// Fig3 draws paper 000's fig. 3: the learned CMD density marginalised over
// BP-G, logp = ln p(g, bp-rp) (mag⁻²; x = BP-RP, y = absolute G, as
// distance.MarginalCMD computes it from a flow), as probability density (left,
// linear colour from 0) and as log-probability (right, ln p over the 25 nats
// below its maximum), magnitude axis inverted. It panics if logp is not a
// valid grid.
func Fig3(logp Grid) *Figure {
	logp.check()
	p := logp.apply(math.Exp)
	_, phi, ok := rangeOf(p.Values)
	sp := safeRange(0, phi, ok)
	lo, hi, ok := rangeOf(logp.Values)
	if ok {
		lo = max(lo, hi-lnRangeFig3)
	}
	sl := safeRange(lo, hi, ok)
	pa := newPlot("(a) probability", cmdX, cmdY, p.XLo, p.XHi, p.YLo, p.YHi, true)
	pa.Add(gridImage(p, sp))
	pb := newPlot("(b) log-probability", cmdX, cmdY, logp.XLo, logp.XHi, logp.YLo, logp.YHi, true)
	pb.Add(gridImage(logp, sl))
	return row(
		cell{p: pa, bar: &colourBar{label: "p (1/mag²)", s: sp}},
		cell{p: pb, bar: &colourBar{label: "ln p (p in 1/mag²)", s: sl}},
	)
}

// Fig2 draws paper 000's fig. 2 (a) and (b): the true CMD of a simulation
// and the CMD the flow learned from its noisy, reddened version, side by
// side, both as ln p(g, bp-rp) (mag⁻²; x = BP-RP, y = absolute G) on one
// colour scale spanning 14 nats (6 decades) below the largest value, white
// below it (as empty histogram bins are). truth
// is typically LogDensityGrid of a histogram of the true points, learned
// distance.MarginalCMD of the flow. It panics if a grid is not valid.
func Fig2(truth, learned Grid) *Figure {
	truth.check()
	learned.check()
	lo, hi, ok := rangeOf(truth.Values, learned.Values)
	if ok {
		lo = max(lo, hi-lnRangeFig2)
	}
	s := safeRange(lo, hi, ok)
	s.blankBelow = true
	pa := newPlot("(a) true CMD", cmdX, cmdY, truth.XLo, truth.XHi, truth.YLo, truth.YHi, true)
	pa.Add(gridImage(truth, s))
	pb := newPlot("(b) learned CMD", cmdX, cmdY, learned.XLo, learned.XHi, learned.YLo, learned.YHi, true)
	pb.Add(gridImage(learned, s))
	return row(cell{p: pa}, cell{p: pb, bar: &colourBar{label: "ln p (p in 1/mag²)", s: s}})
}
