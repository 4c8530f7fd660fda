package flow

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"gonum.org/v1/gonum/mat"
)

// DefaultGridFloor is the log density (nats) that NewGrid raises lower node
// values, NaN and -Inf to unless GridOptions.Floor says otherwise: a density
// of zero for every purpose of a posterior, and finite, so that a grid's
// interpolation never mixes -Inf with a number.
const DefaultGridFloor = -1000

// Grid is a distilled density: log p of a flow of D <= 3 tabulated on a
// regular grid over a box, read back by multilinear (for D = 3 trilinear)
// interpolation of log p. The distance pipeline evaluates the CMD density
// hundreds of times per star; a Grid makes each evaluation a few dozen
// flops instead of a pass through the flow.
type Grid struct {
	Lo, Hi  []float64 // the box, per dimension, in data units
	N       []int     // nodes per dimension, >= 2 each; node i of dimension j is at Lo[j] + i*(Hi[j]-Lo[j])/(N[j]-1)
	Outside float64   // LogProb outside the box (or of a NaN), e.g. math.Inf(-1) or a floor
	Floor   float64   // node values below it (and NaN or -Inf ones) were raised to it
	Values  []float64 // log p at the nodes, row-major, the last dimension fastest

	// Shear, of a 3-D grid, makes its third axis x[2] - Shear x[1]
	// instead of x[2]: Lo[2], Hi[2] and N[2] are of that difference. A
	// CMD's two colours lie along a line (bp-g about half of bp-rp, the
	// stars within a few hundredths of a magnitude of it), across which
	// the density falls off sharply: on axes along the colours the nodes
	// fall mostly where there are no stars, and trilinear interpolation
	// of log p between them blurs that ridge; on the sheared axis the
	// same nodes sample across it. 0: no shear.
	Shear float64

	// Tail, if not nil, gives log p outside the box: a coarser grid over
	// a wider box (Outside beyond it), with no Tail of its own. A grid
	// over the box where a flow's draws are spends its nodes where the
	// stars are; its Tail keeps the rest of the flow's support, where a
	// few in 100,000 of the stars are, at a coarser resolution.
	Tail *Grid

	// Accuracy against the flow, measured by NewGrid at random points
	// uniform in the box (not at nodes): the largest and the mean absolute
	// error of log p (both sides raised to Floor), and the mean absolute
	// error weighted by the flow's density, which is what matters where the
	// stars are.
	MaxErr, MeanErr, MeanErrWeighted float64
	ErrPoints                        int // points the errors were measured at
}

// GridOptions are the options of NewGrid. The zero value is usable.
type GridOptions struct {
	Cond      []float64 // the fixed condition of a conditional flow (length C), nil if C = 0
	Outside   float64   // the value outside the box; 0 means math.Inf(-1)
	Floor     float64   // the least node value (far tails, where a float32 flow can overflow to -Inf, are raised to it); 0 means -1000
	Workers   int       // goroutines; 0 means runtime.GOMAXPROCS(0)
	ErrPoints int       // random points for the error measurement; 0 means 100000, negative means none
	Seed      uint64    // of the error points
	Shear     float64   // of a 3-D grid: the third axis is x[2] - Shear x[1] (Grid.Shear)
}

