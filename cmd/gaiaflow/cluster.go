package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// clusterDistance reads the catalog's stars around the cone and fits the
// cluster in them (distance.ClusterDistances).
func clusterDistance(ctx context.Context, dir string, sel distance.ClusterSelection, maxSNR []float64) ([]distance.ClusterResult, error) {
	outer := sel.Cone
	outer.Radius = max(sel.Cone.Radius, sel.AnnulusOut)
	rows, _, err := release.ReadPublished(ctx, dir, outer.Contains)
	if err != nil {
		return nil, err
	}
	return distance.ClusterDistances(rows, sel, maxSNR), nil
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
			c := distance.ClusterSelection{Cone: distance.M67Cone}
			fs.StringVar(&dir, "catalog", "", "a published catalog folder (from 'gaiaflow distances')")
			fs.Float64Var(&c.Cone.RA, "ra", c.Cone.RA, "cone centre, right ascension (deg, ICRS)")
			fs.Float64Var(&c.Cone.Dec, "dec", c.Cone.Dec, "cone centre, declination (deg)")
			fs.Float64Var(&c.Cone.Radius, "radius", c.Cone.Radius, "cone radius (deg)")
			fs.StringVar(&annulus, "annulus", "", "inner,outer radius of the field's annulus (deg; default 2 and 4 cone radii)")
			fs.Var(&snr, "max-snr", "Gaia parallax SNR ceilings, one fit each (default 15,50)")
			fs.BoolVar(&c.Gaussian, "gaussian", false, "paper 000's fit: two Gaussians over the distances, the narrower the cluster")
			fs.BoolVar(&c.Deconvolve, "deconvolve", false, "with --gaussian: deconvolve the posterior spreads")
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
				c.AnnulusIn, c.AnnulusOut = 2*c.Cone.Radius, 4*c.Cone.Radius
				if annulus != "" {
					if _, err := fmt.Sscanf(annulus, "%g,%g", &c.AnnulusIn, &c.AnnulusOut); err != nil || !(c.AnnulusIn >= c.Cone.Radius && c.AnnulusOut > c.AnnulusIn) {
						return fmt.Errorf("--annulus %q: want inner,outer in degrees with radius <= inner < outer", annulus)
					}
				}
				res, err := clusterDistance(ctx, dir, c, ceil)
				if err != nil {
					return err
				}
				fmt.Printf("cone (%.4f, %.4f) r = %.2f deg", c.Cone.RA, c.Cone.Dec, c.Cone.Radius)
				if !c.Gaussian {
					fmt.Printf(", field from the annulus %.2f-%.2f deg", c.AnnulusIn, c.AnnulusOut)
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
