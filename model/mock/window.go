package mock

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"
)

// BrightLimit is the bright limit in true apparent G of every mock star:
// Gaia's detectors saturate near G = 3, and DR2 holds almost nothing
// brighter.
const BrightLimit = 3.0

// visibleDistance draws the distance (pc) of a paper-000 star of absolute
// magnitude absG in the direction (ra, dec) from the population's prior,
// P(d) ∝ d² exp(-d/L) with L = c.DistanceScale, conditioned on the star
// being inside Gaia's window, BrightLimit <= G <= c.MagLimit in true
// apparent G with the dust of its sight line.
//
// Conditioning the distance on the magnitude, rather than dropping the
// stars outside the window, keeps every star drawn from the CMD: the
// population's CMD stays the true CMD the validation measures the learned
// one against, while a faint star is seen only nearby and a luminous one
// only far enough away not to saturate, as in a magnitude-limited survey.
// (Paper 000's simulation has no window and no photometric noise; with the
// DR2 photometric errors of the mock, a star at G = 35 would get BP errors
// of millions of magnitudes.)
//
// G(d) = absG + 5 log10(d/10 pc) + A_G E(d) increases with d, so the window
// is an interval [d_lo, d_hi] of distance; d/L has a Gamma(3) prior, drawn
// by inverting its distribution function between the interval's ends.
func (g *generator) visibleDistance(r *rand.Rand, ra, dec, absG float64) float64 {
	c := g.cfg
	appG := func(d float64) float64 {
		return absG + 5*math.Log10(d) - 5 + c.Extinction.AG*c.Dust.E(ra, dec, d)
	}
	lo := distanceAt(appG, BrightLimit)
	hi := distanceAt(appG, c.MagLimit)
	L := c.DistanceScale
	flo, fhi := mathext.GammaIncReg(3, lo/L), mathext.GammaIncReg(3, hi/L)
	u := flo + (fhi-flo)*r.Float64()
	if !(u > 0 && u < 1) || fhi <= flo {
		// The window holds no prior mass the float64 distribution
		// function can tell apart: a uniform draw in it.
		return lo + (hi-lo)*r.Float64()
	}
	d := L * mathext.GammaIncRegInv(3, u)
	return min(max(d, lo), hi)
}

// distanceAt returns the distance (pc) at which the increasing function
// appG of distance reaches m, by bisection in log distance between 1e-3 pc
// and 1e7 pc (10 Mpc), to a relative precision of 1e-12.
func distanceAt(appG func(d float64) float64, m float64) float64 {
	a, b := math.Log(1e-3), math.Log(1e7)
	if appG(math.Exp(b)) <= m {
		return math.Exp(b)
	}
	if appG(math.Exp(a)) >= m {
		return math.Exp(a)
	}
	for b-a > 1e-12 {
		mid := (a + b) / 2
		if appG(math.Exp(mid)) < m {
			a = mid
		} else {
			b = mid
		}
	}
	return math.Exp((a + b) / 2)
}
