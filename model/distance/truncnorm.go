package distance

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// TruncNormal is the normal distribution N(Mu, Sigma²) truncated to x > 0:
// the parallax distribution of paper 000 eq. 1, with Mu the observed parallax
// and Sigma its error (both in mas, though nothing here depends on units).
// Sigma must be positive and Mu finite; otherwise every method returns NaN.
//
// Everything is computed in the standardised variable y = (x - Mu)/Sigma,
// truncated to y > a = -Mu/Sigma, and for a > 0 in t = y - a = x/Sigma, so
// that a parallax 50 sigma below zero is as exact as one 50 sigma above:
// no tail probability is formed where it would underflow, and no sample is
// found as the small difference of two large numbers.
type TruncNormal struct {
	Mu, Sigma float64
}

func (d TruncNormal) bad() bool {
	return !(d.Sigma > 0) || math.IsInf(d.Sigma, 1) || math.IsNaN(d.Mu) || math.IsInf(d.Mu, 0)
}

// a returns the standardised truncation point -Mu/Sigma.
func (d TruncNormal) a() float64 { return -d.Mu / d.Sigma }

// Mean returns E[x].
func (d TruncNormal) Mean() float64 {
	if d.bad() {
		return math.NaN()
	}
	a := d.a()
	if a >= momentsCF {
		// E[y] = lambda = a + K_1, so E[x] = Sigma (lambda - a) = Sigma K_1.
		return d.Sigma * laplaceTail(a, 1)
	}
	return d.Mu + d.Sigma/mills(a)
}

// Var returns the variance of x.
func (d TruncNormal) Var() float64 {
	if d.bad() {
		return math.NaN()
	}
	a := d.a()
	s2 := d.Sigma * d.Sigma
	if a >= momentsCF {
		// Var[y] = 1 - lambda K_1 with lambda = a + K_1, K_j = j/(a + K_{j+1}):
		// substituting twice gives (a + 2 K_2 - K_3) / ((a + K_3)(a + K_2)²),
		// in which nothing cancels.
		k3 := laplaceTail(a, 3)
		k2 := 2 / (a + k3)
		return s2 * (a + 2*k2 - k3) / ((a + k3) * (a + k2) * (a + k2))
	}
	lam := 1 / mills(a)
	return s2 * (1 - lam*(lam-a))
}

// momentsCF is the truncation point above which Mean and Var use the
// continued fraction (115 terms at a = 2, 15 at a = 10); below it
// the direct formulas lose at most a digit to cancellation. cfFrom is where
// the sampler turns to its tail method, Q(a) >= 2.8e-7 below it.
const (
	momentsCF = 2
	cfFrom    = 5
)

// CDF returns P(X <= x).
func (d TruncNormal) CDF(x float64) float64 {
	if d.bad() || math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 0
	}
	a := d.a()
	if a <= 0 {
		return lowerDiff(a, x/d.Sigma) / upper(a)
	}
	return -math.Expm1(logTailRatio(a, x/d.Sigma))
}

// lowerDiff returns Phi(a+t) - Phi(a) for t >= 0. Where the difference is
// small against Phi(a) it is phi(a) times the integral of exp(-a s - s²/2)
// over [0, t], by 12-point Gauss-Legendre quadrature (exact to rounding when
// t (|a| + t + 1) < 1); elsewhere the difference of the tails loses at most a
// digit or two.
func lowerDiff(a, t float64) float64 {
	if t*(math.Abs(a)+t+1) < 1 {
		f := func(s float64) float64 { return math.Exp(-a*s - s*s/2) }
		return phi(a) * quad.Fixed(f, 0, t, 12, quad.Legendre{}, 0)
	}
	y := a + t
	if y <= 0 {
		return upper(-y) - upper(-a)
	}
	return upper(a) - upper(y)
}

// Survival returns P(X > x) = 1 - CDF(x), accurate where it is tiny.
func (d TruncNormal) Survival(x float64) float64 {
	if d.bad() || math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	return math.Exp(d.logSurvival(x))
}

// logSurvival returns log P(X > x) for x > 0.
func (d TruncNormal) logSurvival(x float64) float64 {
	a := d.a()
	if a <= 0 {
		// Q(a) is in [1/2, 1]: no underflow, no cancellation in the ratio.
		y := (x - d.Mu) / d.Sigma
		return logUpper(y) - math.Log(upper(a))
	}
	return logTailRatio(a, x/d.Sigma)
}

// logTailRatio returns log Q(a+t)/Q(a) for a > 0, t >= 0:
//
//	log Q(a+t) - log Q(a) = log R(a+t) - log R(a) - t (a + t/2)
//
// with R the Mills ratio, so that no Q is formed. For t < 1e-4 the ratio of
// Mills ratios is replaced by its Taylor series (d log R/dy = -K_1,
// d lambda/dy = lambda K_1, dK_1/dy = -v), since the two R are then too
// close for their difference to be exact. With lambda = 1/R(a) = a + K_1
// and v = 1 - lambda K_1 (the variance of y), the series is
//
//	-lambda t - lambda K_1 t²/2 - lambda (K_1² - v) t³/6 + O(t⁴).
func logTailRatio(a, t float64) float64 {
	if t < 1e-4 {
		lam := 1 / mills(a)
		k1 := lam - a
		v := 1 - lam*k1
		return -lam * t * (1 + t*(k1/2+t*(k1*k1-v)/6))
	}
	return math.Log(mills(a+t)/mills(a)) - t*(a+t/2)
}