// NewGrid tabulates log p(x | opt.Cond) of f over the box [lo, hi] with n
// nodes per dimension, in parallel, and measures its error against f. It
// returns an error if f has more than 3 dimensions, if the box or the node
// counts are invalid, or if the condition has the wrong length.
func NewGrid(f *Flow, lo, hi []float64, n []int, opt GridOptions) (*Grid, error) {
	d := f.D()
	if d > 3 {
		return nil, fmt.Errorf("flow: grid of a %d-dimensional flow (at most 3)", d)
	}
	if len(lo) != d || len(hi) != d || len(n) != d {
		return nil, fmt.Errorf("flow: grid box or node counts of length %d, %d, %d for D = %d", len(lo), len(hi), len(n), d)
	}
	if len(opt.Cond) != f.C() {
		return nil, fmt.Errorf("flow: grid condition of length %d for C = %d", len(opt.Cond), f.C())
	}
	if opt.Shear != 0 && (d != 3 || math.IsNaN(opt.Shear) || math.IsInf(opt.Shear, 0)) {
		return nil, fmt.Errorf("flow: grid shear %g of a %d-D grid (a finite shear needs 3)", opt.Shear, d)
	}
	total := 1
	for j := 0; j < d; j++ {
		if !(hi[j] > lo[j]) || math.IsInf(hi[j]-lo[j], 0) {
			return nil, fmt.Errorf("flow: grid dimension %d: box [%g, %g] is empty or infinite", j, lo[j], hi[j])
		}
		if n[j] < 2 {
			return nil, fmt.Errorf("flow: grid dimension %d: %d nodes, need >= 2", j, n[j])
		}
		total *= n[j]
		if total > 1<<30 {
			return nil, errors.New("flow: grid of more than 2^30 nodes")
		}
	}
	outside := opt.Outside
	if outside == 0 {
		outside = math.Inf(-1)
	}
	floor := opt.Floor
	if floor == 0 {
		floor = DefaultGridFloor
	}
	g := &Grid{Lo: append([]float64(nil), lo...), Hi: append([]float64(nil), hi...),
		N: append([]int(nil), n...), Outside: outside, Floor: floor, Values: make([]float64, total), Shear: opt.Shear}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Nodes in chunks, each chunk one LogProb call.
	const chunk = 4096
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := mat.NewDense(chunk, d, nil)
			cond := condRows(opt.Cond, chunk)
			for start := range next {
				m := min(chunk, total-start)
				xs := x.Slice(0, m, 0, d).(*mat.Dense)
				for i := 0; i < m; i++ {
					g.node(start+i, xs.RawRowView(i))
				}
				var cs *mat.Dense
				if cond != nil {
					cs = cond.Slice(0, m, 0, f.C()).(*mat.Dense)
				}
				v := f.LogProb(g.Values[start:start+m], xs, cs)
				for i, lp := range v {
					if !(lp >= floor) {
						v[i] = floor
					}
				}
			}
		}()
	}
	for start := 0; start < total; start += chunk {
		next <- start
	}
	close(next)
	wg.Wait()

	npts := opt.ErrPoints
	if npts == 0 {
		npts = 100000
	}
	if npts > 0 {
		g.measure(f, opt.Cond, npts, opt.Seed)
	}
	return g, nil
}

// condRows returns rows copies of cond, or nil.
func condRows(cond []float64, rows int) *mat.Dense {
	if len(cond) == 0 {
		return nil
	}
	m := mat.NewDense(rows, len(cond), nil)
	for i := 0; i < rows; i++ {
		copy(m.RawRowView(i), cond)
	}
	return m
}

// node writes the coordinates of node index i into x.
func (g *Grid) node(i int, x []float64) {
	for j := len(g.N) - 1; j >= 0; j-- {
		k := i % g.N[j]
		i /= g.N[j]
		x[j] = g.Lo[j] + float64(k)*(g.Hi[j]-g.Lo[j])/float64(g.N[j]-1)
	}
	g.unshear(x)
}

// unshear turns a point of the grid's axes into data coordinates.
func (g *Grid) unshear(x []float64) {
	if g.Shear != 0 {
		x[2] += g.Shear * x[1]
	}
}

// outside is log p at x outside the box: its Tail's, or Outside.
func (g *Grid) outside(x []float64) float64 {
	if g.Tail != nil {
		return g.Tail.LogProb(x)
	}
	return g.Outside
}

