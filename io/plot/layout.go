package plot

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Sizes of the panels, in inches (× DPI for pixels).
const (
	panelW = 5.0 // a panel without its colour bar
	panelH = 4.6 // every figure's height
	barW   = 1.4 // a colour bar with its ticks and label
	margin = 0.1 * vg.Inch
)

// colourBar is a vertical colour bar for the scale s, labelled.
type colourBar struct {
	label string
	s     scale
}

// cell is one panel of a figure: a plot and, optionally, its colour bar.
type cell struct {
	p   *plot.Plot
	bar *colourBar
}

// row lays cells out left to right, each panelW wide plus barW if it has a
// colour bar, and returns the figure; no cells give one empty plot.
func row(cells ...cell) *Figure {
	if len(cells) == 0 {
		cells = []cell{{p: plot.New()}}
	}
	w := 0.0
	for _, c := range cells {
		w += panelW
		if c.bar != nil {
			w += barW
		}
	}
	f := &Figure{W: vg.Length(w) * vg.Inch, H: panelH * vg.Inch}
	f.draw = func(dc draw.Canvas) {
		x := dc.Min.X
		for _, c := range cells {
			pc := dc
			pc.Min.X, pc.Max.X = x, x+panelW*vg.Inch
			x = pc.Max.X
			pc = draw.Crop(pc, margin, margin/2, margin/2, -margin)
			c.p.Draw(pc)
			if c.bar == nil {
				continue
			}
			bc := dc
			bc.Min.X, bc.Max.X = x, x+barW*vg.Inch
			x = bc.Max.X
			drawBar(bc, c.p.DataCanvas(pc), c.bar)
		}
	}
	return f
}

// drawBar draws b in area, its bar as tall as the data area beside it.
func drawBar(area, beside draw.Canvas, b *colourBar) {
	p := plot.New()
	p.HideX()
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = b.s.lo, b.s.hi
	p.Y.Label.Text = b.label
	p.Y.Tick.Marker = ticks{}
	const n = 256
	img := image.NewNRGBA(image.Rect(0, 0, 1, n))
	for i := 0; i < n; i++ {
		img.SetNRGBA(0, n-1-i, viridis((float64(i)+0.5)/n))
	}
	p.Add(&raster{img: img, xlo: 0, xhi: 1, ylo: b.s.lo, yhi: b.s.hi})
	// The bar's plot pads its data area; size the area so that the data
	// area matches the panel's, and leave a gap on the left.
	area.Min.X += 0.1 * vg.Inch
	area.Max.X -= 0.35 * vg.Inch
	area.Min.Y, area.Max.Y = beside.Min.Y, beside.Max.Y
	inner := p.DataCanvas(area)
	area.Min.Y -= inner.Min.Y - beside.Min.Y
	area.Max.Y += beside.Max.Y - inner.Max.Y
	p.Draw(area)
}

// newPlot returns a plot with a title and axis labels, and the x and y
// ranges set (invertY puts ylo at the top).
func newPlot(title, xlabel, ylabel string, xlo, xhi, ylo, yhi float64, invertY bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Min, p.X.Max = xlo, xhi
	p.Y.Min, p.Y.Max = ylo, yhi
	useTicks(p)
	if invertY {
		p.Y.Scale = invertedLinear()
	}
	return p
}

// Box is a rectangle drawn over a heat map, in data coordinates.
type Box struct {
	XMin, XMax, YMin, YMax float64
}

// Polyline is a line through points drawn over a plot, in data
// coordinates; NaN points break it.
type Polyline struct {
	X, Y []float64
}

// overlays adds boxes and lines to p in colour c. It panics if a
// Polyline's X and Y differ in length.
func overlays(p *plot.Plot, boxes []Box, lines []Polyline, c color.Color) {
	style := draw.LineStyle{Color: c, Width: vg.Points(1.5)}
	for _, b := range boxes {
		if anyNaN(b.XMin, b.XMax, b.YMin, b.YMax) {
			continue
		}
		p.Add(&path{xs: []float64{b.XMin, b.XMax, b.XMax, b.XMin, b.XMin},
			ys: []float64{b.YMin, b.YMin, b.YMax, b.YMax, b.YMin}, style: style})
	}
	for _, l := range lines {
		if len(l.X) != len(l.Y) {
			panic("plot: polyline X and Y differ in length")
		}
		p.Add(&path{xs: l.X, ys: l.Y, style: style})
	}
}

func anyNaN(v ...float64) bool {
	for _, x := range v {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}

// path is a plotter of a polyline clipped to the data area, broken at NaN
// or infinite points. It does not extend the axes' ranges.
type path struct {
	xs, ys []float64
	style  draw.LineStyle
}

func (l *path) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var seg []vg.Point
	flush := func() {
		if len(seg) > 1 {
			c.StrokeLines(l.style, c.ClipLinesXY(seg)...)
		}
		seg = seg[:0]
	}
	for i := range l.xs {
		x, y := l.xs[i], l.ys[i]
		if anyNaN(x, y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			flush()
			continue
		}
		seg = append(seg, vg.Point{X: trX(x), Y: trY(y)})
	}
	flush()
}

var _ plot.Plotter = (*path)(nil)
var _ plot.DataRanger = (*raster)(nil)

// invertedLinear is a linear axis scale drawn from high to low.
func invertedLinear() plot.Normalizer {
	return plot.InvertedScale{Normalizer: plot.LinearScale{}}
}
