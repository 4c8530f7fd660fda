package stream

import (
	"fmt"
	"math"
)

// HoughConfig chooses the Hough line finder of Via Machinae (Shih et al.
// 2022, §3.4). The zero value is the paper's: 100 x 100 bins over theta in
// [0, pi) and rho in [-10, 10] degrees; an inner box of 3 x 5 bins (5.4
// degrees of theta by 1 degree of rho, the paper's w_theta and w_rho); an
// outer box 5 times larger on each side (15 x 25 bins, 27 degrees by 5
// degrees); the background of the paper's text (BackgroundRing); stars in a
// disk of radius 10 degrees.
type HoughConfig struct {
	ThetaBins int     // bins over theta in [0, pi); 0 means 100
	RhoBins   int     // bins over rho in [-RhoMax, RhoMax]; 0 means 100
	RhoMax    float64 // degrees; 0 means 10
	// Radius is the radius (degrees) of the disk about the patch centre that
	// holds the stars: the box areas that renormalise the background are
	// areas of this disk. 0 means 10, the fiducial disk.
	Radius float64
	// BoxTheta and BoxRho are the inner box's size in bins, both odd so that
	// the box is centred on a bin; 0 means 3 and 5.
	BoxTheta, BoxRho int
	// Outer is the ratio of the outer (background) box's sides to the inner
	// box's, odd and at least 3; 0 means 5.
	Outer int
	// Background chooses how n_bg is estimated; the zero value is the
	// paper's text (BackgroundRing).
	Background Background
	// MinBackground floors the background under the square root of
	// sigma_L = (n - n_bg) / sqrt(n_bg), so that a box with next to no
	// expected curves (at the rim of the disk) cannot claim a large
	// significance from one or two stars; 0 means 1, negative means none.
	MinBackground float64
}

// withDefaults returns c with zero fields replaced by the defaults. It panics
// on invalid values.
func (c HoughConfig) withDefaults() HoughConfig {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.ThetaBins, 100)
	def(&c.RhoBins, 100)
	def(&c.BoxTheta, 3)
	def(&c.BoxRho, 5)
	def(&c.Outer, 5)
	if c.RhoMax == 0 {
		c.RhoMax = 10
	}
	if c.Radius == 0 {
		c.Radius = 10
	}
	if c.MinBackground == 0 {
		c.MinBackground = 1
	}
	if c.MinBackground < 0 {
		c.MinBackground = 0
	}
	switch {
	case c.ThetaBins < 1 || c.RhoBins < 1:
		panic(fmt.Sprintf("stream: HoughConfig: %d x %d bins", c.ThetaBins, c.RhoBins))
	case !(c.RhoMax > 0) || !(c.Radius > 0):
		panic(fmt.Sprintf("stream: HoughConfig: RhoMax %v and Radius %v must be positive", c.RhoMax, c.Radius))
	case c.BoxTheta < 1 || c.BoxRho < 1 || c.Outer < 3 ||
		c.BoxTheta%2 == 0 || c.BoxRho%2 == 0 || c.Outer%2 == 0:
		panic(fmt.Sprintf("stream: HoughConfig: box %d x %d must be odd and positive, outer factor %d odd and at least 3",
			c.BoxTheta, c.BoxRho, c.Outer))
	case c.Background != BackgroundRing && c.Background != BackgroundTiles:
		panic(fmt.Sprintf("stream: HoughConfig: unknown background %d", c.Background))
	case c.Outer*c.BoxTheta >= 2*c.ThetaBins:
		panic(fmt.Sprintf("stream: HoughConfig: outer box of %d theta bins wider than 2 pi", c.Outer*c.BoxTheta))
	}
	return c
}