// measure compares the grid with the flow at npts uniform random points.
func (g *Grid) measure(f *Flow, cond []float64, npts int, seed uint64) {
	d := len(g.N)
	rng := keyrand.New(seed, 0x67726964)
	x := mat.NewDense(npts, d, nil)
	for i := 0; i < npts; i++ {
		row := x.RawRowView(i)
		for j := range row {
			row[j] = g.Lo[j] + rng.Float64()*(g.Hi[j]-g.Lo[j])
		}
		g.unshear(row)
	}
	want := f.LogProb(nil, x, condRows(cond, npts))
	var maxE, sumE, sumW, sumWE float64
	for i := 0; i < npts; i++ {
		w := want[i]
		if math.IsNaN(w) {
			continue
		}
		w = max(w, g.Floor)
		e := math.Abs(g.LogProb(x.RawRowView(i)) - w)
		maxE = max(maxE, e)
		sumE += e
		p := math.Exp(w)
		sumW += p
		sumWE += p * e
	}
	g.MaxErr, g.MeanErr, g.ErrPoints = maxE, sumE/float64(npts), npts
	if sumW > 0 {
		g.MeanErrWeighted = sumWE / sumW
	}
}

// Validate reports whether g can be evaluated: 1 to 3 dimensions, for each
// a box [Lo, Hi] that is finite and not empty and at least 2 nodes, at most
// 2^30 nodes in all, one value per node, no NaN among the values, Floor or
// Outside, a finite Shear, only of a 3-D grid, and a Tail, if any, of as
// many dimensions that is valid and has no tail. A reader of a grid file
// checks what it returns with it.
func (g *Grid) Validate() error {
	d := len(g.N)
	if d < 1 || d > 3 || len(g.Lo) != d || len(g.Hi) != d {
		return fmt.Errorf("flow: grid of %d dimensions with a box of %d, %d", d, len(g.Lo), len(g.Hi))
	}
	total := 1
	for j := 0; j < d; j++ {
		if !(g.Hi[j] > g.Lo[j]) || math.IsInf(g.Hi[j]-g.Lo[j], 0) {
			return fmt.Errorf("flow: grid dimension %d: box [%g, %g] is empty or infinite", j, g.Lo[j], g.Hi[j])
		}
		if g.N[j] < 2 || g.N[j] > 1<<30 {
			return fmt.Errorf("flow: grid dimension %d: %d nodes, need >= 2", j, g.N[j])
		}
		total *= g.N[j]
		if total > 1<<30 {
			return errors.New("flow: grid of more than 2^30 nodes")
		}
	}
	if len(g.Values) != total {
		return fmt.Errorf("flow: grid of %v nodes with %d values", g.N, len(g.Values))
	}
	if math.IsNaN(g.Floor) || math.IsNaN(g.Outside) {
		return fmt.Errorf("flow: grid floor %v, outside %v", g.Floor, g.Outside)
	}
	if g.Shear != 0 && (d != 3 || math.IsNaN(g.Shear) || math.IsInf(g.Shear, 0)) {
		return fmt.Errorf("flow: grid shear %v of a %d-D grid (a finite shear needs 3)", g.Shear, d)
	}
	for i, v := range g.Values {
		if math.IsNaN(v) {
			return fmt.Errorf("flow: grid node %d is NaN", i)
		}
	}
	if t := g.Tail; t != nil {
		if len(t.N) != d || t.Tail != nil {
			return fmt.Errorf("flow: the tail of a %d-D grid is %d-D, or has a tail of its own", d, len(t.N))
		}
		if err := t.Validate(); err != nil {
			return fmt.Errorf("flow: the grid's tail: %w", err)
		}
	}
	return nil
}

