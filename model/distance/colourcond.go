package distance

import (
	"math"
	"sort"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// colourConditional is the CMD's own distribution of the colours at a given
// absolute magnitude, p(bp-rp, bp-g | g), read off a grid of the CMD: the
// training's (CMDFit.GridNodes), where it is the third component of a
// training star's proposal (trainproposal.go), and the catalog's
// (GridDensity), where a refined star draws a quarter of its colours from
// it (colournoise.go).
//
// Why: the CMD is far narrower in colour than a faint star's colour noise
// (the white-dwarf sequence is about 0.05 mag wide, a G = 20 white dwarf's
// colour noise 0.3 mag per band), so of draws from the likelihood, or from
// a Gaussian of a quarter of its width, a few per star land on the
// sequence; the weighted draws the flow is trained on are then wider than
// the posterior, and the CMD the training converges to is wider than the
// truth (on the 60,000-star paper-000 sky the white dwarfs cost 0.9 nats
// each, half of the KL). Draws from the CMD's own conditional land where the
// CMD is; their weights are the colour likelihood, nearly flat across them.
//
// The conditional is piecewise constant: at the g node nearest a sample's
// g, each (bp-rp, bp-g) node owns the cell of the node spacing around it
// (on a sheared grid a parallelogram along the colours' line), with
// probability proportional to the grid's density at the node. Its
// density is exact, which is all the importance weights need.
type colourConditional struct {
	lo, step [3]float64
	n        [3]int
	shear    float64   // the grid's (flow.Grid.Shear): its third axis is bp-g - shear (bp-rp)
	cdf      []float64 // per g node, the cumulative cell probabilities (n[1]·n[2] each, the last 1)
	logDens  []float64 // per g node and cell, the log density of the colours in the cell
}

// newColourConditional tabulates the conditional of the grid's density.
// It returns nil where the grid is not a 3-dimensional one with at least 2
// nodes a side.
func newColourConditional(g *flow.Grid) *colourConditional {
	if g == nil || len(g.N) != 3 || len(g.Values) != g.N[0]*g.N[1]*g.N[2] {
		return nil
	}
	c := &colourConditional{shear: g.Shear}
	for j := range 3 {
		if g.N[j] < 2 || !(g.Hi[j] > g.Lo[j]) {
			return nil
		}
		c.lo[j], c.n[j] = g.Lo[j], g.N[j]
		c.step[j] = (g.Hi[j] - g.Lo[j]) / float64(g.N[j]-1)
	}
	m := c.n[1] * c.n[2]
	c.cdf = make([]float64, c.n[0]*m)
	c.logDens = make([]float64, c.n[0]*m)
	logCell := math.Log(c.step[1] * c.step[2])
	for i := range c.n[0] {
		v := g.Values[i*m : (i+1)*m]
		mx := math.Inf(-1)
		for _, x := range v {
			if x > mx {
				mx = x
			}
		}
		cdf, ld := c.cdf[i*m:(i+1)*m], c.logDens[i*m:(i+1)*m]
		var s float64
		for k, x := range v {
			if !(x > math.Inf(-1)) { // -Inf or NaN: no probability
				cdf[k] = s
				continue
			}
			s += math.Exp(x - mx)
			cdf[k] = s
		}
		if !(s > 0) || math.IsInf(s, 1) {
			// A slice without density (or a broken one) proposes nothing:
			// its samples take the adapted component's draw instead.
			for k := range cdf {
				cdf[k], ld[k] = 0, math.Inf(-1)
			}
			continue
		}
		logS := math.Log(s)
		for k, x := range v {
			cdf[k] /= s
			ld[k] = x - mx - logS - logCell
			if !(x > math.Inf(-1)) {
				ld[k] = math.Inf(-1)
			}
		}
		cdf[m-1] = 1
	}
	return c
}

// slice returns the g node nearest g, or false outside the grid's g range
// or where that node's slice holds no density.
func (c *colourConditional) slice(g float64) (int, bool) {
	t := (g - c.lo[0]) / c.step[0]
	if !(t > -0.5 && t < float64(c.n[0])-0.5) {
		return 0, false
	}
	i := int(math.Floor(t + 0.5))
	m := c.n[1] * c.n[2]
	return i, c.cdf[(i+1)*m-1] == 1
}

// draw returns colours (bp-rp, bp-g) from slice i, with u1 choosing the
// cell and u2, u3 the place in it (all uniform on (0, 1)).
func (c *colourConditional) draw(i int, u1, u2, u3 float64) (t1, t2 float64) {
	m := c.n[1] * c.n[2]
	cdf := c.cdf[i*m : (i+1)*m]
	// The first cell whose cumulative probability reaches u1: never one
	// of zero probability, since u1 > 0.
	k := min(sort.SearchFloat64s(cdf, u1), m-1)
	j1, j2 := k/c.n[2], k%c.n[2]
	t1 = c.lo[1] + (float64(j1)+u2-0.5)*c.step[1]
	return t1, c.lo[2] + (float64(j2)+u3-0.5)*c.step[2] + c.shear*t1
}

// logDensity returns the log density of colours (t1, t2) in slice i:
// -Inf outside the cells. A sheared grid's cells are parallelograms of the
// same area as their rectangles, so the density in (t1, t2) is the same.
func (c *colourConditional) logDensity(i int, t1, t2 float64) float64 {
	a, b := (t1-c.lo[1])/c.step[1], (t2-c.shear*t1-c.lo[2])/c.step[2]
	if !(a > -0.5 && a < float64(c.n[1])-0.5 && b > -0.5 && b < float64(c.n[2])-0.5) {
		return math.Inf(-1)
	}
	j1, j2 := int(math.Floor(a+0.5)), int(math.Floor(b+0.5))
	return c.logDens[(i*c.n[1]+j1)*c.n[2]+j2]
}

// dereddenedAt returns star i of p's G and colours dereddened by the dust
// map's median E at distance dist (pc), or as observed where the map does
// not cover it: where a proposal from the conditional reads the CMD (the
// proposal need only be a density in the colour noise, so any one
// dereddening does).
func (e *Estimator) dereddenedAt(p *Prepared, i int, dist float64) (g0, c1, c2 float64) {
	med, _, covered, _ := e.dust.Query(p.L[i], p.B[i], dist)
	if !covered || !star.Finite(med) {
		med = 0
	}
	ext := &e.cfg.Extinction
	return p.G[i] - ext.AG*med, p.BPRP[i] - ext.BPRP*med, p.BPG[i] - ext.BPG*med
}