// Fit is the best line of one set of stars: the Hough bin whose inner box
// has the largest sigma_L.
type Fit struct {
	// Line is the refined line (see Finder.Find), canonical (theta in
	// [0, pi)).
	Line Line
	// ThetaBin in [0, ThetaBins) and RhoBin in [0, RhoBins) are the centre
	// bin of the best box; BoxLine is that bin's centre as a line, the line
	// the paper reports.
	ThetaBin, RhoBin int
	BoxLine          Line
	N                int     // curves through the inner box
	NBg              float64 // background n_bg (HoughConfig.Background)
	Sigma            float64 // sigma_L = (N - NBg) / sqrt(max(NBg, MinBackground))
}

// Finder finds the most significant line among a set of stars in a patch
// frame by the Hough transform of Via Machinae (Shih et al. 2022, §3.4).
//
// Each star's curve rho(theta) = phi sin(theta) - lambda cos(theta) is
// followed exactly: over each theta bin the curve's rho range (end points,
// and the curve's extremum +-r when it falls inside the bin) gives the rho
// bins it crosses. n(theta, rho) is the number of curves that cross the
// inner box centred on a bin; a curve crosses a box if it crosses any of its
// bins. The outer box, Outer times larger on each side and centred on the
// same bin, gives m; the background is n_bg = (m - n) A_in / (A_out - A_in),
// A the area of the disk covered by the lines of each box (BoxArea), so that
// uniform stars give E[n_bg] = E[n]. Boxes wrap around theta = 0, pi by the
// periodicity of Hough space. The best bin maximises sigma_L = (n - n_bg) /
// sqrt(n_bg); ties go to the first bin in (theta, rho) order.
//
// A Finder holds scratch space: it is not safe for concurrent use; use one
// per goroutine. Find does not allocate once its tables have grown to the
// largest number of stars seen.
type Finder struct {
	cfg          HoughConfig
	nt, nr       int     // bins
	dTheta, dRho float64 // bin widths, radians and degrees
	invDRho      float64 // 1 / dRho
	htIn, hrIn   int     // inner box half-sizes in bins
	htOut, hrOut int     // outer box half-sizes in bins
	nte          int     // theta columns with the outer box's margins
	theta0       float64 // theta of the first extended edge
	sinE, cosE   []float64
	ratio        []float64 // per rho bin: A_in / (A_out - A_in)
	strip        []float64 // per rho bin: the disk's area between the inner box's rho edges (tiles)
	tileScale    []float64 // per rho bin: strip / (number of tiles other than the centre)
	tiles        bool      // Background == BackgroundTiles
	rs           []float64 // [j*kw + k]: 1 / sqrt(max(k ratio[j], MinBackground))
	kw           int       // row length of rs: the most stars it covers, plus one

	// Scratch for the stars of one call, compacted to those with a curve.
	px, py     []float64 // positions
	tMax, tMin []int32   // extended column of the curve's maximum +r and minimum -r, or noCol
	bMax, bMin []int16   // rho bins of +r and -r
	eb         []int16   // [e*m + u]: rho bin of star u's curve at extended edge e
	m          int       // stars the scratch holds
	dIn, dOut  []int32   // difference arrays, nt x (nr + 1)
	nG         []int32   // n per bin, nt x nr
	bgG, sigG  []float64 // n_bg and sigma_L per bin
	gG, tG     []float64 // tiles: n / strip, and its sums over rho tiles
	peak       []int32   // single-bin counts around the best box
	lx, ly     []float64 // the stars through a peak bin (refine)
}

// noCol marks a curve extremum outside the extended theta range; any
// unsigned window test against it fails.
const noCol = math.MinInt32 / 2

