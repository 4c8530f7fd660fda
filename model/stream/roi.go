package stream

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
)

// Stars are the stars of one search region of one patch, as columns of
// equal length, after ANODE: positions and proper motions in the patch frame
// (model/sky Frame.Star), Gaia photometry, and the anomaly ratio R.
type Stars struct {
	Phi, Lambda     []float64 // degrees
	PMPhi, PMLambda []float64 // mas/yr; PMPhi = mu_phi cos(lambda)
	G, BPRP         []float64 // mag; may be nil when the cuts on them are skipped
	R               []float64 // ANODE's p_SR / p_CR
	SourceID        []int64   // optional (nil): Gaia source_id, for the members of candidates
	PMError         []float64 // optional (nil): proper-motion error per coordinate, mas/yr (anode.Patch.PMError)
}

// Len returns the number of stars.
func (s *Stars) Len() int { return len(s.Phi) }

// check panics if the columns that cfg reads differ in length.
func (s *Stars) check(skip Cut) {
	n := len(s.Phi)
	bad := len(s.Lambda) != n || len(s.PMPhi) != n || len(s.R) != n ||
		(skip&CutPMZero == 0 && len(s.PMLambda) != n) ||
		(skip&CutMag == 0 && len(s.G) != n) ||
		(skip&CutColour == 0 && len(s.BPRP) != n) ||
		(s.SourceID != nil && len(s.SourceID) != n) || (s.PMError != nil && len(s.PMError) != n)
	if bad {
		panic(fmt.Sprintf("stream: Stars: column lengths differ (phi %d, lambda %d, pmPhi %d, pmLambda %d, g %d, bp-rp %d, R %d, source_id %d)",
			n, len(s.Lambda), len(s.PMPhi), len(s.PMLambda), len(s.G), len(s.BPRP), len(s.R), len(s.SourceID)))
	}
}

// Cut names a fiducial cut of Via Machinae (Shih et al. 2022, §2 and §3.3);
// a set of cuts is a bit mask.
type Cut uint8

const (
	CutRadius Cut = 1 << iota // inside the inner disk of the patch: phi^2 + lambda^2 < Radius^2
	CutMag                    // g < GMax
	CutPMZero                 // |mu_lambda| > PMZero or |mu_phi*| > PMZero (eq. 4)
	CutColour                 // ColourMin <= b-r <= ColourMax
)

// ROIConfig chooses the fiducial cuts and the regions of interest. The zero
// value is the paper's: the inner 10 degrees, g < 20.2, |mu_lambda| > 2 or
// |mu_phi*| > 2 mas/yr, 0.5 <= b-r <= 1; mu_phi* windows 6 mas/yr wide in
// steps of 1; at least 200 stars; the 100 with the highest R kept.
type ROIConfig struct {
	Radius               float64 // degrees; 0 means 10
	GMax                 float64 // mag; 0 means 20.2
	PMZero               float64 // mas/yr; 0 means 2
	ColourMin, ColourMax float64 // mag; both 0 means 0.5 and 1
	// Skip lists cuts not to apply, e.g. CutMag|CutColour for data without
	// Gaia photometry (the GD-1 test strip); their columns may then be nil.
	Skip Cut
	// Window k of mu_phi* is [k Stride, k Stride + Width) mas/yr.
	Width, Stride float64 // 0 means 6 and 1
	MinStars      int     // fewest stars (after the cuts) in an ROI; 0 means 200
	Top           int     // highest-R stars kept per ROI; 0 means 100
}

func (c ROIConfig) withDefaults() ROIConfig {
	if c.Radius == 0 {
		c.Radius = 10
	}
	if c.GMax == 0 {
		c.GMax = 20.2
	}
	if c.PMZero == 0 {
		c.PMZero = 2
	}
	if c.ColourMin == 0 && c.ColourMax == 0 {
		c.ColourMin, c.ColourMax = 0.5, 1
	}
	if c.Width == 0 {
		c.Width = 6
	}
	if c.Stride == 0 {
		c.Stride = 1
	}
	if c.MinStars == 0 {
		c.MinStars = 200
	}
	if c.Top == 0 {
		c.Top = 100
	}
	if !(c.Width > 0) || !(c.Stride > 0) || c.Top < 1 || c.MinStars < 0 {
		panic(fmt.Sprintf("stream: ROIConfig: width %v, stride %v, top %d, min stars %d", c.Width, c.Stride, c.Top, c.MinStars))
	}
	return c
}

// CutCounts counts the stars of search regions by where they went: removed
// by the first cut they fail (in the order below), or kept. A star is never
// counted twice for one region.
type CutCounts struct {
	NoR    int // R or a position or mu_phi* is NaN
	Radius int
	Mag    int
	PMZero int
	Colour int
	Kept   int
}

// Add adds o's counts to c.
func (c *CutCounts) Add(o CutCounts) {
	c.NoR += o.NoR
	c.Radius += o.Radius
	c.Mag += o.Mag
	c.PMZero += o.PMZero
	c.Colour += o.Colour
	c.Kept += o.Kept
}

// Window is one region of interest of a search region: the mu_phi* window
// [PMMin, PMMax) mas/yr, number PM (PMMin = PM * Stride), holding N stars
// after the cuts.
type Window struct {
	PM           int
	PMMin, PMMax float64
	N            int
}

// Selector applies the fiducial cuts and forms the regions of interest of
// search regions. It holds scratch space: use one per goroutine.
type Selector struct {
	cfg    ROIConfig
	keep   []int32 // stars passing the cuts, by mu_phi*
	top    []int32 // heap, then the chosen stars by decreasing R
	counts CutCounts
}

