package dust

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// MinDec is the southern limit of the Bayestar maps (the Pan-STARRS 1
// footprint): directions south of it are not covered, whatever the file holds.
const MinDec = -30.0

// MaxSamples is the largest number of posterior samples per pixel a Bayestar
// map may have (the releases have 5 or 20).
const MaxSamples = 256

// Grid is the content of a Bayestar map: multi-resolution HEALPix pixels
// (NESTED, in Galactic l, b), each with cumulative reddening on a grid of
// distance moduli. It is what files decode into and NewBayestar builds a map
// from; the slices are used, not copied.
type Grid struct {
	Version string    // "bayestar2019", "bayestar2017", "bayestar2015", or "" if unknown
	Units   Units     // what one unit of E is; the zero value takes UnitsOf(Version)
	DM      []float64 // distance moduli of the grid, increasing (len nDM)

	NSide []int32 // per pixel: HEALPix nside, a power of two
	Pixel []int64 // per pixel: NESTED index at NSide

	DMReliableMin, DMReliableMax []float32 // per pixel; NaN means no reliable range
	Converged                    []bool    // per pixel

	NumSamples int       // samples per pixel
	Samples    []float32 // [pixel][DM][sample]: len(NSide) * len(DM) * NumSamples
	Best       []float32 // [pixel][DM]: the best fit

	// Order, if not nil, lists the pixels sorted by their first index at the
	// finest nside, as Index returns it; NewBayestar checks it instead of
	// sorting (a compact file stores it to load faster).
	Order []int32
}

// Bayestar is a Bayestar 3D dust map in memory, queried as the dustmaps
// package (Green 2018, BayestarQuery) does:
//
//   - the pixel holding (l, b) is found among the map's nside levels (the
//     pixels must not overlap, so at most one holds a direction);
//   - at distance modulus dm = 5 log10(d/pc) - 5, with i the first grid point
//     with DM[i] >= dm: inside the grid E = (1-a) E[i] + a E[i-1] with
//     a = (DM[i]-dm)/(DM[i]-DM[i-1]) (linear in distance modulus); before the
//     first point E = E[0] * d/d(DM[0]) (proportional to distance); past the
//     last point E = E[last];
//   - each sample is interpolated, then the median, mean and standard
//     deviation are taken over the samples at that distance, as dustmaps
//     reduces its "samples" mode.
//
// A distance of zero or less gives E = 0, a NaN distance NaN. The map is
// read-only and safe for concurrent use; a query allocates nothing.
type Bayestar struct {
	grid     Grid
	units    Units
	nsamp    int
	ndm      int
	d0       float64 // distance (pc) of the first grid point
	idx      pixelIndex
	decPlane [3]float64 // sin(dec) = decPlane . (Galactic unit vector)
	sinMin   float64
}

// NewBayestar checks g (see Grid.Validate) and builds the pixel index of a
// map.
func NewBayestar(g Grid) (*Bayestar, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	m := &Bayestar{grid: g, nsamp: g.NumSamples, ndm: len(g.DM), units: g.Units}
	if m.units == (Units{}) {
		m.units, _ = UnitsOf(g.Version)
	}
	m.d0 = math.Pow(10, g.DM[0]/5+1)
	idx, err := newPixelIndex(g.NSide, g.Pixel, g.Order)
	if err != nil {
		return nil, err
	}
	m.idx = idx
	// sin(dec) of a Galactic direction is linear in its unit vector; the
	// coefficients are sin(dec) of the three Galactic axes.
	for k, lb := range [3][2]float64{{0, 0}, {90, 0}, {0, 90}} {
		_, dec := sky.GalacticToICRS(lb[0], lb[1])
		m.decPlane[k] = math.Sin(dec * math.Pi / 180)
	}
	m.sinMin = math.Sin(MinDec * math.Pi / 180)
	return m, nil
}