// LogProb returns the interpolated log p at x (length D), or g.Outside if x
// is outside the box or NaN. It panics if len(x) is not D.
func (g *Grid) LogProb(x []float64) float64 {
	d := len(g.N)
	if len(x) != d {
		panic("flow: grid point has the wrong dimension")
	}
	var idx [3]int
	var frac [3]float64
	var z [3]float64
	copy(z[:], x)
	if d == 3 {
		z[2] = x[2] - g.Shear*x[1]
	}
	for j := 0; j < d; j++ {
		if !(z[j] >= g.Lo[j] && z[j] <= g.Hi[j]) {
			return g.outside(x)
		}
		t := (z[j] - g.Lo[j]) / (g.Hi[j] - g.Lo[j]) * float64(g.N[j]-1)
		k := int(t)
		if k >= g.N[j]-1 {
			k = g.N[j] - 2
		}
		idx[j], frac[j] = k, t-float64(k)
	}
	switch d {
	case 1:
		v := g.Values[idx[0]:]
		return v[0] + frac[0]*(v[1]-v[0])
	case 2:
		n1 := g.N[1]
		v := g.Values[idx[0]*n1+idx[1]:]
		a := v[0] + frac[1]*(v[1]-v[0])
		b := v[n1] + frac[1]*(v[n1+1]-v[n1])
		return a + frac[0]*(b-a)
	}
	n1, n2 := g.N[1], g.N[2]
	v := g.Values[(idx[0]*n1+idx[1])*n2+idx[2]:]
	lerp := func(o int) float64 { return v[o] + frac[2]*(v[o+1]-v[o]) }
	a0 := lerp(0)
	a1 := lerp(n2)
	b0 := lerp(n1 * n2)
	b1 := lerp(n1*n2 + n2)
	a := a0 + frac[1]*(a1-a0)
	b := b0 + frac[1]*(b1-b0)
	return a + frac[0]*(b-a)
}

// LogProbs writes the interpolated log p of each row of x into dst
// (allocated if nil) and returns it. It panics if x has other than D
// columns or dst has the wrong length.
func (g *Grid) LogProbs(dst []float64, x *mat.Dense) []float64 {
	r, c := x.Dims()
	if c != len(g.N) {
		panic("flow: grid points have the wrong dimension")
	}
	dst = reuse(dst, r)
	for i := range dst {
		dst[i] = g.LogProb(x.RawRowView(i))
	}
	return dst
}

// LogProb3 writes the interpolated log p of the points x (x, y, z
// triples, len(x) = 3 len(dst)) of a 3-D grid into dst: LogProb's
// arithmetic, bit for bit, without its per-point dispatch, for the
// distance estimate's hundreds of millions of evaluations. It panics if the
// grid is not 3-D or the lengths differ.
func (g *Grid) LogProb3(dst, x []float64) {
	if len(g.N) != 3 || len(x) != 3*len(dst) {
		panic("flow: LogProb3 needs a 3-D grid and 3 coordinates a point")
	}
	lo0, lo1, lo2 := g.Lo[0], g.Lo[1], g.Lo[2]
	hi0, hi1, hi2 := g.Hi[0], g.Hi[1], g.Hi[2]
	w0, w1, w2 := hi0-lo0, hi1-lo1, hi2-lo2
	m0, m1, m2 := float64(g.N[0]-1), float64(g.N[1]-1), float64(g.N[2]-1)
	n1, n2 := g.N[1], g.N[2]
	n12 := n1 * n2
	vals := g.Values
	shear := g.Shear
	for i := range dst {
		p := x[3*i : 3*i+3 : 3*i+3]
		p2 := p[2] - shear*p[1]
		if !(p[0] >= lo0 && p[0] <= hi0) || !(p[1] >= lo1 && p[1] <= hi1) || !(p2 >= lo2 && p2 <= hi2) {
			dst[i] = g.outside(p)
			continue
		}
		k0, f0 := gridCell(p[0], lo0, w0, m0, g.N[0])
		k1, f1 := gridCell(p[1], lo1, w1, m1, n1)
		k2, f2 := gridCell(p2, lo2, w2, m2, n2)
		v := vals[(k0*n1+k1)*n2+k2:]
		a0 := v[0] + f2*(v[1]-v[0])
		a1 := v[n2] + f2*(v[n2+1]-v[n2])
		b0 := v[n12] + f2*(v[n12+1]-v[n12])
		b1 := v[n12+n2] + f2*(v[n12+n2+1]-v[n12+n2])
		a := a0 + f1*(a1-a0)
		b := b0 + f1*(b1-b0)
		dst[i] = a + f0*(b-a)
	}
}