// NewFinder returns a Finder for cfg (zero fields take their defaults). It
// panics on an invalid configuration: bins or box sizes not positive, box
// sizes or the outer factor even, an outer factor below 3, an outer box
// wider than 2 pi, an unknown Background.
func NewFinder(cfg HoughConfig) *Finder {
	c := cfg.withDefaults()
	f := &Finder{cfg: c, nt: c.ThetaBins, nr: c.RhoBins}
	f.dTheta = math.Pi / float64(f.nt)
	f.dRho = 2 * c.RhoMax / float64(f.nr)
	f.invDRho = 1 / f.dRho
	f.htIn, f.hrIn = (c.BoxTheta-1)/2, (c.BoxRho-1)/2
	f.htOut, f.hrOut = (c.Outer*c.BoxTheta-1)/2, (c.Outer*c.BoxRho-1)/2
	f.nte = f.nt + 2*f.htOut
	f.theta0 = -float64(f.htOut) * f.dTheta
	f.sinE = make([]float64, f.nte+1)
	f.cosE = make([]float64, f.nte+1)
	for e := range f.sinE {
		f.sinE[e], f.cosE[e] = math.Sincos(f.theta0 + float64(e)*f.dTheta)
	}
	f.ratio = make([]float64, f.nr)
	f.strip = make([]float64, f.nr)
	for j := range f.nr {
		in, out := f.Area(j)
		f.ratio[j] = in / (out - in)
		f.strip[j] = BoxArea(f.rhoEdge(j-f.hrIn), f.rhoEdge(j+f.hrIn+1), 0, c.Radius)
	}
	f.tiles = c.Background == BackgroundTiles
	f.tileScale = make([]float64, f.nr)
	for j := range f.nr {
		cnt := 0
		for b := -(c.Outer - 1) / 2; b <= (c.Outer-1)/2; b++ {
			if jj := j + b*c.BoxRho; jj >= 0 && jj < f.nr {
				cnt++
			}
		}
		f.tileScale[j] = f.strip[j] / float64(c.Outer*cnt-1)
	}
	size := f.nt * f.nr
	f.nG = make([]int32, size)
	f.bgG, f.sigG = make([]float64, size), make([]float64, size)
	if f.tiles {
		f.gG, f.tG = make([]float64, size), make([]float64, size)
	}
	f.dIn = make([]int32, f.nt*(f.nr+1))
	f.dOut = make([]int32, f.nt*(f.nr+1))
	f.peak = make([]int32, 3*c.BoxTheta*3*c.BoxRho)
	return f
}

// Config returns the Finder's configuration with its defaults filled in.
func (f *Finder) Config() HoughConfig { return f.cfg }

// rhoEdge returns the lower rho edge (degrees) of rho bin j (any integer).
func (f *Finder) rhoEdge(j int) float64 { return -f.cfg.RhoMax + float64(j)*f.dRho }

// BinLine returns the centre of Hough bin (t, j) as a line.
func (f *Finder) BinLine(t, j int) Line {
	return Line{Theta: (float64(t) + 0.5) * f.dTheta, Rho: f.rhoEdge(j) + 0.5*f.dRho}.Canonical()
}

// Area returns the areas (square degrees) of the disk covered by the lines
// of the inner and the outer box centred on rho bin j (BoxArea).
func (f *Finder) Area(j int) (inner, outer float64) {
	wIn := float64(f.cfg.BoxTheta) * f.dTheta
	wOut := float64(f.cfg.Outer*f.cfg.BoxTheta) * f.dTheta
	inner = BoxArea(f.rhoEdge(j-f.hrIn), f.rhoEdge(j+f.hrIn+1), wIn, f.cfg.Radius)
	outer = BoxArea(f.rhoEdge(j-f.hrOut), f.rhoEdge(j+f.hrOut+1), wOut, f.cfg.Radius)
	return inner, outer
}

