package distance

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// SurveyStar is one star of the catalogue the training sample is drawn
// from: a star that passes every training cut except the parallax/error
// floor (Config.MinParallaxSNR). A random sample of them tells the
// selection correction where the catalogue's stars are, on the sky and in
// absolute magnitude, and how many of them the floor keeps.
type SurveyStar struct {
	SourceID      int64
	Key           float64 // SurveyKey: the survey keeps the lowest keys
	G             float64 // observed apparent G, mag
	BPRP          float64 // observed BP-RP, mag
	Parallax      float64 // mas, as published
	ParallaxError float64 // mas, as published
	L, B          float64 // Galactic, degrees
}

// SurveyKey returns the star's uniform variate in (0, 1) for the survey,
// from the run seed and its source_id alone (independent of SelectionKey).
func SurveyKey(seed uint64, sourceID int64) float64 {
	var s stream
	s.reset(seed, sourceID, purposeSurvey)
	return s.open()
}

// NewSurveyStar returns star i of the prepared stars p as a survey star
// keyed by seed.
func NewSurveyStar(seed uint64, p *Prepared, i int) SurveyStar {
	return SurveyStar{SourceID: p.SourceID[i], Key: SurveyKey(seed, p.SourceID[i]), G: p.G[i],
		BPRP: p.BPRP[i], Parallax: p.Parallax[i], ParallaxError: p.ParallaxError[i], L: p.L[i], B: p.B[i]}
}

// SmallestSurvey returns the k stars of s with the lowest keys (ties by
// source_id), in that order, reusing s's storage: merging two surveys
// this way gives the same stars whatever the order in which they arrive.
func SmallestSurvey(s []SurveyStar, k int) []SurveyStar {
	slices.SortFunc(s, func(a, b SurveyStar) int {
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.SourceID, b.SourceID)
	})
	return s[:min(len(s), max(k, 0))]
}

// MergeSurvey adds the stars of in to the survey acc (the output of
// SmallestSurvey or MergeSurvey: sorted, at most k stars) and returns the k
// of lowest key. Once acc is full, only the stars of in that would enter it
// are sorted, so adding a block costs about its length: a whole catalogue
// passes through the survey's combiner.
func MergeSurvey(acc, in []SurveyStar, k int) []SurveyStar {
	if len(acc) >= k && k > 0 {
		last := acc[len(acc)-1]
		n := len(acc)
		for _, s := range in {
			if s.Key < last.Key || (s.Key == last.Key && s.SourceID < last.SourceID) {
				acc = append(acc, s)
			}
		}
		if len(acc) == n {
			return acc
		}
		return SmallestSurvey(acc, k)
	}
	return SmallestSurvey(append(acc, in...), k)
}

// PassesFloor reports whether a star of published parallax plx and error
// plxErr (mas) passes the training's parallax/error floor.
func (c Config) PassesFloor(plx, plxErr float64) bool {
	return !(c.MinParallaxSNR > 0) || plx/plxErr >= c.MinParallaxSNR
}

// Selection re-weights the training stars so that their CMD is the CMD of
// the catalogue they were drawn from rather than that of the stars that
// pass the parallax/error floor.
//
// The floor keeps a star of absolute magnitude M only as far as its
// parallax stays measured to better than 1/MinParallaxSNR, so it keeps the
// intrinsically faint stars the catalogue sees nearby (white dwarfs, the
// lower main sequence) and few of the luminous ones the catalogue sees far
// away: on the mock's paper-000 population, 21.6 % of the stars with
// parallax/error >= 5 are white dwarfs against 5 % of the catalogue, and a
// flow fitted to their true, noise-free points is 0.24 nats from the true
// CMD; weighted by the true inverse selection fraction in M it is 0.12, the
// flow's own limit at that budget. Any loss weight that grows with the
// parallax's precision (paper 000's 1/sigma_P²) tilts the CMD the same way.
//
// The fraction of the catalogue's stars of absolute magnitude M that the
// floor keeps depends on how their distances are distributed, which the
// selected stars show only inside the floor; the rest of the catalogue
// shows it through parallaxes too noisy to place any one star. FitSelection
// deconvolves a random survey of the catalogue (every parallax/error) into
// phi(M, c) nu(d), c the intrinsic BP-RP, restricted to the catalogue's
// magnitude window W(M, d) averaged over the survey's sight lines: each
// survey star, whose G and colour fix M and c at every trial distance,
// spreads over the distance bins by its parallax likelihood times the
// current phi nu (the E step), and the truncated model's fixed point
//
//	phi_ac = sum_s r_s(a, c) / sum_b nu_b W_ab,    nu_b = sum_s r_s(b) / sum_a phi_a W_ab
//
// is the M step (the stepwise maximum likelihood of luminosity functions,
// Efstathiou, Ellis & Peterson 1988, with each star's parallax; smoothed
// every step as in EMS, Silverman et al. 1990). The colour tells a near
// dwarf from a far luminous star where the parallax cannot. The selected
// fraction of each M bin is then counted, not modelled: the survey stars'
// responsibilities in the bin, those of the stars that pass the floor over
// all of them, so the parallax errors need no model (they depend on G and
// the scanning law in Gaia, on distance in paper 000's simulation). A
// training star's weight is multiplied by the inverse of its bin's selected
// fraction and of the bin's mean weight: no space density is assumed, only
// that distances do not depend on absolute magnitude beyond what the window
// does (separability). nu(d) is also the catalogue's distance distribution,
// a prior for its posteriors (Prior).
type Selection struct {
	M0, DM float64   // the M grid: bin a covers [M0 + a DM, M0 + (a+1) DM)
	Factor []float64 // per M bin, the multiplier of a star's loss weight

	// Nu is the fitted distance distribution of the catalogue's stars,
	// per bin of log10 d from 1 pc in steps of 0.05 dex (sums to 1).
	Nu []float64
}

