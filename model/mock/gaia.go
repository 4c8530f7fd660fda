package mock

import (
	"math"
	"math/rand/v2"
)

// Gaia DR2-like measurement errors of the mock, as functions of the true
// apparent G magnitude. They are smooth empirical forms tuned to the
// uncertainties the DR2 papers quote, not a model of the scanning law:
//
// Parallax (Lindegren et al. 2018, A&A 616, A2: about 0.04 mas at G < 15,
// 0.1 mas at G = 17, 0.7 mas at G = 20, 2 mas at G = 21):
//
//	sigma_parallax = sqrt(0.04² + (0.09·10^(0.2(G-17)))² + (0.6·10^(0.4(G-20)))²) mas
//
// giving 0.054, 0.098, 0.70 and 1.6 mas at G = 15, 17, 20, 21. The first term
// is the calibration floor, the second photon noise, the third the sky
// background. Proper motions: sigma_pm = 1.8 sigma_parallax mas/yr for both
// components (DR2: 0.2 and 1.2 mas/yr at G = 17 and 20).
//
// Photometry (Evans et al. 2018, A&A 616, A4: G uncertainties of about 0.3,
// 2 and 10 mmag at G = 12, 17, 20; BP and RP about 2, 10 and 200 mmag):
//
//	sigma_G     = sqrt(0.0003² + (0.002·10^(0.2(G-17)))² + (0.006·10^(0.4(G-20)))²) mag
//	sigma_BP,RP = sqrt(0.002² + (0.008·10^(0.2(G-17)))² + (0.19·10^(0.5(G-20)))²) mag
//
// and phot_*_mean_flux_over_error = 2.5/ln(10)/sigma.
//
// The paper-000 population instead has the paper's parallax error
// sigma_parallax = d/(10 kpc) mas (§4.1); its proper-motion and photometric
// errors follow the laws above.
const pmErrorRatio = 1.8

// ParallaxErrorDR2 returns the mock's Gaia DR2-like parallax standard error
// (mas) of a star of apparent magnitude G.
func ParallaxErrorDR2(G float64) float64 {
	a := 0.09 * math.Pow(10, 0.2*(G-17))
	b := 0.6 * math.Pow(10, 0.4*(G-20))
	return math.Sqrt(0.04*0.04 + a*a + b*b)
}

// PhotErrorsDR2 returns the mock's Gaia DR2-like magnitude errors (mag) in G
// and in BP and RP of a star of apparent magnitude G.
func PhotErrorsDR2(G float64) (sigmaG, sigmaBPRP float64) {
	a := 0.002 * math.Pow(10, 0.2*(G-17))
	b := 0.006 * math.Pow(10, 0.4*(G-20))
	sigmaG = math.Sqrt(0.0003*0.0003 + a*a + b*b)
	c := 0.008 * math.Pow(10, 0.2*(G-17))
	d := 0.19 * math.Pow(10, 0.5*(G-20))
	sigmaBPRP = math.Sqrt(0.002*0.002 + c*c + d*d)
	return sigmaG, sigmaBPRP
}

// magToFluxOverError is 2.5/ln(10): phot_*_mean_flux_over_error = this/sigma_mag.
const magToFluxOverError = 1.0857362047581294

// Astrometric goodness of fit. The number of good along-scan observations is
// N(230, 60²) rounded and clipped to [40, 600] (DR2 medians are about 200-300
// depending on the scanning law). The unit-weight error UWE =
// sqrt(chi2/(n-5)) is drawn as s·sqrt(X/(n-5)) with X ~ chi²(n-5) (by the
// Wilson-Hilferty approximation): s = 1 for single stars, so their RUWE is 1
// within a few per cent, and s = 1 + Exp(mean 1) for a fraction binaryFrac of
// stars, unresolved binaries whose RUWE is mostly above 1.4. The mock's
// normalisation u0(G, colour) is 1, so RUWE = UWE.
const binaryFrac = 0.04

// astrometricFit returns (astrometric_chi2_al, astrometric_n_good_obs_al,
// ruwe) for one star.
func astrometricFit(r *rand.Rand) (chi2, nGood, ruwe float64) {
	n := math.Round(230 + 60*r.NormFloat64())
	n = min(max(n, 40), 600)
	nu := n - 5
	s := 1.0
	if r.Float64() < binaryFrac {
		s += r.ExpFloat64()
	}
	h := 2 / (9 * nu)
	x := 1 - h + r.NormFloat64()*math.Sqrt(h)
	x = max(x, 0)
	uwe2 := s * s * x * x * x // X/nu
	return nu * uwe2, n, math.Sqrt(uwe2)
}