// Quantile returns x with P(X <= x) = u, for u in [0, 1]: 0 at u = 0, +Inf at
// u = 1, NaN outside. It is the sampler of the parallax samples: an inverse
// CDF that costs about the same and keeps about the same relative accuracy
// (1e-13 typically, 1e-10 at worst within 1e-5 Sigma of zero) for every
// Mu/Sigma. Drawing many values from one distribution, Prepare computes what
// depends on the distribution alone once.
func (d TruncNormal) Quantile(u float64) float64 {
	s := d.sampler()
	return s.quantile(u)
}

// sampler is an inverse CDF of one TruncNormal with what depends only on
// the distribution computed once.
type sampler struct {
	mu, sigma, a float64
	bad, tail    bool
	qa, pa, ra   float64 // Q(a), Phi(a), R(a)
	lam, k1, v   float64 // tail: 1/R(a), lam - a, 1 - lam k1 (see logTailRatio)
}

func (d TruncNormal) sampler() sampler {
	s := sampler{mu: d.Mu, sigma: d.Sigma, bad: d.bad()}
	if s.bad {
		return s
	}
	s.a = d.a()
	s.ra = mills(s.a)
	if s.a >= cfFrom {
		s.tail = true
		s.lam = 1 / s.ra
		s.k1 = s.lam - s.a
		s.v = 1 - s.lam*s.k1
		return s
	}
	s.qa, s.pa = upper(s.a), upper(-s.a)
	return s
}

func (s *sampler) quantile(u float64) float64 {
	if s.bad || !(u >= 0 && u <= 1) {
		return math.NaN()
	}
	if u == 0 {
		return 0
	}
	if u == 1 {
		return math.Inf(1)
	}
	if s.tail {
		return s.sigma * s.tailT(u)
	}
	return s.direct(u)
}

// direct inverts the CDF through the normal quantile, from whichever tail
// of y is the smaller, for a < cfFrom, where Q(a) >= 2.8e-7.
func (s *sampler) direct(u float64) float64 {
	a := s.a
	var y float64
	if p := (1 - u) * s.qa; p < 0.5 {
		y = -normalQuantile(p) // from the upper tail P(Y > y) = p
	} else {
		y = normalQuantile(s.pa + u*s.qa) // from the lower tail
	}
	if t := y - a; t < 3e-5 {
		// Near the truncation point y - a is a small difference of two
		// numbers of order a. Invert u R(a) = t - a t²/2 + (a²-1) t³/6
		// (the Taylor series of (Phi(a+t) - Phi(a))/phi(a)) instead.
		w := u * s.ra
		t = w * (1 + w*(a/2+w*(2*a*a+1)/6))
		return s.sigma * t
	}
	if a > 0 {
		return s.sigma * (y - a)
	}
	return s.mu + s.sigma*y
}

// tailT returns t >= 0 with Q(a+t)/Q(a) = 1 - u, for a >= cfFrom: the
// quantile of the standardised sample above the truncation point, where the
// truncated distribution is nearly exponential with rate a. It solves
// logTailRatio(a, t) = log(1-u) by Newton's method: the log tail ratio is
// concave in t, so after the first step the iterates decrease monotonically
// to the root. The start solves the series of logTailRatio to second order,
// lambda t + lambda K_1 t²/2 = c, refined by one Newton step on the cubic
// term; with quadratic convergence, one step on the exact equation mostly
// does.
func (s *sampler) tailT(u float64) float64 {
	a := s.a
	c := -math.Log1p(-u) // > 0
	// The root of the quadratic, written without cancellation, and one
	// Newton step on the cubic series.
	t := 2 * c / (s.lam + math.Sqrt(s.lam*s.lam+2*s.lam*s.k1*c))
	k3 := (s.k1*s.k1 - s.v) / 6
	p := s.lam * t * (1 + t*(s.k1/2+t*k3))
	dp := s.lam * (1 + t*(s.k1+3*t*k3))
	t = max(t-(p-c)/dp, 0)
	for i := 0; i < 40; i++ {
		rt := mills(a + t)
		var lr float64
		if t < 1e-4 {
			lr = -s.lam * t * (1 + t*(s.k1/2+t*(s.k1*s.k1-s.v)/6))
		} else {
			lr = math.Log(rt/s.ra) - t*(a+t/2)
		}
		step := (lr + c) * rt // f / -(df/dt)
		t = max(t+step, 0)
		// The next error is (K_1 t/2)(step/t)² relative, K_1 < 0.2.
		if math.Abs(step) <= 1e-7*t {
			break
		}
	}
	return t
}
