package distance

import (
	"errors"
	"math"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// U0Percentile is the percentile of the UWE that defines u0 in each cell of
// G and colour (GAIA-C3-TN-LU-LL-124 §2): for a well-behaved population the
// RUWE distribution then peaks near 1.
const U0Percentile = 0.41

// The UWE histogram of each cell: U0Bins bins uniform in log10 UWE over
// [U0LogMin, U0LogMax] (UWE 0.25 to 10, 0.01 dex per bin, read back by
// linear interpolation within the bin), plus an underflow and an overflow
// bin so that every source counts towards the percentile's rank.
const (
	U0Bins   = 160
	U0LogMin = -0.6
	U0LogMax = 1.0
)

// ErrNoData is returned when there is nothing to compute from.
var ErrNoData = errors.New("distance: no data")

// U0Builder computes a U0 table from the data as Lindegren et al. (2018) did:
// u0 at each node of the grid is the 41st percentile of the UWE of the
// sources in the cell around the node (|G - node| <= DG/2, and likewise in
// BP-RP; sources beyond the grid count in its edge cells), and the G-only
// table the same in G alone over the sources without a colour. Sources are
// kept as histograms, so builders over parts of the data Merge exactly, in
// any order: a Beam combiner wraps Add, Merge and Table. The fields are
// exported so that such a combiner can encode the accumulator.
type U0Builder struct {
	Grid     U0       // the geometry; its value slices are ignored
	Cells    []uint32 // NG×NC cells × (U0Bins+2) counts
	NoColour []uint32 // NG × (U0Bins+2): sources without BP-RP
	AllG     []uint32 // NG × (U0Bins+2): every source, by G (the fallback of the G-only table)
}

const u0Slots = U0Bins + 2

// NewU0Builder returns an empty builder on the grid of g (only G0, DG, NG,
// C0, DC, NC are used). A zero g means LindegrenGrid. It panics if the grid
// is invalid.
func NewU0Builder(g U0) *U0Builder {
	if g.DG == 0 && g.DC == 0 && g.NG == 0 && g.NC == 0 {
		g = LindegrenGrid()
	}
	g.Values, g.GOnly = nil, nil
	if !(g.DG > 0) || !(g.DC > 0) || g.NG < 1 || g.NC < 1 {
		panic("distance: NewU0Builder: invalid grid")
	}
	return &U0Builder{
		Grid:     g,
		Cells:    make([]uint32, g.NG*g.NC*u0Slots),
		NoColour: make([]uint32, g.NG*u0Slots),
		AllG:     make([]uint32, g.NG*u0Slots),
	}
}

// cell returns the index of the node nearest x on x0 + i dx, i < n, clamped.
func cell(x, x0, dx float64, n int) int {
	i := math.Round((x - x0) / dx)
	if !(i > 0) {
		return 0
	}
	if i >= float64(n-1) {
		return n - 1
	}
	return int(i)
}

// slot returns the histogram slot of a UWE: 0 underflow, U0Bins+1 overflow.
func slot(uwe float64) int {
	t := (math.Log10(uwe) - U0LogMin) / (U0LogMax - U0LogMin) * U0Bins
	if t < 0 {
		return 0
	}
	if t >= U0Bins {
		return U0Bins + 1
	}
	return 1 + int(t)
}

// Add counts a source of G magnitude g, colour bprp (NaN if none) and unit
// weight error uwe. Sources without G or UWE are ignored.
func (b *U0Builder) Add(g, bprp, uwe float64) {
	if math.IsNaN(g) || !(uwe > 0) || math.IsInf(uwe, 1) {
		return
	}
	gr := &b.Grid
	i := cell(g, gr.G0, gr.DG, gr.NG)
	s := slot(uwe)
	b.AllG[i*u0Slots+s]++
	if math.IsNaN(bprp) {
		b.NoColour[i*u0Slots+s]++
		return
	}
	j := cell(bprp, gr.C0, gr.DC, gr.NC)
	b.Cells[(i*gr.NC+j)*u0Slots+s]++
}

// AddBlock adds every star of blk that has G, astrometric_chi2_al and
// astrometric_n_good_obs_al, with its bp_rp (or BP - RP) as colour.
func (b *U0Builder) AddBlock(blk *star.Block) {
	for i := range blk.SourceID {
		c := blk.BPRP[i]
		if math.IsNaN(c) {
			c = blk.BP[i] - blk.RP[i]
		}
		b.Add(blk.G[i], c, UWE(blk.Chi2AL[i], blk.NGoodObsAL[i]))
	}
}

// Merge adds the counts of o to b. It panics if their grids differ.
func (b *U0Builder) Merge(o *U0Builder) {
	if b.Grid.G0 != o.Grid.G0 || b.Grid.DG != o.Grid.DG || b.Grid.NG != o.Grid.NG ||
		b.Grid.C0 != o.Grid.C0 || b.Grid.DC != o.Grid.DC || b.Grid.NC != o.Grid.NC {
		panic("distance: merging u0 builders of different grids")
	}
	for k, v := range o.Cells {
		b.Cells[k] += v
	}
	for k, v := range o.NoColour {
		b.NoColour[k] += v
	}
	for k, v := range o.AllG {
		b.AllG[k] += v
	}
}

// percentile returns the p-quantile of the UWE histogram h and the number
// of sources in it (NaN if none).
func percentile(h []uint32, p float64) (float64, int) {
	n := 0
	for _, c := range h {
		n += int(c)
	}
	if n == 0 {
		return math.NaN(), 0
	}
	r := p * float64(n)
	cum := 0.0
	w := (U0LogMax - U0LogMin) / U0Bins
	for k, c := range h {
		if c == 0 || cum+float64(c) < r {
			cum += float64(c)
			continue
		}
		switch k {
		case 0:
			return math.Pow(10, U0LogMin), n
		case U0Bins + 1:
			return math.Pow(10, U0LogMax), n
		}
		f := (r - cum) / float64(c)
		return math.Pow(10, U0LogMin+(float64(k-1)+f)*w), n
	}
	return math.Pow(10, U0LogMax), n
}

// Table returns the u0 table: at each node the 41st percentile of the UWE in
// its cell if the cell holds at least minCount sources (0 means 30), else the
// value of the nearest such cell in colour along the same G row, else of the
// nearest row in G that has one. The G-only table uses the sources without a
// colour where a G cell has minCount of them, else all sources of the cell,
// else the nearest G node that has enough. If no cell has minCount sources,
// every node takes the percentile over all sources; it returns ErrNoData if
// there are fewer than minCount of those.
func (b *U0Builder) Table(minCount int) (*U0, error) {
	if minCount <= 0 {
		minCount = 30
	}
	g := b.Grid
	ng, nc := g.NG, g.NC
	vals := make([]float64, ng*nc)
	for k := range vals {
		v, n := percentile(b.Cells[k*u0Slots:(k+1)*u0Slots], U0Percentile)
		if n < minCount {
			v = math.NaN()
		}
		vals[k] = v
	}
	rowOK := make([]bool, ng)
	anyRow := false
	for i := 0; i < ng; i++ {
		row := vals[i*nc : (i+1)*nc]
		rowOK[i] = fillNearest(row)
		anyRow = anyRow || rowOK[i]
	}
	if !anyRow {
		// Too few sources to fill any cell (a small sky, a small cone): one
		// u0 for every G and colour, the 41st percentile over all of them,
		// if they are minCount. u0 varies by some tens of per cent across
		// the grid, far less than the RUWE cut's margin (1.4 against 1).
		all := make([]uint32, u0Slots)
		for i := 0; i < ng; i++ {
			for k, c := range b.AllG[i*u0Slots : (i+1)*u0Slots] {
				all[k] += c
			}
		}
		v, n := percentile(all, U0Percentile)
		if n < minCount {
			return nil, ErrNoData
		}
		gonly := make([]float64, ng)
		for k := range vals {
			vals[k] = v
		}
		for i := range gonly {
			gonly[i] = v
		}
		g.Values, g.GOnly = vals, gonly
		return &g, g.Validate()
	}
	for i := 0; i < ng; i++ {
		if rowOK[i] {
			continue
		}
		src := nearestTrue(rowOK, i)
		copy(vals[i*nc:(i+1)*nc], vals[src*nc:(src+1)*nc])
	}
	gonly := make([]float64, ng)
	for i := range gonly {
		v, n := percentile(b.NoColour[i*u0Slots:(i+1)*u0Slots], U0Percentile)
		if n < minCount {
			v, n = percentile(b.AllG[i*u0Slots:(i+1)*u0Slots], U0Percentile)
		}
		if n < minCount {
			v = math.NaN()
		}
		gonly[i] = v
	}
	fillNearest(gonly) // at least one G cell has minCount sources: some row did
	g.Values, g.GOnly = vals, gonly
	return &g, g.Validate()
}

// fillNearest replaces each NaN of v by the nearest non-NaN value (the lower
// index on a tie) and reports whether there was one.
func fillNearest(v []float64) bool {
	ok := make([]bool, len(v))
	any := false
	for k, x := range v {
		ok[k] = !math.IsNaN(x)
		any = any || ok[k]
	}
	if !any {
		return false
	}
	for k := range v {
		if !ok[k] {
			v[k] = v[nearestTrue(ok, k)]
		}
	}
	return true
}

// nearestTrue returns the index of the true element of ok nearest k, the
// lower on a tie; ok must hold a true element.
func nearestTrue(ok []bool, k int) int {
	for d := 1; ; d++ {
		if k-d >= 0 && ok[k-d] {
			return k - d
		}
		if k+d < len(ok) && ok[k+d] {
			return k + d
		}
	}
}
