package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// ClusterResult is one fit of ClusterDistances: the cluster's distance and
// its standard error, its spread and the expected number of members, in pc.
type ClusterResult struct {
	MaxSNR            float64
	Stars, FieldStars int // in the cone, in the annulus
	Dist, Err, Spread float64
	Members           float64
	Fit               error // why the fit failed, or nil
}

// ClusterSelection is where and how ClusterDistances fits a cluster.
type ClusterSelection struct {
	Cone                  Cone
	AnnulusIn, AnnulusOut float64 // degrees; the field's annulus
	// Gaussian fits paper 000's two Gaussians to the distances instead of
	// the cluster against the measured field; Deconvolve takes the
	// posterior spreads out of that fit.
	Gaussian, Deconvolve bool
}

// ClusterDistances fits the cluster in the catalog rows inside sel's cone,
// once per Gaia parallax-SNR ceiling in maxSNR: by default against the
// field measured in the annulus (FitClusterField), or with paper 000's two
// Gaussians (FitCluster). rows may hold stars outside the annulus; they are
// ignored.
func ClusterDistances(rows *Rows, sel ClusterSelection, maxSNR []float64) []ClusterResult {
	var out []ClusterResult
	for _, ceil := range maxSNR {
		var x, e, field []float64
		var stars []ClusterStar
		for i := range rows.SourceID {
			if snr := rows.Parallax[i] / rows.ParallaxError[i]; !(snr < ceil) || math.IsNaN(rows.DistMean[i]) {
				continue
			}
			s := ClusterStarOf(rows.DistQ16[i], rows.DistQ50[i], rows.DistQ84[i])
			switch sep := sky.Separation(sel.Cone.RA, sel.Cone.Dec, rows.RA[i], rows.Dec[i]); {
			case sep <= sel.Cone.Radius:
				x = append(x, rows.DistMean[i])
				e = append(e, rows.DistStd[i])
				stars = append(stars, s)
			case sep >= sel.AnnulusIn && sep <= sel.AnnulusOut:
				field = append(field, s.DM)
			}
		}
		r := ClusterResult{MaxSNR: ceil, Stars: len(x), FieldStars: len(field)}
		if sel.Gaussian {
			opt := ClusterOptions{}
			if sel.Deconvolve {
				opt.Errors = e
			}
			fit, err := FitCluster(x, opt)
			r.Dist, r.Err, r.Spread, r.Members, r.Fit = fit.Mean, fit.MeanErr, fit.Sigma, fit.Members, err
		} else {
			fit, err := FitClusterField(stars, field, FieldFitOptions{})
			r.Dist, r.Err, r.Members, r.Fit = fit.Dist, fit.DistErr, fit.Members, err
			r.Spread = fit.Dist * math.Ln10 / 5 * fit.Depth
		}
		out = append(out, r)
	}
	return out
}