// Validate reports whether g can make a map: consistent lengths, a
// finite, increasing DM grid, 1 to MaxSamples samples, known or valid units,
// and pixels of power-of-two nside with in-range indexes that do not overlap
// (in the order of Order when it is set). NewBayestar fails exactly when
// Validate does; a reader of a map file checks what it returns with it.
func (g *Grid) Validate() error {
	if err := g.check(); err != nil {
		return err
	}
	_, err := newPixelIndex(g.NSide, g.Pixel, g.Order)
	return err
}

// check is Validate without the pixel index, which NewBayestar builds.
func (g *Grid) check() error {
	npix, ndm, ns := len(g.NSide), len(g.DM), g.NumSamples
	switch {
	case ndm < 1:
		return errors.New("dust: Bayestar grid without distance moduli")
	case ns < 1 || ns > MaxSamples:
		return fmt.Errorf("dust: %d samples per pixel (want 1..%d)", ns, MaxSamples)
	case len(g.Pixel) != npix || len(g.DMReliableMin) != npix || len(g.DMReliableMax) != npix || len(g.Converged) != npix:
		return fmt.Errorf("dust: pixel columns of different lengths (%d nside, %d index, %d/%d reliable, %d converged)",
			npix, len(g.Pixel), len(g.DMReliableMin), len(g.DMReliableMax), len(g.Converged))
	case len(g.Samples) != npix*ndm*ns:
		return fmt.Errorf("dust: %d sample values, want %d pixels x %d DM x %d samples", len(g.Samples), npix, ndm, ns)
	case len(g.Best) != npix*ndm:
		return fmt.Errorf("dust: %d best-fit values, want %d pixels x %d DM", len(g.Best), npix, ndm)
	}
	for i, v := range g.DM {
		if math.IsNaN(v) || math.IsInf(v, 0) || (i > 0 && !(v > g.DM[i-1])) {
			return fmt.Errorf("dust: distance-modulus grid not increasing at %d (%v)", i, v)
		}
	}
	if g.Units == (Units{}) {
		if _, err := UnitsOf(g.Version); err != nil {
			return fmt.Errorf("dust: map units: give Grid.Units or a known Version: %w", err)
		}
	} else if err := g.Units.Validate(); err != nil {
		return err
	}
	return nil
}

// Grid returns the data the map was built from (shared, not copied).
func (m *Bayestar) Grid() *Grid { return &m.grid }

// Samples returns the number of posterior samples per pixel.
func (m *Bayestar) Samples() int { return m.nsamp }

// Units returns the units of the map's E.
func (m *Bayestar) Units() Units { return m.units }

// Len returns the number of pixels.
func (m *Bayestar) Len() int { return len(m.grid.NSide) }

// DM returns the distance-modulus grid.
func (m *Bayestar) DM() []float64 { return m.grid.DM }

// Pixel returns the row of the map pixel holding the Galactic direction
// (l, b) in degrees, or -1 if none does. The dec limit is not applied.
func (m *Bayestar) Pixel(l, b float64) int {
	return m.idx.find(l, b)
}

// covered reports whether (l, b) is north of MinDec.
func (m *Bayestar) northOfLimit(l, b float64) bool {
	sl, cl := math.Sincos(l * math.Pi / 180)
	sb, cb := math.Sincos(b * math.Pi / 180)
	z := m.decPlane[0]*cb*cl + m.decPlane[1]*cb*sl + m.decPlane[2]*sb
	return z >= m.sinMin
}

// At answers one query; see Bayestar and Map.
func (m *Bayestar) At(l, b, distPC float64, draw uint64) Point {
	var p Point
	m.at(&p, l, b, distPC, draw)
	return p
}

// Query answers a block of queries; see Map.
func (m *Bayestar) Query(dst *Result, l, b, distPC []float64, draw []uint64) *Result {
	checkLens(l, b, distPC, draw)
	dst = dst.resize(len(l))
	var p Point
	for i := range l {
		var u uint64
		if draw != nil {
			u = draw[i]
		}
		m.at(&p, l[i], b[i], distPC[i], u)
		dst.set(i, &p)
	}
	return dst
}

var nan = math.NaN()

