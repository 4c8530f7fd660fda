package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// clusterResult is one fit of clusterDistance: the cluster's distance and
// its standard error, its spread and the expected number of members, in pc.
type clusterResult struct {
	MaxSNR            float64
	Stars, FieldStars int // in the cone, in the annulus
	Dist, Err, Spread float64
	Members           float64
	Fit               error
}

// clusterSpec is how clusterDistance fits.
type clusterSpec struct {
	cone                  distance.Cone
	annulusIn, annulusOut float64 // degrees; the field's annulus
	gaussian, deconvolve  bool    // paper 000's two-Gaussian fit (with the posterior spreads deconvolved)
}

// clusterDistance fits the cluster in the catalog's stars in the cone, once
// per Gaia parallax-SNR ceiling: by default against the field measured in
// the annulus (distance.FitClusterField), or with paper 000's two Gaussians.
func clusterDistance(ctx context.Context, dir string, c clusterSpec, maxSNR []float64) ([]clusterResult, error) {
	outer := c.cone
	outer.Radius = max(c.cone.Radius, c.annulusOut)
	rows, _, err := release.ReadPublished(ctx, dir, outer.Contains)
	if err != nil {
		return nil, err
	}
	var out []clusterResult
	for _, ceil := range maxSNR {
		var x, e, field []float64
		var stars []distance.ClusterStar
		for i := range rows.SourceID {
			if snr := rows.Parallax[i] / rows.ParallaxError[i]; !(snr < ceil) || math.IsNaN(rows.DistMean[i]) {
				continue
			}
			s := distance.ClusterStarOf(rows.DistQ16[i], rows.DistQ50[i], rows.DistQ84[i])
			switch sep := sky.Separation(c.cone.RA, c.cone.Dec, rows.RA[i], rows.Dec[i]); {
			case sep <= c.cone.Radius:
				x = append(x, rows.DistMean[i])
				e = append(e, rows.DistStd[i])
				stars = append(stars, s)
			case sep >= c.annulusIn && sep <= c.annulusOut:
				field = append(field, s.DM)
			}
		}
		r := clusterResult{MaxSNR: ceil, Stars: len(x), FieldStars: len(field)}
		if c.gaussian {
			opt := distance.ClusterOptions{}
			if c.deconvolve {
				opt.Errors = e
			}
			fit, err := distance.FitCluster(x, opt)
			r.Dist, r.Err, r.Spread, r.Members, r.Fit = fit.Mean, fit.MeanErr, fit.Sigma, fit.Members, err
		} else {
			fit, err := distance.FitClusterField(stars, field, distance.FieldFitOptions{})
			r.Dist, r.Err, r.Members, r.Fit = fit.Dist, fit.DistErr, fit.Members, err
			r.Spread = fit.Dist * math.Ln10 / 5 * fit.Depth
		}
		out = append(out, r)
	}
	return out, nil
}

func init() {
	register(&command{
		name:    "cluster-distance",
		summary: "a star cluster's distance from a published catalog (paper 000 §4.3)",
		usage: `Selects the catalog's stars within a cone whose Gaia parallax SNR is below a ceiling and
finds the cluster among them. By default the field is measured, not assumed: the distance
moduli of the stars in an annulus around the cone (--annulus, default 2 to 4 cone radii) give
its density, and the cluster is a Gaussian in distance modulus, its depth capped at 0.1 mag,
widened for each star by its own posterior spread, fitted against that field. --gaussian
fits two Gaussians to the distances instead, as paper 000 §4.3 does for M67 (Table 2: 0.83 +-
0.06 kpc for SNR < 15, 0.845 +- 0.006 kpc for SNR < 50): right while the cluster dominates the
cone, wrong where the field does. The default cone is M67's (08h51.3m +11d49', 0.3 deg).`,
		example: "gaiaflow cluster-distance --catalog out/m67-catalog --max-snr 15,50",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var dir, annulus string
			var snr listFlag
			c := clusterSpec{cone: distance.M67Cone}
			fs.StringVar(&dir, "catalog", "", "a published catalog folder (from 'gaiaflow distances')")
			fs.Float64Var(&c.cone.RA, "ra", c.cone.RA, "cone centre, right ascension (deg, ICRS)")
			fs.Float64Var(&c.cone.Dec, "dec", c.cone.Dec, "cone centre, declination (deg)")
			fs.Float64Var(&c.cone.Radius, "radius", c.cone.Radius, "cone radius (deg)")
			fs.StringVar(&annulus, "annulus", "", "inner,outer radius of the field's annulus (deg; default 2 and 4 cone radii)")
			fs.Var(&snr, "max-snr", "Gaia parallax SNR ceilings, one fit each (default 15,50)")
			fs.BoolVar(&c.gaussian, "gaussian", false, "paper 000's fit: two Gaussians over the distances, the narrower the cluster")
			fs.BoolVar(&c.deconvolve, "deconvolve", false, "with --gaussian: deconvolve the posterior spreads")
			return func(ctx context.Context, _ []string) error {
				if dir == "" {
					return fmt.Errorf("--catalog is required")
				}
				if len(snr) == 0 {
					snr = listFlag{"15", "50"}
				}
				var ceil []float64
				for _, s := range snr {
					v, err := strconv.ParseFloat(s, 64)
					if err != nil {
						return fmt.Errorf("--max-snr %q: %w", s, err)
					}
					ceil = append(ceil, v)
				}
				c.annulusIn, c.annulusOut = 2*c.cone.Radius, 4*c.cone.Radius
				if annulus != "" {
					if _, err := fmt.Sscanf(annulus, "%g,%g", &c.annulusIn, &c.annulusOut); err != nil || !(c.annulusIn >= c.cone.Radius && c.annulusOut > c.annulusIn) {
						return fmt.Errorf("--annulus %q: want inner,outer in degrees with radius <= inner < outer", annulus)
					}
				}
				res, err := clusterDistance(ctx, dir, c, ceil)
				if err != nil {
					return err
				}
				fmt.Printf("cone (%.4f, %.4f) r = %.2f deg", c.cone.RA, c.cone.Dec, c.cone.Radius)
				if !c.gaussian {
					fmt.Printf(", field from the annulus %.2f-%.2f deg", c.annulusIn, c.annulusOut)
				}
				fmt.Println()
				fmt.Println("| Gaia parallax SNR | stars | field stars | cluster distance (kpc) | spread (kpc) | members |")
				fmt.Println("|---|---|---|---|---|---|")
				for _, r := range res {
					if r.Fit != nil {
						fmt.Printf("| < %g | %d | %d | fit failed: %v | | |\n", r.MaxSNR, r.Stars, r.FieldStars, r.Fit)
						continue
					}
					fmt.Printf("| < %g | %d | %d | %.3f ± %.3f | %.3f | %.0f |\n", r.MaxSNR, r.Stars, r.FieldStars, r.Dist/1000, r.Err/1000, r.Spread/1000, r.Members)
				}
				return nil
			}
		},
	})
}
