package flow

import "errors"

// ColumnGrid is a 3-D Grid stored with its first coordinate varying
// fastest: the nodes along the first axis at one pair of the other two lie
// next to each other in memory. A distance estimate evaluates a star's
// parallax samples at its observed colours, points that differ only in the
// first coordinate (g): in a Grid, whose last coordinate varies fastest,
// each such point reads four cache lines of two planes 128 KiB apart, and
// the reads are what the evaluation waits for; in a ColumnGrid a star's
// points read the same four short runs of memory.
type ColumnGrid struct {
	grid *Grid
	cols []float64 // node (i, j, k) at (j*N[2]+k)*N[0]+i
}

// NewColumnGrid returns g's values rearranged into a ColumnGrid (a copy;
// g is not changed). It returns an error if g is not 3-D.
func NewColumnGrid(g *Grid) (*ColumnGrid, error) {
	if len(g.N) != 3 || len(g.Values) != g.N[0]*g.N[1]*g.N[2] {
		return nil, errors.New("flow: a column grid needs a 3-D grid")
	}
	n0, n1, n2 := g.N[0], g.N[1], g.N[2]
	cols := make([]float64, len(g.Values))
	for i := range n0 {
		for j := range n1 {
			row := g.Values[(i*n1+j)*n2 : (i*n1+j+1)*n2]
			for k, v := range row {
				cols[(j*n2+k)*n0+i] = v
			}
		}
	}
	return &ColumnGrid{grid: g, cols: cols}, nil
}

// LogProb3 writes the interpolated log p of the points x (triples,
// len(x) = 3 len(dst)) into dst: Grid.LogProb3's values, bit for bit
// (the same arithmetic on the same nodes). It is faster than the Grid's
// where consecutive points share their second and third coordinates, and
// slower where they do not. It panics if the lengths differ.
func (c *ColumnGrid) LogProb3(dst, x []float64) {
	g := c.grid
	if len(x) != 3*len(dst) {
		panic("flow: LogProb3 needs 3 coordinates a point")
	}
	lo0, lo1, lo2 := g.Lo[0], g.Lo[1], g.Lo[2]
	hi0, hi1, hi2 := g.Hi[0], g.Hi[1], g.Hi[2]
	w0, w1, w2 := hi0-lo0, hi1-lo1, hi2-lo2
	m0, m1, m2 := float64(g.N[0]-1), float64(g.N[1]-1), float64(g.N[2]-1)
	n0, n1, n2 := g.N[0], g.N[1], g.N[2]
	var c00, c01, c10, c11 []float64 // the four columns around the current pair
	var f1, f2 float64
	last1, last2 := 0.0, 0.0
	fresh := true
	shear := g.Shear
	for i := range dst {
		p := x[3*i : 3*i+3 : 3*i+3]
		p2 := p[2] - shear*p[1]
		if !(p[0] >= lo0 && p[0] <= hi0) || !(p[1] >= lo1 && p[1] <= hi1) || !(p2 >= lo2 && p2 <= hi2) {
			dst[i] = g.outside(p)
			continue
		}
		k0, f0 := gridCell(p[0], lo0, w0, m0, n0)
		if fresh || p[1] != last1 || p[2] != last2 {
			fresh, last1, last2 = false, p[1], p[2]
			var k1, k2 int
			k1, f1 = gridCell(p[1], lo1, w1, m1, n1)
			k2, f2 = gridCell(p2, lo2, w2, m2, n2)
			at := func(j, k int) []float64 { return c.cols[(j*n2+k)*n0 : (j*n2+k+1)*n0] }
			c00, c01, c10, c11 = at(k1, k2), at(k1, k2+1), at(k1+1, k2), at(k1+1, k2+1)
		}
		// Grid.LogProb3's expression with v[0] = c00[k0], v[1] = c01[k0],
		// v[n2] = c10[k0], v[n12] = c00[k0+1] and so on.
		a0 := c00[k0] + f2*(c01[k0]-c00[k0])
		a1 := c10[k0] + f2*(c11[k0]-c10[k0])
		b0 := c00[k0+1] + f2*(c01[k0+1]-c00[k0+1])
		b1 := c10[k0+1] + f2*(c11[k0+1]-c10[k0+1])
		a := a0 + f1*(a1-a0)
		b := b0 + f1*(b1-b0)
		dst[i] = a + f0*(b-a)
	}
}

// gridCell returns the cell of v on an axis from lo over width w with m+1
// = n nodes, and v's fraction of the way across it.
func gridCell(v, lo, w, m float64, n int) (int, float64) {
	t := (v - lo) / w * m
	k := int(t)
	if k >= n-1 {
		k = n - 2
	}
	return k, t - float64(k)
}
