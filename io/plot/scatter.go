package plot

import (
	"github.com/gaiaflow/gaiaflow/model/star"
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScatterOptions are the options of Scatter. The zero value draws points of
// radius 1.5 pt without labels, coloured over the finite range of the
// values.
type ScatterOptions struct {
	Title, XLabel, YLabel string
	CLabel                string  // the colour bar's label
	Min, Max              float64 // colour range; where both are 0, the finite range of c
	Radius                float64 // of the points, in points (1/72 in); 0 means 1.5
	InvertX, InvertY      bool    // e.g. magnitudes on y
	Lines                 []Polyline
	LineColor             color.Color // of Lines; red if nil
}

// grey is the colour of points whose value is NaN.
var grey = color.NRGBA{160, 160, 160, 255}

// Scatter draws points (x[i], y[i]) coloured by c[i] with a colour bar, or
// all in one colour without a bar if c is nil; e.g. stars of a patch in
// (phi, lambda) coloured by their anomaly score R. Points with a NaN or
// infinite coordinate are left out; points whose value is NaN are grey.
// Points are drawn in increasing order of value, so that the highest are
// on top. It panics if x, y and c (if not nil) differ in length, or if a
// Polyline's X and Y do.
func Scatter(x, y, c []float64, opt ScatterOptions) *Figure {
	if len(x) != len(y) || (c != nil && len(c) != len(x)) {
		panic("plot: Scatter: x, y and c differ in length")
	}
	var idx []int
	for i := range x {
		if star.Finite(x[i]) && star.Finite(y[i]) {
			idx = append(idx, i)
		}
	}
	var s scale
	if c != nil {
		lo, hi, ok := rangeOf(c)
		if opt.Min != 0 || opt.Max != 0 {
			lo, hi, ok = opt.Min, opt.Max, true
		}
		s = safeRange(lo, hi, ok)
		// NaN first, then by value: the highest values are drawn last.
		sort.SliceStable(idx, func(a, b int) bool {
			va, vb := c[idx[a]], c[idx[b]]
			return va < vb || (va != va && vb == vb)
		})
	}
	p := plot.New()
	useTicks(p)
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = opt.Title, opt.XLabel, opt.YLabel
	if opt.InvertX {
		p.X.Scale = invertedLinear()
	}
	if opt.InvertY {
		p.Y.Scale = invertedLinear()
	}
	r := opt.Radius
	if r == 0 {
		r = 1.5
	}
	p.Add(&points{x: x, y: y, c: c, idx: idx, s: s, radius: vg.Points(r)})
	lc := opt.LineColor
	if lc == nil {
		lc = red
	}
	overlays(p, nil, opt.Lines, lc)
	xs, ys := make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		xs[k], ys[k] = x[i], y[i]
	}
	padAxes(p, [][]float64{xs}, [][]float64{ys})
	var bar *colourBar
	if c != nil {
		bar = &colourBar{label: opt.CLabel, s: s}
	}
	return row(cell{p: p, bar: bar})
}

// points is a plotter of coloured dots, drawn in the order idx.
type points struct {
	x, y, c []float64
	idx     []int
	s       scale
	radius  vg.Length
}

func (pt *points) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.GlyphStyle{Shape: draw.CircleGlyph{}, Radius: pt.radius, Color: curveColours[0]}
	for _, i := range pt.idx {
		at := vg.Point{X: trX(pt.x[i]), Y: trY(pt.y[i])}
		if !c.Contains(at) {
			continue
		}
		if pt.c != nil {
			if v := pt.c[i]; v != v {
				sty.Color = grey
			} else if v < pt.s.lo {
				sty.Color = viridis(0)
			} else {
				sty.Color = pt.s.colour(v)
			}
		}
		c.DrawGlyphNoClip(sty, at)
	}
}
