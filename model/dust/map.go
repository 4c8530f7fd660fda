package dust

import "math/bits"

// Map is a 3D dust map: the cumulative reddening E out to a distance along a
// line of sight, with its uncertainty. Bayestar (a grid of posterior samples)
// and Exact (an analytic map, such as the Gaussian of the simulation) serve
// the distance pipeline through it. A Map is read-only after construction and
// safe for concurrent use.
type Map interface {
	// At answers one query at Galactic (l, b) in degrees and distance in
	// parsecs; draw chooses the posterior sample (see SampleIndex).
	At(l, b, distPC float64, draw uint64) Point

	// Query answers a block of queries, star i at (l[i], b[i], distPC[i])
	// with draw[i]; draw may be nil, which chooses sample 0 everywhere. It
	// writes into dst (allocating it if nil, resizing its columns as
	// needed) and returns it. It panics if the slices differ in length.
	Query(dst *Result, l, b, distPC []float64, draw []uint64) *Result

	// Samples returns the number of posterior samples (1 for an exact map).
	Samples() int

	// Units returns what one unit of the map's E is.
	Units() Units
}

// Liner is a Map that answers many queries toward one direction without
// finding the direction again for each: the catalog dereddens every
// parallax sample of a star with the dust at the sample's own distance.
// Line(l, b).At(d, draw) equals At(l, b, d, draw).
type Liner interface {
	Line(l, b float64) Line
}

// Line is a Map's answers along one direction; see Liner.
type Line interface {
	At(distPC float64, draw uint64) Point
}

// Flags describe a query's place in the map.
type Flags uint8

const (
	// Covered: the direction is in the map (for Bayestar: a pixel holds it
	// and it is north of dec -30). Uncovered queries have NaN values.
	Covered Flags = 1 << iota
	// Reliable: the distance is inside the range the map's stars constrain
	// (Bayestar's DM_reliable_min .. DM_reliable_max).
	Reliable
	// Converged: the line-of-sight fit converged.
	Converged
)

// Point is what a query returns: the reddening E (in the map's units) at a
// distance along a line of sight.
type Point struct {
	Median float64 // median over the samples
	Mean   float64 // mean over the samples
	Std    float64 // standard deviation over the samples (divided by n, not n-1)
	Sample float64 // the sample that draw chose
	Index  int     // its index, in [0, Samples())
	Best   float64 // the best fit (maximum posterior)
	Flags  Flags
}

// Result holds the answers of a block query as columns, one row per star.
type Result struct {
	Median, Mean, Std, Sample, Best []float64
	Index                           []int32
	Flags                           []Flags
}

// Len returns the number of rows of r.
func (r *Result) Len() int { return len(r.Flags) }

// Point returns row i of r.
func (r *Result) Point(i int) Point {
	return Point{Median: r.Median[i], Mean: r.Mean[i], Std: r.Std[i], Sample: r.Sample[i],
		Index: int(r.Index[i]), Best: r.Best[i], Flags: r.Flags[i]}
}

func (r *Result) set(i int, p *Point) {
	r.Median[i], r.Mean[i], r.Std[i], r.Sample[i], r.Best[i] = p.Median, p.Mean, p.Std, p.Sample, p.Best
	r.Index[i], r.Flags[i] = int32(p.Index), p.Flags
}

// resize makes every column of r (allocated if nil) n long, reusing memory.
func (r *Result) resize(n int) *Result {
	if r == nil {
		r = &Result{}
	}
	f := func(s []float64) []float64 {
		if cap(s) >= n {
			return s[:n]
		}
		return make([]float64, n)
	}
	r.Median, r.Mean, r.Std, r.Sample, r.Best = f(r.Median), f(r.Mean), f(r.Std), f(r.Sample), f(r.Best)
	if cap(r.Index) >= n {
		r.Index = r.Index[:n]
	} else {
		r.Index = make([]int32, n)
	}
	if cap(r.Flags) >= n {
		r.Flags = r.Flags[:n]
	} else {
		r.Flags = make([]Flags, n)
	}
	return r
}

func checkLens(l, b, d []float64, draw []uint64) {
	if len(b) != len(l) || len(d) != len(l) || (draw != nil && len(draw) != len(l)) {
		panic("dust: query slices differ in length")
	}
}

// SampleIndex maps a uniform 64-bit draw to a sample index in [0, n): the
// high word of draw*n, so every index gets an equal share of draws. The
// caller seeds draw from (run seed, source_id, purpose), so a rerun picks
// the same samples.
func SampleIndex(draw uint64, n int) int {
	hi, _ := bits.Mul64(draw, uint64(n))
	return int(hi)
}

// DrawFor returns the smallest draw that SampleIndex maps to sample k of n,
// for a caller that wants a given sample. It panics unless 0 <= k < n.
func DrawFor(k, n int) uint64 {
	if k < 0 || k >= n {
		panic("dust: sample index out of range")
	}
	q, r := bits.Div64(uint64(k), 0, uint64(n))
	if r != 0 {
		q++
	}
	return q
}