// SelectionFit configures FitSelection. Zero values are the defaults named.
type SelectionFit struct {
	MinParallaxSNR float64 // the floor the training sample passed
	ParallaxOffset float64 // added to a published parallax (Config.ParallaxOffset)
	AG             float64 // A_G per unit of the dust map's E
	EBPRP          float64 // E(BP-RP) per unit of the dust map's E
	Dust           Dust    // the dust map of the training
	// SightLines is the number of survey stars whose sight lines average
	// the magnitude window W; 0 means 1000.
	SightLines int
	// MaxFactor caps a bin's multiplier at this many times the mean weight
	// (a handful of luminous stars standing for many would make the
	// loss's effective sample small); 0 means 20.
	MaxFactor float64
}

// Selection grids: absolute magnitude in 0.25 mag, distance in 0.05 dex
// from 1 pc to 10 Mpc, and the fixed point's iterations.
const (
	selDM    = 0.25
	selLogD0 = 0.0
	selDLogD = 0.05
	selNLogD = 106 // to 200 kpc: the Galaxy's stars
	// EMS: the EM's steps are smoothed by selSmooth passes of a [1 2 1]/4
	// kernel (Silverman et al. 1990), so the deconvolution does not
	// sharpen into spikes: about 0.35 mag in M and 0.07 dex in distance.
	selSmoothM   = 2
	selSmoothD   = 2
	selMaxIter   = 300
	selM0        = -8.0
	selNM        = 104 // to M = 18
	selC0        = -1.0
	selDC        = 0.1
	selNC        = 50 // to BP-RP = 4
	selMinSurvey = 10 // usable survey stars FitSelection needs at the least
)