// grow makes the scratch ready for n stars.
func (f *Finder) grow(n int) {
	if f.kw < n+1 {
		f.kw = max(n+1, 2*f.kw)
		f.rs = make([]float64, f.nr*f.kw)
		for j := range f.nr {
			for k := range f.kw {
				f.rs[j*f.kw+k] = 1 / math.Sqrt(math.Max(float64(k)*f.ratio[j], f.cfg.MinBackground))
			}
		}
	}
	if f.m < n {
		f.m = max(n, 2*f.m)
		f.px, f.py = make([]float64, f.m), make([]float64, f.m)
		f.tMax, f.tMin = make([]int32, f.m), make([]int32, f.m)
		f.bMax, f.bMin = make([]int16, f.m), make([]int16, f.m)
		f.eb = make([]int16, (f.nte+1)*f.m)
		f.lx, f.ly = make([]float64, 0, f.m), make([]float64, 0, f.m)
	}
}

// bin returns the rho bin of rho (degrees), clamped to a margin beyond
// [0, nr) wide enough for every box.
func (f *Finder) bin(rho float64) int16 {
	off := float64(f.hrOut + 2)
	v := (rho+f.cfg.RhoMax)*f.invDRho + off
	v = min(max(v, 0), float64(f.nr)+2*off) // NaN-free: callers pass finite rho
	return int16(int32(v) - int32(off))     // truncation is floor for v >= 0
}

// extrema returns the extended columns holding the maximum +r and the
// minimum -r of the curve of the star at (phi, lambda), noCol where outside
// the extended range, and their rho bins. The curve r sin(theta - alpha)
// peaks at alpha + pi/2 and dips at alpha - pi/2.
func (f *Finder) extrema(phi, lambda float64) (tMax, tMin int32, bMax, bMin int16) {
	r := math.Hypot(phi, lambda)
	alpha := math.Atan2(lambda, phi)
	span := float64(f.nte) * f.dTheta
	col := func(theta float64) int32 {
		x := theta - f.theta0
		x -= 2 * math.Pi * math.Floor(x/(2*math.Pi))
		if x >= span {
			return noCol
		}
		return int32(min(int(x/f.dTheta), f.nte-1))
	}
	return col(alpha + math.Pi/2), col(alpha - math.Pi/2), f.bin(r), f.bin(-r)
}

// load compacts the stars with a finite position into the scratch, with the
// rho bins of their curves at every extended edge, and returns their number.
func (f *Finder) load(phi, lambda []float64) int {
	f.grow(len(phi))
	m := 0
	for s := range phi {
		x, y := phi[s], lambda[s]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		f.px[m], f.py[m] = x, y
		f.tMax[m], f.tMin[m], f.bMax[m], f.bMin[m] = f.extrema(x, y)
		m++
	}
	px, py := f.px[:m], f.py[:m]
	off := float64(f.hrOut + 2)
	top := float64(f.nr) + 2*off
	shift, scale := f.cfg.RhoMax*f.invDRho+off, f.invDRho
	for e := range f.nte + 1 {
		s, c := f.sinE[e]*scale, f.cosE[e]*scale
		row := f.eb[e*f.m : e*f.m+m]
		py := py[:len(row)]
		for u, x := range px[:len(row)] {
			v := min(max(x*s-py[u]*c+shift, 0), top) // as bin, inlined
			row[u] = int16(int32(v) - int32(off))
		}
	}
	return m
}

// window returns the rho bins [a, b] that star u's curve crosses over the
// extended columns [c0, c0 + w]. Between its extrema a sinusoid is
// monotone, so the range is the end edges' unless an extremum falls inside.
func (f *Finder) window(u, c0, w int) (a, b int16) {
	e0, e1 := f.eb[c0*f.m+u], f.eb[(c0+w+1)*f.m+u]
	a, b = min(e0, e1), max(e0, e1)
	if uint32(f.tMax[u]-int32(c0)) <= uint32(w) {
		b = f.bMax[u]
	}
	if uint32(f.tMin[u]-int32(c0)) <= uint32(w) {
		a = f.bMin[u]
	}
	return a, b
}

