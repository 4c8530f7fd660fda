package distance

import (
	"errors"
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/star"
)

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
// Efstathiou, Ellis & Peterson 1988, with each star's parallax; nu
// smoothed every step as in EMS, Silverman et al. 1990). The colour tells a near
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
	MaxColourError float64 // and the colour-error floor (Config.MaxColourError)
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
	// EMS: each EM step smooths nu by selSmoothD passes of a [1 2 1]/4
	// kernel (Silverman et al. 1990), about 0.07 dex, so it does not
	// sharpen into spikes; the selected fraction's counts are smoothed by
	// selSmoothM passes, about 0.35 mag. phi is not smoothed: where the
	// parallaxes say nothing (paper 000's errors beyond 1.4 kpc) a star's
	// distance comes from where its colour puts it in phi, and smoothing
	// phi across colour and magnitude widened the main sequence enough to
	// place the catalogue 12-22 % too near (1-6 % unsmoothed).
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
	g := newSurveyGrid(SmallestSurvey(sv, len(sv)), opt)
	phi, nu := g.fit()
	all, kept := g.selected(phi, nu)
	sel := &Selection{M0: selM0, DM: selDM, Nu: nu}
	var err error
	sel.Factor, err = selectionFactors(sel, m, w, all, kept, opt.MaxFactor)
	if err != nil {
		return nil, err
	}
	return sel, nil
}

// selectionFactors returns the multiplier of each M bin: the inverse of
// its selected fraction kept/all and of its training stars' mean weight,
// normalised to a mean weight of 1 over the training stars (m, w), each
// bin's mean capped at maxFactor; bins without training stars take the
// nearest such bin's factor.
func selectionFactors(sel *Selection, m, w, all, kept []float64, maxFactor float64) ([]float64, error) {
	na := len(all)
	nA, wA := make([]float64, na), make([]float64, na)
	for i, v := range m {
		if a := sel.bin(v); a >= 0 && a < na && !math.IsNaN(v) {
			nA[a]++
			wA[a] += w[i]
		}
	}
	f := make([]float64, na)
	var n float64
	for a := range f {
		if nA[a] > 0 && kept[a] > 0 {
			f[a] = all[a] / kept[a] * nA[a] / wA[a]
		}
		n += nA[a]
	}
	// Normalise to a mean weight of 1 with each bin's mean weight capped at
	// maxFactor: the capped bins sit at the cap and the others share the
	// rest in their ratios. A cap lowers the others' scale, which can push
	// another bin over, so the capped set grows until it is stable. (A
	// bin of a nearly empty selected fraction would otherwise set the
	// normalisation and leave every other bin's weight near 0.)
	capped := make([]bool, na)
	for range na + 1 {
		var fixed, free float64
		for a := range f {
			if capped[a] {
				fixed += nA[a] * maxFactor
			} else {
				free += wA[a] * f[a]
			}
		}
		if !(free > 0) || !(n > fixed) {
			return nil, errors.New("distance: selection: no training star in the fitted range")
		}
		scale := (n - fixed) / free
		grew := false
		for a := range f {
			if !capped[a] && nA[a] > 0 && wA[a]/nA[a]*f[a]*scale > maxFactor {
				capped[a], grew = true, true
			}
		}
		if !grew {
			for a := range f {
				if capped[a] {
					f[a] = maxFactor * nA[a] / wA[a]
				} else {
					f[a] *= scale
				}
			}
			break
		}
	}
	first, last := -1, -1
	for a := range f {
		if f[a] > 0 {
			if first < 0 {
				first = a
			}
			last = a
		}
	}
	for a := range f {
		switch {
		case a < first:
			f[a] = f[first]
		case a > last:
			f[a] = f[last]
		case f[a] == 0:
			f[a] = f[a-1]
		}
	}
	return f, nil
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
