package plot

import (
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/hist"
)

// Grid is a scalar field tabulated at the centres of the NX × NY equal
// cells of the box [XLo, XHi] × [YLo, YHi], row-major with x fastest:
// Values[iy*NX + ix] is the value at the centre of cell (ix, iy), the layout
// of hist.Hist2D. NaN values are missing.
type Grid struct {
	XLo, XHi, YLo, YHi float64
	NX, NY             int
	Values             []float64
}

// check panics unless g is a valid grid (a programmer error).
func (g Grid) check() {
	if g.NX < 1 || g.NY < 1 || len(g.Values) != g.NX*g.NY {
		panic(fmt.Sprintf("plot: grid of %d × %d cells has %d values", g.NX, g.NY, len(g.Values)))
	}
	if !(g.XLo < g.XHi) || !(g.YLo < g.YHi) || math.IsInf(g.XHi-g.XLo, 0) || math.IsInf(g.YHi-g.YLo, 0) {
		panic(fmt.Sprintf("plot: grid box [%g, %g] × [%g, %g] is empty or infinite", g.XLo, g.XHi, g.YLo, g.YHi))
	}
}

// At returns the value of cell (ix, iy).
func (g Grid) At(ix, iy int) float64 { return g.Values[iy*g.NX+ix] }

// XCentre returns the x of the centre of column ix.
func (g Grid) XCentre(ix int) float64 {
	return g.XLo + (float64(ix)+0.5)*(g.XHi-g.XLo)/float64(g.NX)
}

// YCentre returns the y of the centre of row iy.
func (g Grid) YCentre(iy int) float64 {
	return g.YLo + (float64(iy)+0.5)*(g.YHi-g.YLo)/float64(g.NY)
}

// apply returns a grid of the same box with f applied to every value.
func (g Grid) apply(f func(float64) float64) Grid {
	out := g
	out.Values = make([]float64, len(g.Values))
	for i, v := range g.Values {
		out.Values[i] = f(v)
	}
	return out
}

// CountsGrid returns the bin counts of h as a Grid (copied).
func CountsGrid(h *hist.Hist2D) Grid {
	return Grid{XLo: h.XLo, XHi: h.XHi, YLo: h.YLo, YHi: h.YHi, NX: h.NX, NY: h.NY,
		Values: append([]float64(nil), h.Counts...)}
}

// LogDensityGrid returns the natural log of the normalised density of h,
// ln(count / (Sum · bin area)), in the inverse units of x times y (mag⁻²
// for a CMD): -Inf for empty bins, all -Inf if h is empty. Fig2 takes a
// simulated true CMD in this form.
func LogDensityGrid(h *hist.Hist2D) Grid {
	g := CountsGrid(h)
	g.Values = h.Density()
	for i, v := range g.Values {
		g.Values[i] = math.Log(v)
	}
	return g
}

// CMDGrid is the grid of a CMD density marginalised over bp-g
// (distance.MarginalCMD), for Fig2 and Fig3: x = BP-RP, y = G.
func CMDGrid(m distance.MarginalGrid) Grid {
	return Grid{XLo: m.BPRPLo, XHi: m.BPRPHi, YLo: m.GLo, YHi: m.GHi, NX: m.NX, NY: m.NY, Values: m.LogP}
}
