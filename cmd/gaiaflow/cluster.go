package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// clusterResult is one fit of clusterDistance.
type clusterResult struct {
	MaxSNR float64
	Stars  int
	Fit    distance.ClusterFit
	Err    error
}

// clusterDistance fits the cluster + field mixture to the model distances of
// the catalog's stars in cone, once per Gaia parallax-SNR ceiling.
func clusterDistance(ctx context.Context, dir string, cone distance.Cone, maxSNR []float64, deconvolve bool) ([]clusterResult, error) {
	rows, _, err := release.ReadPublished(ctx, dir, cone.Contains)
	if err != nil {
		return nil, err
	}
	var out []clusterResult
	for _, ceil := range maxSNR {
		var x, e []float64
		for i := range rows.SourceID {
			if snr := rows.Parallax[i] / rows.ParallaxError[i]; snr < ceil && !math.IsNaN(rows.DistMean[i]) {
				x = append(x, rows.DistMean[i])
				e = append(e, rows.DistStd[i])
			}
		}
		opt := distance.ClusterOptions{}
		if deconvolve {
			opt.Errors = e
		}
		fit, err := distance.FitCluster(x, opt)
		out = append(out, clusterResult{MaxSNR: ceil, Stars: len(x), Fit: fit, Err: err})
	}
	return out, nil
}

func init() {
	register(&command{
		name:    "cluster-distance",
		summary: "a star cluster's distance from a published catalog (paper 000 §4.3)",
		usage: `Selects the catalog's stars within a cone whose Gaia parallax SNR is below a ceiling, and
fits a two-component Gaussian mixture (cluster + field) to their model distances, as paper 000
§4.3 does for M67 (Table 2: 0.83 +- 0.06 kpc for SNR < 15, 0.845 +- 0.006 kpc for SNR < 50).
The default cone is M67's (08h51.3m +11d49', 0.3 deg). --deconvolve uses each star's
posterior spread (extreme deconvolution) so the spread is the cluster's depth.`,
		example: "gaiaflow cluster-distance --catalog out/m67-catalog --max-snr 15,50",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var dir string
			var snr listFlag
			var deconvolve bool
			cone := distance.M67Cone
			fs.StringVar(&dir, "catalog", "", "a published catalog folder (from 'gaiaflow distances')")
			fs.Float64Var(&cone.RA, "ra", cone.RA, "cone centre, right ascension (deg, ICRS)")
			fs.Float64Var(&cone.Dec, "dec", cone.Dec, "cone centre, declination (deg)")
			fs.Float64Var(&cone.Radius, "radius", cone.Radius, "cone radius (deg)")
			fs.Var(&snr, "max-snr", "Gaia parallax SNR ceilings, one fit each (default 15,50)")
			fs.BoolVar(&deconvolve, "deconvolve", false, "deconvolve the posterior spreads")
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
				res, err := clusterDistance(ctx, dir, cone, ceil, deconvolve)
				if err != nil {
					return err
				}
				fmt.Printf("cone (%.4f, %.4f) r = %.2f deg\n", cone.RA, cone.Dec, cone.Radius)
				fmt.Println("| Gaia parallax SNR | stars | cluster distance (kpc) | spread (kpc) | members |")
				fmt.Println("|---|---|---|---|---|")
				for _, r := range res {
					if r.Err != nil {
						fmt.Printf("| < %g | %d | fit failed: %v | | |\n", r.MaxSNR, r.Stars, r.Err)
						continue
					}
					fmt.Printf("| < %g | %d | %.3f ± %.3f | %.3f | %.0f |\n", r.MaxSNR, r.Stars, r.Fit.Mean/1000, r.Fit.MeanErr/1000, r.Fit.Sigma/1000, r.Fit.Members)
				}
				return nil
			}
		},
	})
}
