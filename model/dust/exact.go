package dust

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// Field is a dust map known exactly: the cumulative reddening E out to distPC
// parsecs towards ICRS (ra, dec) in degrees. *Gaussian is one.
type Field interface {
	E(ra, dec, distPC float64) float64
}

// Exact serves a Field through Map, as the simulation's analytic maps need:
// every direction is covered, every distance reliable and every fit
// converged; the median, the mean, every sample and the best fit are the
// field's value, and the spread is 0.
type Exact struct {
	Field Field
	// Unit is what one unit of the field's E is; the zero value means E(g-r)
	// (GRUnits), the unit of the Gaussian map.
	Unit Units
}

// NewExact returns the Map of a field in units of E(g-r).
func NewExact(f Field) *Exact { return &Exact{Field: f} }

// Samples returns 1.
func (m *Exact) Samples() int { return 1 }

// Units returns m.Unit, or GRUnits if it is zero.
func (m *Exact) Units() Units {
	if m.Unit == (Units{}) {
		return GRUnits
	}
	return m.Unit
}

// At returns the field's value at Galactic (l, b) and distance distPC.
func (m *Exact) At(l, b, distPC float64, draw uint64) Point {
	ra, dec := sky.GalacticToICRS(l, b)
	return exactLine{m, ra, dec}.At(distPC, draw)
}

// Line returns the field's values toward (l, b); see Liner. A *Gaussian,
// which grows linearly along each line of sight, is evaluated once per
// direction.
func (m *Exact) Line(l, b float64) Line {
	ra, dec := sky.GalacticToICRS(l, b)
	if g, ok := m.Field.(*Gaussian); ok {
		return linearLine{g.Rate(ra, dec)}
	}
	return exactLine{m, ra, dec}
}

type exactLine struct {
	m       *Exact
	ra, dec float64
}

func (ln exactLine) At(distPC float64, _ uint64) Point {
	e := math.NaN()
	if !math.IsNaN(distPC) {
		e = ln.m.Field.E(ln.ra, ln.dec, distPC)
	}
	return exactPoint(e)
}

// linearLine is E = rate × d/1000 (rate in mag/kpc), zero at d <= 0.
type linearLine struct{ rate float64 }

func (ln linearLine) At(distPC float64, _ uint64) Point {
	switch {
	case math.IsNaN(distPC):
		return exactPoint(math.NaN())
	case distPC <= 0:
		return exactPoint(0)
	}
	return exactPoint(ln.rate * distPC / 1000)
}

func exactPoint(e float64) Point {
	return Point{Median: e, Mean: e, Std: 0, Sample: e, Best: e, Flags: Covered | Reliable | Converged}
}

// Query answers a block of queries; see Map.
func (m *Exact) Query(dst *Result, l, b, distPC []float64, draw []uint64) *Result {
	checkLens(l, b, distPC, draw)
	dst = dst.resize(len(l))
	for i := range l {
		p := m.At(l[i], b[i], distPC[i], 0)
		dst.set(i, &p)
	}
	return dst
}