// accumulate loads the stars and fills the difference arrays f.dIn and
// f.dOut: for each theta bin, +1 at the first and -1 past the last rho bin
// whose inner (outer) box a curve crosses. It returns the number of stars
// with a curve.
func (f *Finder) accumulate(phi, lambda []float64) int {
	m := f.load(phi, lambda)
	stride := f.nr + 1
	clear(f.dIn)
	clear(f.dOut)
	hrIn, hrOut := int32(f.hrIn), int32(f.hrOut)
	wIn, wOut := int64(2*f.htIn)+1, int64(2*f.htOut)+1 // columns per box
	last := int32(f.nr - 1)
	tiles := f.tiles
	tMax, tMin := f.tMax[:m], f.tMin[:m]
	bMax, bMin := f.bMax[:m], f.bMin[:m]
	for i := range f.nt {
		rowIn := f.dIn[i*stride : (i+1)*stride]
		rowOut := f.dOut[i*stride : (i+1)*stride]
		cIn := i + f.htOut - f.htIn // first column of the inner box
		in0 := f.eb[cIn*f.m : cIn*f.m+m]
		in1 := f.eb[(cIn+2*f.htIn+1)*f.m : (cIn+2*f.htIn+1)*f.m+m]
		out0 := f.eb[i*f.m : i*f.m+m] // the outer box starts at column i
		out1 := f.eb[(i+2*f.htOut+1)*f.m : (i+2*f.htOut+1)*f.m+m]
		ci, co := int32(cIn), int32(i)
		in1, out0, out1 = in1[:len(in0)], out0[:len(in0)], out1[:len(in0)]
		tMax, tMin, bMax, bMin := tMax[:len(in0)], tMin[:len(in0)], bMax[:len(in0)], bMin[:len(in0)]
		// Branch-free: which end edge is lower depends on the sign of the
		// curve's slope, which no predictor guesses.
		for u := range in0 {
			tx, tn := tMax[u], tMin[u]
			bx, bn := int32(bMax[u]), int32(bMin[u])
			a, b := minMax(int32(in0[u]), int32(in1[u]))
			b ^= (b ^ bx) & inside(tx-ci, wIn)
			a ^= (a ^ bn) & inside(tn-ci, wIn)
			lo, hi := clampLow(a-hrIn), clampHigh(b+hrIn, last)
			if lo <= hi {
				rowIn[lo]++
				rowIn[hi+1]--
			}
			if tiles {
				continue
			}
			a, b = minMax(int32(out0[u]), int32(out1[u]))
			b ^= (b ^ bx) & inside(tx-co, wOut)
			a ^= (a ^ bn) & inside(tn-co, wOut)
			lo, hi = clampLow(a-hrOut), clampHigh(b+hrOut, last)
			if lo <= hi {
				rowOut[lo]++
				rowOut[hi+1]--
			}
		}
	}
	return m
}

// minMax returns (min, max) of a and b without a branch.
func minMax(a, b int32) (lo, hi int32) {
	d := a - b
	s := d >> 31 // -1 if a < b
	return b + d&s, a - d&s
}

// inside returns -1 (all bits set) if 0 <= d < w, else 0, without a branch.
func inside(d int32, w int64) int32 {
	return int32((int64(uint32(d)) - w) >> 63)
}

// clampLow returns max(x, 0); clampHigh returns min(x, hi); no branches.
func clampLow(x int32) int32 { return x &^ (x >> 31) }

func clampHigh(x, hi int32) int32 {
	d := x - hi
	return x - d&^(d>>31)
}

