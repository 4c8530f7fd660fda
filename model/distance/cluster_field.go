package distance

import (
	"errors"
	"fmt"
	"github.com/gaiaflow/gaiaflow/model/hist"
	"github.com/gaiaflow/gaiaflow/model/star"
	"math"
	"slices"
)

// Cluster distances with the field measured beside the cluster.
//
// Paper 000 §4.3 fits two Gaussians to the distances in a cone and calls the
// narrower one the cluster. That holds while the cluster dominates the cone;
// where the field does (a fainter or farther cluster, a wider cone, the
// low-SNR stars), the field's distance distribution is far from Gaussian
// (skewed, with a long far tail), the second Gaussian cannot follow it, and
// the "narrow" component takes field stars or becomes the field itself.
// FitClusterField models the field by what it is: the distribution of the
// stars in an annulus around the cone, measured the same way, so no shape is
// assumed for it; the cluster is a Gaussian in distance modulus whose width
// is its intrinsic depth, capped at a physical size, widened for each star by
// that star's own posterior spread.

// ClusterStar is one star of a cluster fit: its distance modulus (from the
// posterior median) and the modulus's standard error (from the posterior's
// 16th-84th percentile half-width), both in mag.
type ClusterStar struct{ DM, Err float64 }

// ClusterStarOf returns the ClusterStar of a catalog row's distance
// quantiles (pc): DM = 5 log10(q50) - 5, Err = 2.5 (log10 q84 - log10 q16).
// In distance modulus the posteriors of low-SNR stars are far less skewed
// than in distance, and the error no longer grows with the value, which
// would bias an error-weighted fit towards the nearer stars.
func ClusterStarOf(q16, q50, q84 float64) ClusterStar {
	return ClusterStar{DM: 5*math.Log10(q50) - 5, Err: 2.5 * (math.Log10(q84) - math.Log10(q16))}
}

// FieldFitOptions configure FitClusterField; zero values are the defaults
// named.
type FieldFitOptions struct {
	// MaxDepth caps the cluster's intrinsic spread in distance modulus, mag;
	// 0 means 0.1 (4.6 % in distance: 40 pc at M67, ten times its tidal
	// radius). The cap keeps the cluster narrow whatever the field does.
	MaxDepth float64
	// Bandwidth of the field's kernel density estimate, mag; 0 means
	// Silverman's rule of thumb on the annulus stars.
	Bandwidth float64
	MaxIter   int     // 0 means 1000
	Tol       float64 // relative change of the log-likelihood to stop at; 0 means 1e-10
}

// FieldFit is the result of FitClusterField.
type FieldFit struct {
	DM, DMErr float64 // the cluster's distance modulus and its standard error, mag
	Depth     float64 // its intrinsic spread in distance modulus, mag
	// Dist is the cluster's distance, 10^(DM/5 + 1) pc, and DistErr its
	// standard error, Dist ln(10)/5 DMErr.
	Dist, DistErr float64
	Weight        float64   // the cluster's share of the cone's stars
	Members       float64   // Σ r_j, the expected number of members in the cone
	FieldStars    int       // annulus stars the field is estimated from
	Bandwidth     float64   // of the field's density estimate, mag
	LogLike       float64   // of the cone's stars under the fit
	Iter          int       // EM iterations run
	Resp          []float64 // each cone star's probability of membership (NaN if unusable)
}

