package distance

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Tails of the standard normal, accurate to a few ulp over the whole real
// line, including where the tail probability is far below the smallest
// float64 (there only ratios of tails are formed, through the Mills ratio).

const (
	sqrt2      = 1.41421356237309504880168872420969808
	sqrt2Pi    = 2.50662827463100050241576528481104525 // sqrt(2 pi)
	logSqrt2Pi = 0.91893853320467274178032973640561764 // log(sqrt(2 pi))

	// millsCF is where mills switches from erfc/phi to the continued
	// fraction: math.Erfc(y/sqrt2) leaves the normal range at y ~ 37.5.
	millsCF = 36
)

// upper returns Q(y) = P(Y > y) for a standard normal Y.
func upper(y float64) float64 { return math.Erfc(y/sqrt2) / 2 }

// phi returns the standard normal density at y, with y*y formed exactly
// (its rounding error is recovered with an FMA), so that the relative error
// stays at an ulp or two even where y*y/2 is several hundred.
func phi(y float64) float64 {
	yy := y * y
	e := math.FMA(y, y, -yy) // y*y = yy + e exactly
	return math.Exp(-yy/2) * (1 - e/2) / sqrt2Pi
}

// mills returns the Mills ratio R(y) = Q(y)/phi(y). For y < millsCF it is
// the ratio of the two (each accurate to an ulp or two; +Inf where phi
// underflows, y < -38.6); above, where Q underflows, it is Laplace's
// continued fraction R = 1/(y+ 1/(y+ 2/(y+ 3/(y+ ...)))), which converges in
// a few terms there.
func mills(y float64) float64 {
	if y < millsCF {
		return upper(y) / phi(y)
	}
	return 1 / (y + laplaceTail(y, 1))
}

// laplaceTail returns K_j(y) = j/(y+ (j+1)/(y+ (j+2)/(y+ ...))) for j >= 1,
// y > 0, by the modified Lentz method (Press et al., Numerical Recipes,
// §5.2). K_1 = 1/R(y) - y. It converges the faster the larger y is: to
// 1e-16 in about 115 terms at y = 2, 28 at y = 5 and 8 at y = 36.
func laplaceTail(y float64, j int) float64 {
	const tiny = 1e-300
	f, c, d := tiny, tiny, 0.0
	for n := 0; n < 2000; n++ {
		a := float64(j + n)
		d = y + a*d
		if d == 0 {
			d = tiny
		}
		d = 1 / d
		c = y + a/c
		if c == 0 {
			c = tiny
		}
		delta := c * d
		f *= delta
		if math.Abs(delta-1) < 1e-16 {
			break
		}
	}
	// Lentz evaluates b0 + a1/(b1 + ...) with b0 = tiny: f is the fraction.
	return f
}

// logUpper returns log Q(y), finite for every finite y.
func logUpper(y float64) float64 {
	if y < millsCF {
		if y < -5 {
			return math.Log1p(-upper(-y))
		}
		return math.Log(upper(y))
	}
	yy := y * y
	e := math.FMA(y, y, -yy)
	return math.Log(mills(y)) - yy/2 - e/2 - logSqrt2Pi
}

// normalQuantile returns y with P(Y < y) = p for a standard normal Y, for
// p in (0, 1): Wichura's AS 241 as gonum implements it, accurate to about
// 1e-16 relative down to p ~ 1e-300.
func normalQuantile(p float64) float64 { return mathext.NormalQuantile(p) }