// Find returns the best line among the stars at patch-frame positions (phi,
// lambda) in degrees. Stars with a NaN or infinite coordinate are ignored.
//
// Besides the paper's bin (Fit.BoxLine), Find refines the line (Fit.Line).
// Neighbouring boxes often hold the same curves (stars within 10 degrees of
// a line's foot move their curves by at most 0.3 degrees of rho per theta
// bin), so the best box can sit a bin or two off the crossing point. Over
// the best box grown by one box size on each side, the single bins crossed
// by the most curves are the peak; the line is the orthogonal least-squares
// line of the stars whose curves cross a peak bin, kept if it lies in that
// neighbourhood, else the mean centre of the peak bins. Stars exactly on a
// line give that line to rounding error; a stream among noise gives it to a
// fraction of a bin (Recover). It panics if phi and lambda differ in
// length.
func (f *Finder) Find(phi, lambda []float64) Fit {
	if len(phi) != len(lambda) {
		panic(fmt.Sprintf("stream: Finder.Find: %d phi, %d lambda", len(phi), len(lambda)))
	}
	m := f.accumulate(phi, lambda)
	f.grid()
	best := Fit{Sigma: math.Inf(-1)}
	for k, sig := range f.sigG {
		if sig > best.Sigma {
			best.Sigma, best.ThetaBin, best.RhoBin = sig, k/f.nr, k%f.nr
		}
	}
	k := best.ThetaBin*f.nr + best.RhoBin
	best.N, best.NBg = int(f.nG[k]), f.bgG[k]
	if m == 0 {
		best.Sigma = 0
	}
	best.BoxLine = f.BinLine(best.ThetaBin, best.RhoBin)
	best.Line = f.refine(m, best)
	return best
}

// Map writes the Hough maps of the stars at (phi, lambda) into n, bg and
// sigma, row-major by theta bin (index t*RhoBins + j): the curves through
// the inner box centred on each bin, the background n_bg and sigma_L, as
// Find computes them; it returns them. Any of the three may be nil to skip
// it; otherwise each must have length ThetaBins*RhoBins (it panics if not).
// It is for plots (the paper's Fig. 7) and checks; Find does not build maps.
func (f *Finder) Map(n []int32, bg, sigma []float64, phi, lambda []float64) ([]int32, []float64, []float64) {
	size := f.nt * f.nr
	for _, l := range []int{len(n), len(bg), len(sigma)} {
		if l != 0 && l != size {
			panic(fmt.Sprintf("stream: Finder.Map: map of length %d, want %d", l, size))
		}
	}
	if len(phi) != len(lambda) {
		panic(fmt.Sprintf("stream: Finder.Map: %d phi, %d lambda", len(phi), len(lambda)))
	}
	f.accumulate(phi, lambda)
	f.grid()
	if n != nil {
		copy(n, f.nG)
	}
	if bg != nil {
		copy(bg, f.bgG)
	}
	if sigma != nil {
		copy(sigma, f.sigG)
	}
	return n, bg, sigma
}

// Members appends to dst[:0] the indices of the stars whose curves cross the
// inner box of fit (the stars "in the best-fit line", Shih et al. 2022, §4)
// and returns it. It panics if phi and lambda differ in length.
func (f *Finder) Members(dst []int, phi, lambda []float64, fit Fit) []int {
	if len(phi) != len(lambda) {
		panic(fmt.Sprintf("stream: Finder.Members: %d phi, %d lambda", len(phi), len(lambda)))
	}
	dst = dst[:0]
	c0 := fit.ThetaBin + f.htOut - f.htIn // first column of the box
	w := 2 * f.htIn
	lo, hi := int16(fit.RhoBin-f.hrIn), int16(fit.RhoBin+f.hrIn)
	for s := range phi {
		x, y := phi[s], lambda[s]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		e0 := f.bin(x*f.sinE[c0] - y*f.cosE[c0])
		e1 := f.bin(x*f.sinE[c0+w+1] - y*f.cosE[c0+w+1])
		a, b := min(e0, e1), max(e0, e1)
		tMax, tMin, bMax, bMin := f.extrema(x, y)
		if uint32(tMax-int32(c0)) <= uint32(w) {
			b = bMax
		}
		if uint32(tMin-int32(c0)) <= uint32(w) {
			a = bMin
		}
		if a <= hi && b >= lo {
			dst = append(dst, s)
		}
	}
	return dst
}
