package distance

import (
	"errors"
	"math"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// Stars without BP/RP (paper 000 §5, future work there).
//
// Gaia DR2 has G and a parallax for 1.69 billion sources but BP and RP for
// only 1.38 billion. The paper's catalog cuts the rest. Their distance
// follows from the same posterior with the CMD density replaced by its
// marginal in g, the colours integrated out: P(g) = ∫∫ P(g, bp-rp, bp-g).
// The estimator uses it for a star whose BP or RP is missing when its
// density offers one (GDensity), and flags the row FlagNoColour.

// GDensity is a Density that also gives the marginal density of g alone.
type GDensity interface {
	Density
	// LogProbG writes log P(g[i]), the colours integrated out, into dst[i].
	LogProbG(dst, g []float64)
}

// MarginalG integrates a distilled CMD grid over its two colours (the
// trapezoid rule on its nodes, in probability) and returns the 1-D grid of
// log P(g) on the same g nodes, with the same Outside value and the
// marginal of its Tail as its own (beyond the box in g; within it, the
// colours outside the box, a few in 100,000 of the stars, are not
// counted). A sheared
// grid's (flow.Grid.Shear) colour cells have the area of unsheared ones, so
// the rule is the same.
func MarginalG(g *flow.Grid) (*flow.Grid, error) {
	if len(g.N) != 3 {
		return nil, errors.New("distance: MarginalG needs a grid of (g, bp-rp, bp-g)")
	}
	n0, n1, n2 := g.N[0], g.N[1], g.N[2]
	d1 := (g.Hi[1] - g.Lo[1]) / float64(n1-1)
	d2 := (g.Hi[2] - g.Lo[2]) / float64(n2-1)
	trap := func(i, n int) float64 {
		if i == 0 || i == n-1 {
			return 0.5
		}
		return 1
	}
	out := &flow.Grid{Lo: []float64{g.Lo[0]}, Hi: []float64{g.Hi[0]}, N: []int{n0}, Outside: g.Outside, Floor: g.Floor, Values: make([]float64, n0)}
	for i := 0; i < n0; i++ {
		plane := g.Values[i*n1*n2 : (i+1)*n1*n2]
		mx := math.Inf(-1)
		for _, v := range plane {
			mx = max(mx, v)
		}
		var s float64
		for a := 0; a < n1; a++ {
			wa := trap(a, n1)
			for b := 0; b < n2; b++ {
				s += wa * trap(b, n2) * math.Exp(plane[a*n2+b]-mx)
			}
		}
		out.Values[i] = mx + math.Log(s*d1*d2)
		if math.IsInf(mx, -1) || math.IsNaN(out.Values[i]) {
			out.Values[i] = g.Floor
		}
	}
	if g.Tail != nil {
		t, err := MarginalG(g.Tail)
		if err != nil {
			return nil, err
		}
		out.Tail = t
	}
	return out, nil
}

// gDensityOf returns d as a GDensity if it gives the marginal in g, or nil.
func gDensityOf(d Density) GDensity {
	if gd, ok := d.(GridDensity); ok && gd.G == nil {
		return nil
	}
	gd, _ := d.(GDensity)
	return gd
}

// colourlessLogProb replaces the log densities lp of a colourless star's K
// rows x (g, NaN, NaN triples) by the marginal in g.
func (e *Estimator) colourlessLogProb(lp, x []float64) {
	g := grow(e.gx, len(lp))
	e.gx = g
	for j := range g {
		g[j] = x[3*j]
	}
	e.gdens.LogProbG(lp, g)
}
