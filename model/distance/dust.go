package distance

import "github.com/gaiaflow/gaiaflow/model/dust"

// Dust is the 3-D dust map as the distance estimator sees it: the
// cumulative reddening E out to a distance along a Galactic line of sight,
// as E(g-r) in magnitudes, the quantity the Extinction coefficients act on
// (an adapter of a Bayestar map multiplies the map's units by their E(g-r)
// per unit, model/dust.Units.GR). Angles are Galactic (l, b) in degrees,
// distances in parsecs. An implementation must be safe for concurrent use
// if one Dust is shared by several Estimators.
//
// An adapter of model/dust.Map m with units u needs two methods:
//
//	func (a adapter) Query(l, b, d float64) (med, sig float64, covered, reliable bool) {
//		p := a.m.At(l, b, d, 0)
//		return p.Median * a.u.GR, p.Std * a.u.GR, p.Flags&dust.Covered != 0, p.Flags&dust.Reliable != 0
//	}
//
//	func (a adapter) Samples(dst []float64, l, b, d float64) []float64 {
//		dst = dst[:0]
//		for k := 0; k < a.m.Samples(); k++ {
//			p := a.m.At(l, b, d, dust.DrawFor(k, a.m.Samples()))
//			if p.Flags&dust.Covered == 0 {
//				return dst[:0]
//			}
//			dst = append(dst, p.Sample*a.u.GR)
//		}
//		return dst
//	}
type Dust interface {
	// Query returns the median and the spread (standard deviation, or half
	// the 16-84 percentile range) over the map's posterior of E at (l, b,
	// distPC). covered is false where the map has no value at (l, b) at all
	// (south of dec -30, a hole): then the star is cut. reliable is false
	// where distPC is outside the map's reliable distance range there
	// (Bayestar's DM_reliable_min/max): the value is still used, and the
	// star is flagged (FlagDustUnreliable).
	Query(l, b, distPC float64) (median, sigma float64, covered, reliable bool)

	// Samples writes into dst, and returns, the map's posterior samples of
	// E at (l, b, distPC), growing dst only if its capacity is too small.
	// Sample j must be the same posterior draw (one line-of-sight profile)
	// at every distance of a line of sight, and the number of samples must
	// not depend on the distance, so that a parallax sample keeps "its"
	// dust sample through the iterations. It returns an empty slice where
	// the map has no value. An analytic map may return quantiles of its
	// distribution, for example median + sigma Phi^-1((j+1/2)/n), clipped
	// at zero.
	Samples(dst []float64, l, b, distPC float64) []float64
}

// Extinction holds the coefficients that turn E = E(g-r) into Gaia
// extinction and colour excesses (model/dust.Extinction: A zero field means
// its paper value; a map without dust is a Dust that returns zero, not zero
// coefficients).
type Extinction = dust.Extinction

// PaperExtinction is the coefficient set of paper 000 §3.2 (a 7000 K
// blackbody through an R_V = 3.1 O'Donnell 1994 curve): 2.71, 0.85, 0.39.
var PaperExtinction = Extinction{AG: dust.DefaultAG, BPRP: dust.DefaultBPRP, BPG: dust.DefaultBPG}

// extinctionWithDefaults returns e with its zero fields at paper 000's values.
func extinctionWithDefaults(e Extinction) Extinction {
	e.AG, e.BPRP, e.BPG = e.Coefficients()
	return e
}
