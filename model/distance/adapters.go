package distance

import (
	"math"
	"sync"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"gonum.org/v1/gonum/mat"
)

// GridDensity serves a distilled flow (flow.Grid over (g, bp-rp, bp-g)) as
// the CMD density: trilinear interpolation of log p, a few dozen flops per
// evaluation, which is what keeps the catalog step cheap. G, if not nil, is
// the grid's marginal in g (MarginalG), for stars without BP/RP; then
// GridDensity is a GDensity (use NewGridDensity). Columns, if not nil, is
// the same grid stored g-fastest, read instead of Grid (same values) where
// the points come at shared colours: a star's samples at its observed
// colours (Config.ObservedColours, the paper's) read memory about twice as
// fast from it.
type GridDensity struct {
	Grid, G *flow.Grid
	Columns *flow.ColumnGrid

	// cond is the grid's distribution of the colours at each g, from
	// which a refined star draws a quarter of its colours
	// (appendRefinedColourNoise); nil leaves them to the Gaussians. Its
	// two tables are each the size of the grid (32 MB for 128³), so it is
	// made at its first use: a catalog without refinement (the paper's
	// settings) never needs it.
	cond *lazyConditional
}

// lazyConditional makes the colour conditional of a grid once, at the
// first call of get, for every copy of the GridDensity that holds it.
type lazyConditional struct {
	once sync.Once
	grid *flow.Grid
	cond *colourConditional
}

// get returns the grid's colour conditional (nil for a nil l, or a grid
// that has none).
func (l *lazyConditional) get() *colourConditional {
	if l == nil {
		return nil
	}
	l.once.Do(func() { l.cond = newColourConditional(l.grid) })
	return l.cond
}

// NewGridDensity returns the GridDensity of g with its marginal in g and
// its column layout.
func NewGridDensity(g *flow.Grid) (GridDensity, error) {
	m, err := MarginalG(g)
	if err != nil {
		return GridDensity{}, err
	}
	c, err := flow.NewColumnGrid(g)
	return GridDensity{Grid: g, G: m, Columns: c, cond: &lazyConditional{grid: g}}, err
}

// LogProb implements Density.
func (d GridDensity) LogProb(dst, x []float64) {
	x = x[:3*len(dst)]
	if d.Columns != nil && sharedColours(x) {
		d.Columns.LogProb3(dst, x)
		return
	}
	d.Grid.LogProb3(dst, x)
}

// sharedColours reports whether the first two points of x, and its last
// two, have the same colours: a batch of stars' samples at their observed
// colours rather than with a draw of the colours' noise each.
func sharedColours(x []float64) bool {
	n := len(x)
	return n >= 6 && x[1] == x[4] && x[2] == x[5] && x[n-5] == x[n-2] && x[n-4] == x[n-1]
}

// LogProbG implements GDensity. It panics if d.G is nil.
func (d GridDensity) LogProbG(dst, g []float64) {
	var x [1]float64
	for i, v := range g {
		x[0] = v
		dst[i] = d.G.LogProb(x[:])
	}
}

// FlowDensity serves a flow of (g, bp-rp, bp-g) itself as the CMD density:
// exact, and what training needs, but a full pass through the network per
// evaluation. It is safe for concurrent use, as the flow's LogProb is.
type FlowDensity struct{ Flow *flow.Flow }

// LogProb implements Density. It panics if the flow is conditioned on the
// distance (use LogProbAt).
func (d FlowDensity) LogProb(dst, x []float64) {
	if len(dst) == 0 {
		return
	}
	if d.Flow.Config().C != 0 {
		panic("distance: a CMD flow conditioned on the distance needs LogProbAt")
	}
	d.Flow.LogProb(dst, mat.NewDense(len(dst), 3, x[:3*len(dst)]), nil)
}