// FitSelection fits the selection correction for training stars of
// absolute magnitudes m (g_best, mag) and loss weights w, from the survey of
// the catalogue they were drawn from, which must hold stars of every
// parallax/error (not only those over the floor).
func FitSelection(m, w []float64, survey []SurveyStar, opt SelectionFit) (*Selection, error) {
	if len(m) != len(w) || len(m) == 0 {
		return nil, errors.New("distance: selection: no training stars, or columns of unequal length")
	}
	// Survey stars without a usable G, colour or parallax take no part.
	sv := make([]SurveyStar, 0, len(survey))
	for _, s := range survey {
		if star.Finite(s.G) && star.Finite(s.BPRP) && star.Finite(s.Parallax) && s.ParallaxError > 0 && star.Finite(s.ParallaxError) {
			sv = append(sv, s)
		}
	}
	if len(sv) < selMinSurvey {
		return nil, fmt.Errorf("distance: selection: the survey holds %d usable stars, fewer than %d", len(sv), selMinSurvey)
	}
	if opt.SightLines <= 0 {
		opt.SightLines = 1000
	}
	if opt.MaxFactor <= 0 {
		opt.MaxFactor = 20
	}
	sv = SmallestSurvey(sv, len(sv))
	gLo, gHi := math.Inf(1), math.Inf(-1)
	for _, s := range sv {
		gLo, gHi = min(gLo, s.G), max(gHi, s.G)
	}
	lines := sv[:min(len(sv), opt.SightLines)]

	sel := &Selection{M0: selM0, DM: selDM}
	na, nb := selNM, selNLogD
	logD := func(b int) float64 { return selLogD0 + (float64(b)+0.5)*selDLogD }

	// The survey's stars on the grid: for each distance bin, the absolute
	// magnitude bin its G puts the star in there and the likelihood of its
	// parallax.
	type cell struct {
		a, b, k int32 // M, distance and colour bins
		like    float64
	}
	cells := make([]cell, 0, len(sv)*nb/4)
	starEnd := make([]int, 0, len(sv))
	for _, s := range sv {
		for b := 0; b < nb; b++ {
			dist := math.Pow(10, logD(b))
			z := (s.Parallax + opt.ParallaxOffset - 1000/dist) / s.ParallaxError
			if z*z > 60 {
				continue
			}
			e := opt.reddening(s.L, s.B, dist)
			a := sel.bin(s.G - 5*logD(b) + 5 - opt.AG*e)
			if a < 0 || a >= na {
				continue
			}
			cells = append(cells, cell{int32(a), int32(b), int32(colourBin(s.BPRP - opt.EBPRP*e)), math.Exp(-0.5 * z * z)})
		}
		starEnd = append(starEnd, len(cells))
	}

	// W on the grid: the fraction of the sight lines on which a star at
	// (M, d) falls inside the catalogue's magnitude window. The dust of
	// each line at each distance is asked once.
	W := make([]float64, na*nb)
	ext := make([]float64, nb)
	for _, s := range lines {
		for b := range ext {
			ext[b] = opt.AG * opt.reddening(s.L, s.B, math.Pow(10, logD(b)))
		}
		for a := 0; a < na; a++ {
			absM := sel.M0 + (float64(a)+0.5)*selDM
			for b := 0; b < nb; b++ {
				if g := absM + 5*logD(b) - 5 + ext[b]; g >= gLo && g <= gHi {
					W[a*nb+b]++
				}
			}
		}
	}

	// EM for phi(M, c) nu(d) W(M, d) over the survey: each star's
	// responsibilities over its cells, then the truncated model's fixed
	// point with the expected counts. The colour c = (BP-RP)_0 is what
	// tells a dwarf seen near from a luminous star seen far when the
	// parallax cannot: without it the fit trades distant luminous stars
	// for near faint ones.
	nc := selNC
	phi, nu := make([]float64, na*nc), make([]float64, nb)
	for a := range phi {
		phi[a] = 1
	}
	for b := range nu {
		nu[b] = 1
	}
	cA, cB := make([]float64, na*nc), make([]float64, nb)
	phiM := make([]float64, na) // phi summed over colour
	for it := 0; it < selMaxIter; it++ {
		clear(cA)
		clear(cB)
		lo := 0
		for _, hi := range starEnd {
			var z float64
			for _, c := range cells[lo:hi] {
				z += phi[int(c.a)*nc+int(c.k)] * nu[c.b] * c.like
			}
			if z > 0 {
				for _, c := range cells[lo:hi] {
					r := phi[int(c.a)*nc+int(c.k)] * nu[c.b] * c.like / z
					cA[int(c.a)*nc+int(c.k)] += r
					cB[c.b] += r
				}
			}
			lo = hi
		}
		for a := 0; a < na; a++ {
			var s float64
			for b := range nu {
				s += nu[b] * W[a*nb+b]
			}
			phiM[a] = 0
			for k := 0; k < nc; k++ {
				phi[a*nc+k] = 0
				if s > 0 {
					phi[a*nc+k] = cA[a*nc+k] / s
				}
				phiM[a] += phi[a*nc+k]
			}
		}
		var tot float64
		for b := range nu {
			var s float64
			for a := 0; a < na; a++ {
				s += phiM[a] * W[a*nb+b]
			}
			nu[b] = 0
			if s > 0 {
				nu[b] = cB[b] / s
			}
			tot += nu[b]
		}
		for b := range nu {
			nu[b] /= tot
		}
		smooth2(phi, na, nc, selSmoothM)
		smooth(nu, selSmoothD)
	}

	sel.Nu = nu

	// The survey's stars of each M bin, deconvolved, and those of them that
	// pass the floor: the selected fraction without a model of the
	// parallax errors, which only the data know (they depend on G and the
	// scanning law in Gaia, on distance in paper 000's simulation).
	all, kept := make([]float64, na), make([]float64, na)
	lo := 0
	for i, hi := range starEnd {
		s := &sv[i]
		pass := Config{MinParallaxSNR: opt.MinParallaxSNR}.PassesFloor(s.Parallax, s.ParallaxError)
		var z float64
		for _, c := range cells[lo:hi] {
			z += phi[int(c.a)*nc+int(c.k)] * nu[c.b] * c.like
		}
		if z > 0 {
			for _, c := range cells[lo:hi] {
				r := phi[int(c.a)*nc+int(c.k)] * nu[c.b] * c.like / z
				all[c.a] += r
				if pass {
					kept[c.a] += r
				}
			}
		}
		lo = hi
	}
	smooth(all, selSmoothM)
	smooth(kept, selSmoothM)

	// The training stars' mean weight in each M bin: the multiplier undoes
	// the selected fraction and the weight.
	nA, wA := make([]float64, na), make([]float64, na)
	for i, v := range m {
		if a := sel.bin(v); a >= 0 && a < na && !math.IsNaN(v) {
			nA[a]++
			wA[a] += w[i]
		}
	}
	sel.Factor = make([]float64, na)
	var n, wTot float64
	for a := range sel.Factor {
		if nA[a] > 0 && kept[a] > 0 {
			sel.Factor[a] = all[a] / kept[a] * nA[a] / wA[a]
		}
		n += nA[a]
		wTot += wA[a] * sel.Factor[a]
	}
	if !(wTot > 0) {
		return nil, errors.New("distance: selection: no training star in the fitted range")
	}
	// Mean weight 1 over the training stars, each bin's mean capped.
	for a := range sel.Factor {
		sel.Factor[a] *= n / wTot
		if nA[a] > 0 {
			if meanW := wA[a] / nA[a] * sel.Factor[a]; meanW > opt.MaxFactor {
				sel.Factor[a] *= opt.MaxFactor / meanW
			}
		}
	}
	// Stars outside the range of bins with training stars take the nearest
	// such bin's factor.
	first, last := -1, -1
	for a := range sel.Factor {
		if sel.Factor[a] > 0 {
			if first < 0 {
				first = a
			}
			last = a
		}
	}
	for a := range sel.Factor {
		switch {
		case a < first:
			sel.Factor[a] = sel.Factor[first]
		case a > last:
			sel.Factor[a] = sel.Factor[last]
		case sel.Factor[a] == 0:
			sel.Factor[a] = sel.Factor[a-1]
		}
	}
	return sel, nil
}