func (m *Bayestar) at(p *Point, l, b, d float64, draw uint64) {
	m.atRow(p, m.row(l, b), d, draw)
}

// row returns the map row of direction (l, b), or -1 where the map has
// none (no pixel, or south of MinDec).
func (m *Bayestar) row(l, b float64) int {
	row := m.idx.find(l, b)
	if row < 0 || !m.northOfLimit(l, b) {
		return -1
	}
	return row
}

// Line returns the map's answers toward (l, b); see Liner.
func (m *Bayestar) Line(l, b float64) Line { return bayestarLine{m, m.row(l, b)} }

type bayestarLine struct {
	m   *Bayestar
	row int
}

func (ln bayestarLine) At(distPC float64, draw uint64) Point {
	var p Point
	ln.m.atRow(&p, ln.row, distPC, draw)
	return p
}

// atRow answers one query in map row row (-1: none).
func (m *Bayestar) atRow(p *Point, row int, d float64, draw uint64) {
	*p = Point{Median: nan, Mean: nan, Std: nan, Sample: nan, Best: nan,
		Index: SampleIndex(draw, m.nsamp)}
	if row < 0 {
		return
	}
	g := &m.grid
	p.Flags = Covered
	if g.Converged[row] {
		p.Flags |= Converged
	}
	if math.IsNaN(d) {
		return
	}
	dm := 5*math.Log10(d) - 5
	lo, hi := float64(g.DMReliableMin[row]), float64(g.DMReliableMax[row])
	if dm >= lo && dm <= hi { // false for NaN bounds
		p.Flags |= Reliable
	}
	ns, nd := m.nsamp, m.ndm
	// i: the first grid point at or beyond dm (numpy searchsorted, left).
	e := g.DM
	i := sort.SearchFloat64s(e, dm)
	best := g.Best[row*nd : (row+1)*nd]
	samp := g.Samples[row*nd*ns : (row+1)*nd*ns]
	var v [MaxSamples]float64
	vals := v[:ns]
	switch {
	case i == 0:
		s := d / m.d0
		if d <= 0 {
			s = 0
		}
		p.Best = s * float64(best[0])
		for k := range vals {
			vals[k] = s * float64(samp[k])
		}
	case i == nd:
		p.Best = float64(best[nd-1])
		last := samp[(nd-1)*ns:]
		for k := range vals {
			vals[k] = float64(last[k])
		}
	default:
		a := (e[i] - dm) / (e[i] - e[i-1])
		p.Best = (1-a)*float64(best[i]) + a*float64(best[i-1])
		up, down := samp[i*ns:(i+1)*ns], samp[(i-1)*ns:i*ns]
		for k := range vals {
			vals[k] = (1-a)*float64(up[k]) + a*float64(down[k])
		}
	}
	p.Sample = vals[p.Index]
	var sum float64
	for _, x := range vals {
		sum += x
	}
	mean := sum / float64(ns)
	var ss float64
	for _, x := range vals {
		ss += (x - mean) * (x - mean)
	}
	p.Mean, p.Std = mean, math.Sqrt(ss/float64(ns))
	// median: insertion sort of the few samples
	for k := 1; k < ns; k++ {
		x := vals[k]
		j := k - 1
		for ; j >= 0 && vals[j] > x; j-- {
			vals[j+1] = vals[j]
		}
		vals[j+1] = x
	}
	if ns%2 == 1 {
		p.Median = vals[ns/2]
	} else {
		p.Median = (vals[ns/2-1] + vals[ns/2]) / 2
	}
}

// pixelIndex finds the pixel of a multi-resolution NESTED map that holds a
// direction with one HEALPix evaluation at the finest nside: a pixel of
// nside n covers the interval [p, p+1) << 2 log2(nmax/n) of finest indices,
// the intervals are sorted, and a table over coarse cells bounds the binary
// search to the few intervals of one cell.
type pixelIndex struct {
	nmax      int64
	start     []int64 // sorted interval starts at nmax
	end       []int64 // interval ends (exclusive)
	row       []int32 // map row of each interval
	cellShift uint
	cells     []int32 // cells[c]: first interval with start >= c << cellShift
}

