package distance

import (
	"errors"
	"fmt"
	"github.com/gaiaflow/gaiaflow/model/star"
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// Cone is a circle on the sky, centre and radius in degrees (ICRS).
type Cone struct {
	RA, Dec, Radius float64
}

// M67Cone is the cone of paper 000 §4.3: centre 08h51.3m +11°49', radius
// 0.3 degrees.
var M67Cone = Cone{RA: (8 + 51.3/60) * 15, Dec: 11 + 49.0/60, Radius: 0.3}

// Contains reports whether (ra, dec) in degrees is within c (on its edge
// included).
func (c Cone) Contains(ra, dec float64) bool {
	return sky.Separation(c.RA, c.Dec, ra, dec) <= c.Radius
}

// ClusterOptions configure FitCluster. The zero value is the paper's fit.
type ClusterOptions struct {
	// Errors are per-star standard errors of the distances (pc), e.g. the
	// catalog's DistStd. nil fits a plain Gaussian mixture to the point
	// estimates, as paper 000 §4.3 does ("a two-component Bayesian GMM to
	// every distance distribution"); given, the mixture is deconvolved
	// (extreme deconvolution, Bovy et al. 2011): each star's distance is
	// drawn from a component widened by its own error, and the cluster's
	// Sigma is its intrinsic depth.
	Errors []float64
	// Weights are per-star weights (e.g. 1/DistStd²); nil means all 1.
	// They scale each star's share of the M-step sums.
	Weights []float64
	// InitMean and InitSigma start the cluster component (pc); 0 means the
	// densest stretch of the sorted distances (the narrowest window holding
	// a tenth of the stars, at least 5): its median and its half-width.
	InitMean, InitSigma float64
	MaxIter             int     // 0 means 2000
	Tol                 float64 // relative change of the log-likelihood to stop at; 0 means 1e-10
}

// ClusterFit is the result of FitCluster: the cluster component of a
// two-component 1-D Gaussian mixture over distances (pc), and the field
// component that takes the rest.
type ClusterFit struct {
	// Mean and Sigma are the cluster's centre and spread: the "Center
	// Estimate" and "Spread" of paper 000 Table 2.
	Mean, Sigma float64
	// MeanErr is the standard error of Mean: 1/sqrt(Σ r_j w_j/(Sigma² +
	// e_j²)) for responsibilities r_j, weights w_j (1 if none) and errors
	// e_j (0 if none), the inverse Fisher information of the mean with the
	// memberships held fixed.
	MeanErr float64
	Weight  float64 // the cluster's mixing fraction
	Members float64 // Σ r_j: the expected number of members

	FieldMean, FieldSigma, FieldWeight float64

	LogLike float64   // of the data under the fitted mixture (weighted)
	Iter    int       // EM iterations run
	Resp    []float64 // each star's probability of membership
}

// FitCluster fits a two-component Gaussian mixture (cluster + field) to the
// distances x (pc) of the stars in a cone by expectation-maximisation and
// returns the cluster component: the narrower of the two at convergence.
// It returns an error if there are fewer than 5 finite distances, if the
// options' slices differ from x in length, or if the fit collapses. Stars
// with a non-finite distance, error or weight are left out (their Resp is
// NaN).
func FitCluster(x []float64, opt ClusterOptions) (ClusterFit, error) {
	if (opt.Errors != nil && len(opt.Errors) != len(x)) || (opt.Weights != nil && len(opt.Weights) != len(x)) {
		return ClusterFit{}, errors.New("distance: FitCluster: errors or weights differ in length from the distances")
	}
	maxIter, tol := opt.MaxIter, opt.Tol
	if maxIter <= 0 {
		maxIter = 2000
	}
	if tol <= 0 {
		tol = 1e-10
	}
	// The usable stars.
	var idx []int
	for i, v := range x {
		ok := star.Finite(v)
		if opt.Errors != nil {
			ok = ok && star.Finite(opt.Errors[i]) && opt.Errors[i] >= 0
		}
		if opt.Weights != nil {
			ok = ok && star.Finite(opt.Weights[i]) && opt.Weights[i] > 0
		}
		if ok {
			idx = append(idx, i)
		}
	}
	n := len(idx)
	if n < 5 {
		return ClusterFit{}, fmt.Errorf("distance: FitCluster: %d usable distances, need 5: %w", n, ErrNoData)
	}
	xs, es, ws := make([]float64, n), make([]float64, n), make([]float64, n)
	for j, i := range idx {
		xs[j], ws[j] = x[i], 1
		if opt.Errors != nil {
			es[j] = opt.Errors[i]
		}
		if opt.Weights != nil {
			ws[j] = opt.Weights[i]
		}
	}

	// Start: the cluster at the densest stretch, the field at the whole.
	var mu, va, al [2]float64
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	span := sorted[n-1] - sorted[0]
	if !(span > 0) {
		return ClusterFit{}, errors.New("distance: FitCluster: all distances are equal")
	}
	mu[0], va[0] = opt.InitMean, opt.InitSigma*opt.InitSigma
	if mu[0] == 0 || va[0] == 0 {
		m := max(5, n/10)
		best := 0
		for i := 0; i+m-1 < n; i++ {
			if sorted[i+m-1]-sorted[i] < sorted[best+m-1]-sorted[best] {
				best = i
			}
		}
		if mu[0] == 0 {
			mu[0] = sorted[best+m/2]
		}
		if va[0] == 0 {
			h := max((sorted[best+m-1]-sorted[best])/2, 1e-3*span)
			va[0] = h * h
		}
	}
	var sw, swx, swxx float64
	for j := range xs {
		sw += ws[j]
		swx += ws[j] * xs[j]
	}
	mu[1] = swx / sw
	for j := range xs {
		swxx += ws[j] * (xs[j] - mu[1]) * (xs[j] - mu[1])
	}
	va[1] = swxx / sw
	al = [2]float64{0.3, 0.7}
	floor := (1e-9 * span) * (1e-9 * span)

	resp := make([]float64, n) // cluster responsibility
	ll, prev := math.Inf(-1), math.Inf(-1)
	iter := 0
	for iter = 1; iter <= maxIter; iter++ {
		// E step.
		ll = 0
		for j, v := range xs {
			var lp [2]float64
			for c := 0; c < 2; c++ {
				s2 := va[c] + es[j]*es[j]
				d := v - mu[c]
				lp[c] = math.Log(al[c]) - 0.5*(d*d/s2+math.Log(s2)) - logSqrt2Pi
			}
			m := max(lp[0], lp[1])
			lse := m + math.Log(math.Exp(lp[0]-m)+math.Exp(lp[1]-m))
			resp[j] = math.Exp(lp[0] - lse)
			ll += ws[j] * lse
		}
		// M step (with errors: Bovy et al. 2011 eqs. 17-19, in 1-D).
		for c := 0; c < 2; c++ {
			var r, rb float64
			for j, v := range xs {
				rj := resp[j]
				if c == 1 {
					rj = 1 - rj
				}
				rj *= ws[j]
				b := v
				if es[j] > 0 {
					b = mu[c] + va[c]/(va[c]+es[j]*es[j])*(v-mu[c])
				}
				r += rj
				rb += rj * b
			}
			if !(r > 0) {
				return ClusterFit{}, errors.New("distance: FitCluster: a component lost every star")
			}
			newMu := rb / r
			var rv float64
			for j, v := range xs {
				rj := resp[j]
				if c == 1 {
					rj = 1 - rj
				}
				rj *= ws[j]
				b, bv := v, 0.0
				if e2 := es[j] * es[j]; e2 > 0 {
					b = mu[c] + va[c]/(va[c]+e2)*(v-mu[c])
					bv = va[c] - va[c]*va[c]/(va[c]+e2)
				}
				rv += rj * ((newMu-b)*(newMu-b) + bv)
			}
			mu[c], va[c], al[c] = newMu, max(rv/r, floor), r/sw
		}
		if math.Abs(ll-prev) <= tol*math.Abs(ll) {
			break
		}
		prev = ll
	}
	if !star.Finite(ll) || !star.Finite(mu[0]) || !star.Finite(mu[1]) {
		return ClusterFit{}, errors.New("distance: FitCluster: the fit diverged")
	}
	cl, fd := 0, 1
	if va[1] < va[0] {
		cl, fd = 1, 0
		for j := range resp {
			resp[j] = 1 - resp[j]
		}
	}
	var info, members float64
	for j := range xs {
		members += resp[j]
		info += resp[j] * ws[j] / (va[cl] + es[j]*es[j])
	}
	fit := ClusterFit{
		Mean: mu[cl], Sigma: math.Sqrt(va[cl]), MeanErr: 1 / math.Sqrt(info),
		Weight: al[cl], Members: members,
		FieldMean: mu[fd], FieldSigma: math.Sqrt(va[fd]), FieldWeight: al[fd],
		LogLike: ll, Iter: min(iter, maxIter),
		Resp: make([]float64, len(x)),
	}
	for i := range fit.Resp {
		fit.Resp[i] = math.NaN()
	}
	for j, i := range idx {
		fit.Resp[i] = resp[j]
	}
	return fit, nil
}
