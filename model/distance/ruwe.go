package distance

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// UWE returns the unit weight error of a Gaia astrometric solution,
// sqrt(chi2 / (n - 5)) with chi2 = astrometric_chi2_al and n =
// astrometric_n_good_obs_al (Lindegren et al. 2018, GAIA-C3-TN-LU-LL-124,
// eq. 1). It returns NaN if either is missing, chi2 is negative or n <= 5.
func UWE(chi2AL, nGoodObsAL float64) float64 {
	if !(chi2AL >= 0) || !(nGoodObsAL > 5) || math.IsInf(chi2AL, 1) {
		return math.NaN()
	}
	return math.Sqrt(chi2AL / (nGoodObsAL - 5))
}

// U0 is the normalisation of the renormalised unit weight error,
// RUWE = UWE / u0(G, C) with C = BP-RP (GAIA-C3-TN-LU-LL-124): values at the
// nodes of a regular grid in G and C, read back bilinearly and clamped to the
// grid's edges, and a table in G alone for sources without a colour. It is
// either given (the tech note's published DR2 table; an io package reads its
// files) or computed from the data (U0Builder).
type U0 struct {
	G0, DG float64   // G nodes at G0 + i DG, i < NG, mag
	NG     int       //
	C0, DC float64   // colour nodes at C0 + j DC, j < NC, mag
	NC     int       //
	Values []float64 // u0 at the nodes, NG × NC, row-major (colour fastest)
	GOnly  []float64 // u0 at the G nodes for sources without a colour, NG values
}

// LindegrenGrid returns an empty U0 laid out as the tech note's DR2 tables:
// G from 3.6 to 21.0 and BP-RP from -1.0 to 10.0, both in steps of 0.1 mag.
func LindegrenGrid() U0 {
	return U0{G0: 3.6, DG: 0.1, NG: 175, C0: -1.0, DC: 0.1, NC: 111}
}

// Validate reports whether u has positive steps, at least one node in each
// direction, value slices of the right lengths, and positive finite values.
func (u *U0) Validate() error {
	if !(u.DG > 0) || !(u.DC > 0) || u.NG < 1 || u.NC < 1 || math.IsNaN(u.G0) || math.IsNaN(u.C0) {
		return fmt.Errorf("distance: u0 grid G0=%g DG=%g NG=%d C0=%g DC=%g NC=%d is invalid", u.G0, u.DG, u.NG, u.C0, u.DC, u.NC)
	}
	if len(u.Values) != u.NG*u.NC || len(u.GOnly) != u.NG {
		return fmt.Errorf("distance: u0 table has %d and %d values for a %d×%d grid", len(u.Values), len(u.GOnly), u.NG, u.NC)
	}
	for _, vs := range [][]float64{u.Values, u.GOnly} {
		for _, v := range vs {
			if !(v > 0) || math.IsInf(v, 1) {
				return errors.New("distance: u0 table holds a value that is not positive and finite")
			}
		}
	}
	return nil
}

// node returns the lower node index and the fraction towards the next for x
// on the grid x0 + i dx, i < n, clamped to the edges.
func node(x, x0, dx float64, n int) (int, float64) {
	if n == 1 {
		return 0, 0
	}
	t := (x - x0) / dx
	if !(t > 0) {
		return 0, 0
	}
	if t >= float64(n-1) {
		return n - 2, 1
	}
	i := int(t)
	return i, t - float64(i)
}

// At returns u0 at G = g and BP-RP = bprp (mag): bilinear in the grid, the
// G-only table if bprp is NaN, NaN if g is NaN.
func (u *U0) At(g, bprp float64) float64 {
	if math.IsNaN(g) {
		return math.NaN()
	}
	i, fg := node(g, u.G0, u.DG, u.NG)
	if math.IsNaN(bprp) {
		if u.NG == 1 {
			return u.GOnly[0]
		}
		return u.GOnly[i] + fg*(u.GOnly[i+1]-u.GOnly[i])
	}
	j, fc := node(bprp, u.C0, u.DC, u.NC)
	at := func(i, j int) float64 { return u.Values[i*u.NC+j] }
	i1, j1 := min(i+1, u.NG-1), min(j+1, u.NC-1)
	lo := at(i, j) + fc*(at(i, j1)-at(i, j))
	hi := at(i1, j) + fc*(at(i1, j1)-at(i1, j))
	return lo + fg*(hi-lo)
}