// Index returns the rows of the pixels sorted by their first index at the
// finest nside: the Order a Grid may carry. It fails as NewBayestar does on
// bad pixels.
func Index(nside []int32, pixel []int64) ([]int32, error) {
	idx, err := newPixelIndex(nside, pixel, nil)
	if err != nil {
		return nil, err
	}
	return idx.row, nil
}

func newPixelIndex(nside []int32, pixel []int64, order []int32) (pixelIndex, error) {
	n := len(nside)
	var nmax int64 = 1
	for i, s := range nside {
		if s < 1 || s > 1<<29 || s&(s-1) != 0 {
			return pixelIndex{}, fmt.Errorf("dust: pixel %d: nside %d is not a power of two", i, s)
		}
		if p := pixel[i]; p < 0 || p >= 12*int64(s)*int64(s) {
			return pixelIndex{}, fmt.Errorf("dust: pixel %d: index %d outside nside %d", i, p, s)
		}
		nmax = max(nmax, int64(s))
	}
	lmax := bits.Len64(uint64(nmax)) - 1
	x := pixelIndex{nmax: nmax, start: make([]int64, n), end: make([]int64, n)}
	shift := func(i int) uint { return uint(2 * (lmax - (bits.Len32(uint32(nside[i])) - 1))) }
	if order != nil {
		if len(order) != n {
			return pixelIndex{}, fmt.Errorf("dust: pixel order of %d rows for %d pixels", len(order), n)
		}
		x.row = order
	} else {
		x.row = make([]int32, n)
		for i := range x.row {
			x.row[i] = int32(i)
		}
		sort.Slice(x.row, func(a, b int) bool {
			ra, rb := x.row[a], x.row[b]
			return pixel[ra]<<shift(int(ra)) < pixel[rb]<<shift(int(rb))
		})
	}
	seen := make([]bool, n)
	for k, r := range x.row {
		if r < 0 || int(r) >= n || seen[r] {
			return pixelIndex{}, fmt.Errorf("dust: pixel order is not a permutation (row %d)", r)
		}
		seen[r] = true
		s := shift(int(r))
		x.start[k] = pixel[r] << s
		x.end[k] = (pixel[r] + 1) << s
		if k > 0 {
			switch {
			case x.start[k] < x.start[k-1]:
				return pixelIndex{}, errors.New("dust: pixel order is not sorted")
			case x.start[k] < x.end[k-1]:
				a := x.row[k-1]
				return pixelIndex{}, fmt.Errorf("dust: pixels overlap: nside %d index %d and nside %d index %d",
					nside[a], pixel[a], nside[r], pixel[r])
			}
		}
	}
	// Cells: the coarsest level with at most about 4 cells per pixel (at
	// least the 12 base pixels), no finer than nmax.
	level := 0
	for level < lmax && 12<<(2*(level+1)) <= max(4*n, 12) {
		level++
	}
	x.cellShift = uint(2 * (lmax - level))
	ncell := 12 << (2 * level)
	x.cells = make([]int32, ncell+1)
	k := 0
	for c := 0; c <= ncell; c++ {
		lo := int64(c) << x.cellShift
		for k < n && x.start[k] < lo {
			k++
		}
		x.cells[c] = int32(k)
	}
	return x, nil
}

// find returns the row of the pixel holding (l, b), or -1.
func (x *pixelIndex) find(l, b float64) int {
	if len(x.start) == 0 {
		return -1
	}
	p := sky.NestedPixel(x.nmax, l, b)
	if p < 0 {
		return -1
	}
	c := p >> x.cellShift
	lo, hi := int(x.cells[c]), int(x.cells[c+1])
	// the last interval with start <= p is in [lo-1, hi-1]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if x.start[mid] <= p {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	k := lo - 1
	if k < 0 || p >= x.end[k] {
		return -1
	}
	return int(x.row[k])
}