// NewSelector returns a Selector for cfg (zero fields take their defaults).
// It panics if the window width or stride is not positive or Top < 1.
func NewSelector(cfg ROIConfig) *Selector {
	return &Selector{cfg: cfg.withDefaults()}
}

// Config returns the Selector's configuration with its defaults filled in.
func (s *Selector) Config() ROIConfig { return s.cfg }

// Counts returns the cut counts of the last call to ROIs.
func (s *Selector) Counts() CutCounts { return s.counts }

// pass returns the first cut star i fails, 0 if it passes, or 255 if a
// value every ROI needs (R, position, mu_phi*) is NaN.
func (s *Selector) pass(st *Stars, i int) Cut {
	c := &s.cfg
	if math.IsNaN(st.R[i]) || math.IsNaN(st.Phi[i]) || math.IsNaN(st.Lambda[i]) || math.IsNaN(st.PMPhi[i]) {
		return 255
	}
	return c.Fiducial(st.Phi[i], st.Lambda[i], st.PMPhi[i], at(st.PMLambda, i), at(st.G, i), at(st.BPRP, i))
}

func at(col []float64, i int) float64 {
	if col == nil {
		return math.NaN()
	}
	return col[i]
}

// Fiducial returns the first fiducial cut of c (defaults filled in, as
// Selector.Config returns them) that a star at (phi, lambda) in a patch's
// frame, with proper motions (mu_phi*, mu_lambda), magnitude g and colour
// b-r fails; 0 if it passes them all.
func (c ROIConfig) Fiducial(phi, lambda, pmPhi, pmLambda, g, bprp float64) Cut {
	if c.Skip&CutRadius == 0 && !(phi*phi+lambda*lambda < c.Radius*c.Radius) {
		return CutRadius
	}
	if c.Skip&CutMag == 0 && !(g < c.GMax) {
		return CutMag
	}
	if c.Skip&CutPMZero == 0 && !(math.Abs(pmLambda) > c.PMZero || math.Abs(pmPhi) > c.PMZero) {
		return CutPMZero
	}
	if c.Skip&CutColour == 0 && !(bprp >= c.ColourMin && bprp <= c.ColourMax) {
		return CutColour
	}
	return 0
}

// ROIs returns the regions of interest of the search region's stars (Shih
// et al. 2022, §3.3): the stars passing the fiducial cuts, in mu_phi*
// windows of Width every Stride mas/yr, each window with at least MinStars
// of them; with each window, the indices (into st) of its Top stars of
// highest R, by decreasing R (ties by index). The slice is reused from one
// window to the next: copy what you keep. The windows come in increasing
// PM. Counts then holds the cut counts. A NaN in G, BPRP or PMLambda fails
// the cut that reads it. It panics if the columns the cuts read differ in
// length.
func (s *Selector) ROIs(st *Stars) iter.Seq2[Window, []int32] {
	return func(yield func(Window, []int32) bool) {
		st.check(s.cfg.Skip)
		s.counts = CutCounts{}
		s.keep = s.keep[:0]
		for i := range st.Len() {
			switch s.pass(st, i) {
			case 0:
				s.keep = append(s.keep, int32(i))
				s.counts.Kept++
			case 255:
				s.counts.NoR++
			case CutRadius:
				s.counts.Radius++
			case CutMag:
				s.counts.Mag++
			case CutPMZero:
				s.counts.PMZero++
			case CutColour:
				s.counts.Colour++
			}
		}
		if len(s.keep) == 0 {
			return
		}
		pm := st.PMPhi
		slices.SortFunc(s.keep, func(a, b int32) int {
			return cmp.Or(cmp.Compare(pm[a], pm[b]), cmp.Compare(a, b))
		})
		c := &s.cfg
		lo, hi := 0, 0
		first := int(math.Floor((pm[s.keep[0]]-c.Width)/c.Stride)) + 1
		last := int(math.Floor(pm[s.keep[len(s.keep)-1]] / c.Stride))
		for k := first; k <= last; k++ {
			w := Window{PM: k, PMMin: float64(k) * c.Stride}
			w.PMMax = w.PMMin + c.Width
			for lo < len(s.keep) && pm[s.keep[lo]] < w.PMMin {
				lo++
			}
			hi = max(hi, lo)
			for hi < len(s.keep) && pm[s.keep[hi]] < w.PMMax {
				hi++
			}
			w.N = hi - lo
			if w.N < c.MinStars || w.N == 0 {
				continue
			}
			if !yield(w, s.highest(st.R, s.keep[lo:hi])) {
				return
			}
		}
	}
}

// highest returns the Top stars of idx with the highest r, by decreasing r
// (ties: lower index first), in s.top.
func (s *Selector) highest(r []float64, idx []int32) []int32 {
	k := min(s.cfg.Top, len(idx))
	// worse reports whether star a ranks below star b.
	worse := func(a, b int32) bool { return r[a] < r[b] || (r[a] == r[b] && a > b) }
	h := s.top[:0]
	for _, i := range idx {
		if len(h) < k {
			h = append(h, i)
			siftUp(h, len(h)-1, worse)
		} else if worse(h[0], i) {
			h[0] = i
			siftDown(h, 0, worse)
		}
	}
	slices.SortFunc(h, func(a, b int32) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	s.top = h
	return h
}

// siftUp and siftDown keep h a heap whose root is its worst element.
func siftUp(h []int32, i int, worse func(a, b int32) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []int32, i int, worse func(a, b int32) bool) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && worse(h[r], h[l]) {
			m = r
		}
		if !worse(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
