package plot

import (
	"github.com/gaiaflow/gaiaflow/model/star"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Curve is one line of a LearningCurve: loss (nats, e.g. the mean negative
// log-likelihood) at X (epoch or step). NaN points are skipped.
type Curve struct {
	Label string
	X, Y  []float64
}

// curveColours are the colours of successive curves (Okabe-Ito: blue,
// vermilion, green, purple).
var curveColours = []color.Color{
	color.NRGBA{0, 114, 178, 255}, color.NRGBA{213, 94, 0, 255},
	color.NRGBA{0, 158, 115, 255}, color.NRGBA{204, 121, 167, 255},
}

// LearningCurve draws loss curves (training and held-out, typically)
// against xlabel ("epoch" or "step"), with a legend; a curve of one point
// is drawn as a dot. It panics if a curve's X and Y differ in length.
func LearningCurve(xlabel string, curves ...Curve) *Figure {
	p := plot.New()
	useTicks(p)
	p.Title.Text = "learning curve"
	p.X.Label.Text = xlabel
	p.Y.Label.Text = "loss (nats)"
	p.Legend.Top = true
	var xs, ys [][]float64
	for i, c := range curves {
		if len(c.X) != len(c.Y) {
			panic("plot: LearningCurve: X and Y differ in length")
		}
		xy := make(plotter.XYs, 0, len(c.X))
		for k := range c.X {
			if star.Finite(c.X[k]) && star.Finite(c.Y[k]) {
				xy = append(xy, plotter.XY{X: c.X[k], Y: c.Y[k]})
			}
		}
		if len(xy) == 0 {
			continue
		}
		col := curveColours[i%len(curveColours)]
		l, s, _ := plotter.NewLinePoints(xy) // the points are finite
		l.Color, l.Width = col, vg.Points(1.5)
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(1.5), Shape: draw.CircleGlyph{}}
		if len(xy) > 60 {
			p.Add(l)
		} else {
			p.Add(l, s)
		}
		if c.Label != "" {
			p.Legend.Add(c.Label, l)
		}
		xs, ys = append(xs, c.X), append(ys, c.Y)
	}
	padAxes(p, xs, ys)
	return row(cell{p: p})
}

// padAxes sets p's ranges to those of the finite data plus 3 %, or [0, 1]
// if there is none.
func padAxes(p *plot.Plot, xs, ys [][]float64) {
	set := func(a *plot.Axis, vs [][]float64) {
		lo, hi, ok := rangeOf(vs...)
		if !ok {
			a.Min, a.Max = 0, 1
			return
		}
		d := 0.03 * (hi - lo)
		if d == 0 {
			d = max(0.05*math.Abs(lo), 0.5)
		}
		a.Min, a.Max = lo-d, hi+d
	}
	set(&p.X, xs)
	set(&p.Y, ys)
}