// FitClusterField fits the stars of a cone (their distance moduli and
// errors) as a mixture of the cluster, N(DM, Depth² + Err_j²), and the
// field, whose density is a Gaussian kernel estimate over the annulus stars'
// moduli. The mixing weight, DM and Depth (capped at MaxDepth) are fitted by
// expectation-maximisation (the cluster's M step is extreme deconvolution,
// Bovy et al. 2011, in one dimension). It needs at least 5 usable stars in
// the cone and 5 in the annulus.
func FitClusterField(cone []ClusterStar, annulus []float64, opt FieldFitOptions) (FieldFit, error) {
	maxDepth, maxIter, tol := opt.MaxDepth, opt.MaxIter, opt.Tol
	if maxDepth <= 0 {
		maxDepth = 0.1
	}
	if maxIter <= 0 {
		maxIter = 1000
	}
	if tol <= 0 {
		tol = 1e-10
	}
	var field []float64
	for _, v := range annulus {
		if star.Finite(v) {
			field = append(field, v)
		}
	}
	var idx []int
	for i, s := range cone {
		if star.Finite(s.DM) && star.Finite(s.Err) && s.Err >= 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) < 5 || len(field) < 5 {
		return FieldFit{}, fmt.Errorf("distance: FitClusterField: %d usable cone stars and %d annulus stars, need 5 of each: %w", len(idx), len(field), ErrNoData)
	}
	h := opt.Bandwidth
	if h <= 0 {
		h = silverman(field)
	}
	if !(h > 0) {
		return FieldFit{}, errors.New("distance: FitClusterField: the annulus stars all have the same distance")
	}
	n := len(idx)
	x, e2, fd := make([]float64, n), make([]float64, n), make([]float64, n)
	for j, i := range idx {
		x[j], e2[j] = cone[i].DM, cone[i].Err*cone[i].Err
		fd[j] = kde(field, h, x[j])
	}

	mixLL := func(m, va, al float64) float64 {
		var l float64
		for j := range x {
			s2 := va + e2[j]
			d := x[j] - m
			l += math.Log(al*math.Exp(-0.5*d*d/s2)/math.Sqrt(2*math.Pi*s2) + (1-al)*fd[j])
		}
		return l
	}
	// Start: the modulus where a cluster explains the cone best against
	// the field, on a grid 0.02 mag apart (EM alone can settle on a field
	// fluctuation near wherever it starts).
	lo, hi := slices.Min(x), slices.Max(x)
	va, al := maxDepth*maxDepth/4, 0.2
	mu, bestLL := lo, math.Inf(-1)
	for c := lo; c <= hi; c += 0.02 {
		if l := mixLL(c, va, al); l > bestLL {
			mu, bestLL = c, l
		}
	}

	resp := make([]float64, n)
	ll, prev := math.Inf(-1), math.Inf(-1)
	iter := 1
	for ; iter <= maxIter; iter++ {
		ll = 0
		for j := range x {
			s2 := va + e2[j]
			d := x[j] - mu
			pc := al * math.Exp(-0.5*d*d/s2) / math.Sqrt(2*math.Pi*s2)
			pf := (1 - al) * fd[j]
			resp[j] = pc / (pc + pf)
			if !(pc+pf > 0) {
				resp[j] = 0
			}
			ll += math.Log(pc + pf)
		}
		var r, rb float64
		for j := range x {
			b := mu + va/(va+e2[j])*(x[j]-mu)
			if va+e2[j] == 0 {
				b = x[j]
			}
			r += resp[j]
			rb += resp[j] * b
		}
		if !(r > 0) {
			return FieldFit{}, errors.New("distance: FitClusterField: the cluster lost every star")
		}
		newMu := rb / r
		var rv float64
		for j := range x {
			b, bv := x[j], 0.0
			if s2 := va + e2[j]; s2 > 0 {
				b = mu + va/s2*(x[j]-mu)
				bv = va - va*va/s2
			}
			rv += resp[j] * ((newMu-b)*(newMu-b) + bv)
		}
		mu, va, al = newMu, min(rv/r, maxDepth*maxDepth), r/float64(n)
		if math.Abs(ll-prev) <= tol*math.Abs(ll) {
			break
		}
		prev = ll
	}
	if !star.Finite(ll) || !star.Finite(mu) {
		return FieldFit{}, errors.New("distance: FitClusterField: the fit diverged")
	}
	var members float64
	for j := range x {
		members += resp[j]
	}
	// The error of DM is the inverse observed information of the mixture's
	// log-likelihood (the weight and depth held at their fits), by central
	// differences: unlike the Fisher information of the members alone, it
	// counts the stars whose membership is in doubt.
	const step = 1e-3
	info := -(mixLL(mu+step, va, al) - 2*mixLL(mu, va, al) + mixLL(mu-step, va, al)) / (step * step)
	if !(info > 0) {
		return FieldFit{}, errors.New("distance: FitClusterField: the cluster's modulus is not at a maximum of the likelihood")
	}
	fit := FieldFit{
		DM: mu, DMErr: 1 / math.Sqrt(info), Depth: math.Sqrt(va),
		Weight: al, Members: members, FieldStars: len(field), Bandwidth: h,
		LogLike: ll, Iter: min(iter, maxIter), Resp: make([]float64, len(cone)),
	}
	fit.Dist = math.Pow(10, mu/5+1)
	fit.DistErr = fit.Dist * math.Ln10 / 5 * fit.DMErr
	for i := range fit.Resp {
		fit.Resp[i] = math.NaN()
	}
	for j, i := range idx {
		fit.Resp[i] = resp[j]
	}
	return fit, nil
}

// silverman returns Silverman's rule-of-thumb bandwidth of v:
// 0.9 min(sd, IQR/1.34) n^(-1/5).
func silverman(v []float64) float64 {
	n := float64(len(v))
	var s, s2 float64
	for _, x := range v {
		s += x
	}
	mean := s / n
	for _, x := range v {
		s2 += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(s2 / (n - 1))
	iqr := hist.QuantileOf(v, 0.75) - hist.QuantileOf(v, 0.25)
	spread := sd
	if iqr > 0 {
		spread = min(sd, iqr/1.34)
	}
	return 0.9 * spread * math.Pow(n, -0.2)
}

// kde is the Gaussian kernel density estimate of the values v with
// bandwidth h at x.
func kde(v []float64, h, x float64) float64 {
	var s float64
	for _, c := range v {
		z := (x - c) / h
		s += math.Exp(-z * z / 2)
	}
	return s / (float64(len(v)) * h * math.Sqrt(2*math.Pi))
}