// RUWE returns UWE(chi2AL, nGoodObsAL) / u0(g, bprp), NaN where either is
// unavailable.
func (u *U0) RUWE(chi2AL, nGoodObsAL, g, bprp float64) float64 {
	return UWE(chi2AL, nGoodObsAL) / u.At(g, bprp)
}

// NewU0 builds a U0 table from its published form, rows of (G, BP-RP, u0)
// on a regular grid in any order, and rows of (G, u0) for the G-only table
// on the same G nodes (the tech note's two DR2 files). It returns an error
// if the nodes are not a complete regular grid, or the G-only rows do not
// cover its G nodes.
func NewU0(g, c, u0 []float64, gOnlyG, gOnlyU0 []float64) (*U0, error) {
	if len(c) != len(g) || len(u0) != len(g) || len(gOnlyU0) != len(gOnlyG) || len(g) == 0 {
		return nil, errors.New("distance: u0 table columns differ in length or are empty")
	}
	g0, dg, ng, err := regularNodes(g)
	if err != nil {
		return nil, fmt.Errorf("distance: u0 table G nodes: %w", err)
	}
	c0, dc, nc, err := regularNodes(c)
	if err != nil {
		return nil, fmt.Errorf("distance: u0 table colour nodes: %w", err)
	}
	t := &U0{G0: g0, DG: dg, NG: ng, C0: c0, DC: dc, NC: nc,
		Values: make([]float64, ng*nc), GOnly: make([]float64, ng)}
	for k := range t.Values {
		t.Values[k] = math.NaN()
	}
	for k := range t.GOnly {
		t.GOnly[k] = math.NaN()
	}
	index := func(x, x0, dx float64) int { return int(math.Round((x - x0) / dx)) }
	for k := range g {
		t.Values[index(g[k], g0, dg)*nc+index(c[k], c0, dc)] = u0[k]
	}
	for k := range gOnlyG {
		i := index(gOnlyG[k], g0, dg)
		if i < 0 || i >= ng || math.Abs(gOnlyG[k]-(g0+float64(i)*dg)) > 1e-6*dg {
			return nil, fmt.Errorf("distance: u0 G-only row at G = %g is not a node of the table", gOnlyG[k])
		}
		t.GOnly[i] = gOnlyU0[k]
	}
	for _, v := range t.Values {
		if math.IsNaN(v) {
			return nil, errors.New("distance: u0 table misses nodes of its grid")
		}
	}
	for _, v := range t.GOnly {
		if math.IsNaN(v) {
			return nil, errors.New("distance: u0 G-only table misses G nodes")
		}
	}
	return t, t.Validate()
}

// regularNodes returns the first node, the step and the number of nodes of
// the distinct values of x, which must be evenly spaced (to 1e-6 of the
// step).
func regularNodes(x []float64) (x0, dx float64, n int, err error) {
	u := slices.Clone(x)
	slices.Sort(u)
	u = slices.Compact(u)
	if math.IsNaN(u[len(u)-1]) || math.IsNaN(u[0]) {
		return 0, 0, 0, errors.New("NaN node")
	}
	if len(u) == 1 {
		return u[0], 1, 1, nil
	}
	dx = (u[len(u)-1] - u[0]) / float64(len(u)-1)
	for i := 1; i < len(u); i++ {
		if math.Abs(u[i]-u[i-1]-dx) > 1e-6*dx {
			return 0, 0, 0, fmt.Errorf("nodes %g and %g are not %g apart", u[i-1], u[i], dx)
		}
	}
	return u[0], dx, len(u), nil
}