// reddening is the dust map's median E on the sight line (l, b) at dist pc
// (0 without a map or where it does not reach).
func (o SelectionFit) reddening(l, b, dist float64) float64 {
	if o.Dust == nil {
		return 0
	}
	med, _, covered, _ := o.Dust.Query(l, b, dist)
	if !covered || math.IsNaN(med) {
		return 0
	}
	return med
}

// colourBin is the bin of intrinsic BP-RP c on the selection's colour grid
// (the end bins hold what lies beyond; NaN the last).
func colourBin(c float64) int {
	if math.IsNaN(c) {
		return selNC - 1
	}
	return min(max(int(math.Floor((c-selC0)/selDC)), 0), selNC-1)
}

// Prior returns the fitted distance distribution as a Tabulated prior
// (floored tabulatedFloor nats below its peak).
func (s *Selection) Prior() Prior {
	p := Prior{Kind: Tabulated, LogD0: selLogD0, DLogD: selDLogD, LogNu: make([]float64, len(s.Nu))}
	peak := math.Inf(-1)
	for _, v := range s.Nu {
		peak = max(peak, math.Log(v))
	}
	for i, v := range s.Nu {
		p.LogNu[i] = max(math.Log(v), peak-tabulatedFloor) - peak
	}
	return p
}

// bin returns the M bin of absolute magnitude m (may be out of range).
func (s *Selection) bin(m float64) int { return int(math.Floor((m - s.M0) / s.DM)) }

// At returns the multiplier of the loss weight of a star of absolute
// magnitude m: the nearest bin's outside the grid, 1 for NaN.
func (s *Selection) At(m float64) float64 {
	if s == nil || math.IsNaN(m) {
		return 1
	}
	a := min(max(s.bin(m), 0), len(s.Factor)-1)
	return s.Factor[a]
}

// apply multiplies the loss weight of every point of ts by the factor of
// its g_best (nothing for a nil s).
func (s *Selection) apply(ts *TrainSet) {
	if s == nil {
		return
	}
	for i, g := range ts.G {
		ts.Weight[i] *= s.At(g)
	}
}

// smooth applies n passes of a [1 2 1]/4 kernel to v in place, the ends
// reflected.
func smooth(v []float64, n int) {
	if len(v) < 3 {
		return
	}
	tmp := make([]float64, len(v))
	for ; n > 0; n-- {
		for i := range v {
			l, r := v[max(i-1, 0)], v[min(i+1, len(v)-1)]
			tmp[i] = 0.25*l + 0.5*v[i] + 0.25*r
		}
		copy(v, tmp)
	}
}

// smooth2 applies n passes of a [1 2 1]/4 kernel to the rows x cols grid v
// (row-major) along each axis.
func smooth2(v []float64, rows, cols, n int) {
	for r := 0; r < rows; r++ {
		smooth(v[r*cols:(r+1)*cols], n)
	}
	col := make([]float64, rows)
	for c := 0; c < cols; c++ {
		for r := range col {
			col[r] = v[r*cols+c]
		}
		smooth(col, n)
		for r := range col {
			v[r*cols+c] = col[r]
		}
	}
}
