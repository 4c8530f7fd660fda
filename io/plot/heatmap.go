package plot

import (
	"image/color"
	"math"
)

// HeatOptions are the options of HeatMap. The zero value draws a heat map
// of the values on a linear colour scale over their finite range, without
// labels.
type HeatOptions struct {
	Title, XLabel, YLabel string
	ZLabel                string // the colour bar's label; with Log it reads "log10 " + ZLabel

	// Log colours by log10 of the values; values <= 0 are left blank.
	Log bool
	// Min and Max are the colour range in the values' units (before the
	// log); where both are 0 it is the finite range of the data.
	Min, Max float64

	InvertX, InvertY bool

	// Boxes and Lines are drawn over the map in OverlayColor (red if nil),
	// e.g. the Hough space's inner and background boxes and a fitted track.
	Boxes        []Box
	Lines        []Polyline
	OverlayColor color.Color
}

// red is the default overlay colour: visible on every viridis colour.
var red = color.NRGBA{230, 30, 30, 255}

// HeatMap draws the grid g as a heat map with a colour bar, e.g. a
// hist.Hist2D through CountsGrid (the Hough accumulator in (theta, rho) with
// its boxes). It panics if g is not a valid grid (Values of NX × NY, a
// non-empty finite box) or if a Polyline's X and Y differ in length.
func HeatMap(g Grid, opt HeatOptions) *Figure {
	g.check()
	label := opt.ZLabel
	if opt.Log {
		g = g.apply(log10Pos)
		label = "log10 " + label
	}
	lo, hi, ok := rangeOf(g.Values)
	if opt.Min != 0 || opt.Max != 0 {
		lo, hi, ok = opt.Min, opt.Max, true
		if opt.Log {
			lo, hi = log10Pos(lo), log10Pos(hi)
			ok = !math.IsInf(lo, 0) && !math.IsInf(hi, 0)
		}
	}
	s := safeRange(lo, hi, ok)
	p := newPlot(opt.Title, opt.XLabel, opt.YLabel, g.XLo, g.XHi, g.YLo, g.YHi, opt.InvertY)
	if opt.InvertX {
		p.X.Scale = invertedLinear()
	}
	p.Add(gridImage(g, s))
	oc := opt.OverlayColor
	if oc == nil {
		oc = red
	}
	overlays(p, opt.Boxes, opt.Lines, oc)
	return row(cell{p: p, bar: &colourBar{label: label, s: s}})
}

// log10Pos is log10(v) for v > 0, -Inf otherwise (NaN stays NaN).
func log10Pos(v float64) float64 {
	if v > 0 {
		return math.Log10(v)
	}
	if math.IsNaN(v) {
		return v
	}
	return math.Inf(-1)
}