// LogProbAt implements DistanceDensity: a flow with one condition column,
// log10 of the distance in pc (CMDFit.DistanceContext), is evaluated at
// dist; a flow without conditions ignores it.
func (d FlowDensity) LogProbAt(dst, x, dist []float64) {
	if len(dst) == 0 {
		return
	}
	if d.Flow.Config().C == 0 {
		d.LogProb(dst, x)
		return
	}
	c := make([]float64, len(dst))
	for i := range c {
		c[i] = logDistContext(dist[i])
	}
	d.Flow.LogProb(dst, mat.NewDense(len(dst), 3, x[:3*len(dst)]), mat.NewDense(len(dst), 1, c))
	// Zero outside the box a grid of the flow would cover (cmdBox), as
	// the grid is: the flow's values far from its data are not a density
	// anyone measured, and a faint star's parallax samples reach absolute
	// magnitudes of -20.
	lo, hi := cmdBox(d.Flow.Standardization())
	for i := range dst {
		for j := range 3 {
			if v := x[3*i+j]; !(v >= lo[j] && v <= hi[j]) {
				dst[i] = math.Inf(-1)
			}
		}
	}
}

// MapDust serves a dust.Map as the Dust of the estimator, converting the
// map's units to E(g-r) (dust.Units.GR), the unit the extinction
// coefficients are per.
type MapDust struct{ Map dust.Map }

// Query implements Dust.
func (m MapDust) Query(l, b, distPC float64) (median, sigma float64, covered, reliable bool) {
	p := m.Map.At(l, b, distPC, 0)
	if p.Flags&dust.Covered == 0 || math.IsNaN(p.Median) {
		return math.NaN(), math.NaN(), false, false
	}
	gr := m.Map.Units().GR
	return p.Median * gr, p.Std * gr, true, p.Flags&dust.Reliable != 0
}

// Samples implements Dust: sample j is the map's posterior sample j, the
// same line-of-sight profile at every distance.
func (m MapDust) Samples(dst []float64, l, b, distPC float64) []float64 {
	return m.line(l, b).Samples(dst, distPC)
}

// Draws writes into dst (len(dist)) the map's posterior draw of E (in
// E(g-r)) toward (l, b) at each distance dist[j], draw j being the map's
// sample floor(u[j] n) of its n, as Samples followed by that choice gives,
// with one lookup of the direction where the map is a dust.Liner. It
// returns false, and leaves dst, where the map has no value toward (l, b).
func (m MapDust) Draws(dst []float64, l, b float64, dist, u []float64) bool {
	return m.line(l, b).Draws(dst, dist, u)
}

// line returns m's sight line toward (l, b).
func (m MapDust) line(l, b float64) mapLine {
	ln := mapLine{n: m.Map.Samples(), gr: m.Map.Units().GR}
	if liner, ok := m.Map.(dust.Liner); ok {
		ln.at = liner.Line(l, b).At
	} else {
		ln.at = func(d float64, draw uint64) dust.Point { return m.Map.At(l, b, d, draw) }
	}
	return ln
}

// mapLine is a MapDust's answers toward one direction, found once.
type mapLine struct {
	at func(distPC float64, draw uint64) dust.Point
	n  int     // the map's posterior samples
	gr float64 // E(g-r) per unit of the map
}

// Samples is MapDust.Samples along ln.
func (ln mapLine) Samples(dst []float64, distPC float64) []float64 {
	dst = dst[:0]
	for j := range ln.n {
		p := ln.at(distPC, dust.DrawFor(j, ln.n))
		if p.Flags&dust.Covered == 0 {
			return dst[:0]
		}
		dst = append(dst, p.Sample*ln.gr)
	}
	return dst
}

// Draws is MapDust.Draws along ln.
func (ln mapLine) Draws(dst, dist, u []float64) bool {
	for j, d := range dist {
		p := ln.at(d, dust.DrawFor(min(int(u[j]*float64(ln.n)), ln.n-1), ln.n))
		if p.Flags&dust.Covered == 0 {
			return false
		}
		dst[j] = p.Sample * ln.gr
	}
	return true
}

// logDistContext is the condition of a CMD flow conditioned on the
// distance: log10 of d in pc, held to 10 pc - 100 kpc. A faint star's
// parallax samples reach distances of 10^9 pc, far outside anything the
// flow was trained on, where its output is unconstrained.
func logDistContext(d float64) float64 {
	return min(max(math.Log10(d), 1), 5)
}
