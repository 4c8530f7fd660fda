package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

func init() {
	register(&command{
		name:    "dust import",
		summary: "convert a Bayestar HDF5 map to gaiaflow's compact, fast-loading format",
		usage: `Reads a Bayestar map as distributed (bayestar2019.h5, bayestar2017.h5, bayestar2015.h5:
/pixel_info, /samples, /best_fit, several HEALPix levels in one file) with gaiaflow's own
pure-Go HDF5 reader, and writes it as float32 arrays with a sorted pixel index and
checksums, which load in seconds on every worker. The release (and so the units) is taken
from the file name unless --version is given. Local or gs:// paths.`,
		example: "gaiaflow dust import --input bayestar2019.h5 --out gs://my-bucket/dust/bayestar2019.gfdust",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var in, out string
			var opt dustfile.Options
			fs.StringVar(&in, "input", "", "Bayestar HDF5 file")
			alias(fs, "in", "input")
			fs.StringVar(&out, "out", "", "compact map to write")
			fs.StringVar(&opt.Version, "version", "", "bayestar2019, bayestar2017 or bayestar2015 (default: from the file name)")
			fs.IntVar(&opt.MaxSamples, "max-samples", 0, "keep at most this many posterior samples per pixel (0: all)")
			return func(ctx context.Context, _ []string) error {
				if in == "" || out == "" {
					return fmt.Errorf("--input and --out are required")
				}
				start := time.Now()
				s, err := dustfile.Import(ctx, in, out, opt)
				if err != nil {
					return err
				}
				fmt.Printf("%s: %s, %d pixels %v, %d samples x %d distance moduli, %.1f MB, in %.1f s\n",
					out, s.Version, s.Pixels, s.Levels, s.Samples, len(s.DM), float64(s.Bytes)/1e6, time.Since(start).Seconds())
				return nil
			}
		},
	})
	register(&command{
		name:    "dust query",
		summary: "print what a dust map returns at (l, b, distance)",
		usage: `Opens a dust map (gaiaflow compact, Bayestar HDF5, or the analytic map a mock sky was
made with, dust.json) and prints one query: coverage and reliability flags, the median,
mean, spread, a sample and the best fit of the reddening, and the Gaia extinctions
(A_G = 2.71 E, E(BP-RP) = 0.85 E, E(BP-G) = 0.39 E by default). Give the place as
Galactic --l --b or ICRS --ra --dec, and --dist in parsecs.`,
		example: "gaiaflow dust query --map bayestar2019.gfdust --l 90 --b 10 --dist 2000",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var path, version string
			var l, b, ra, dec, dist float64
			var sample int
			var ext dust.Extinction
			nan := func(p *float64, name, usage string) { *p = -999; fs.Float64Var(p, name, -999, usage) }
			fs.StringVar(&path, "map", "", "dust map: a .gfdust, Bayestar .h5 or mock dust.json file, constant:E, or none")
			fs.StringVar(&version, "version", "", "for a Bayestar .h5 file: bayestar2019, bayestar2017 or bayestar2015 (default: from the file name)")
			nan(&l, "l", "Galactic longitude, deg")
			nan(&b, "b", "Galactic latitude, deg")
			nan(&ra, "ra", "ICRS right ascension, deg (instead of l, b)")
			nan(&dec, "dec", "ICRS declination, deg")
			fs.Float64Var(&dist, "dist", 1000, "distance, pc")
			fs.IntVar(&sample, "sample", 0, "which posterior sample to show")
			fs.Float64Var(&ext.AG, "ag", 2.71, "A_G per unit E(g-r)")
			fs.Float64Var(&ext.BPRP, "ebprp", 0.85, "E(BP-RP) per unit E(g-r)")
			fs.Float64Var(&ext.BPG, "ebpg", 0.39, "E(BP-G) per unit E(g-r)")
			return func(ctx context.Context, _ []string) error {
				if path == "" {
					return fmt.Errorf("--map is required")
				}
				if ra != -999 && dec != -999 {
					l, b = sky.ICRSToGalactic(ra, dec)
				}
				if l == -999 || b == -999 {
					return fmt.Errorf("give --l and --b, or --ra and --dec")
				}
				m, err := dustfile.OpenSpec(ctx, path, dustfile.Options{Version: version})
				if err != nil {
					return err
				}
				if err := dustfile.Describe(os.Stdout, m); err != nil {
					return err
				}
				return dustfile.PrintQuery(os.Stdout, m, l, b, dist, dust.DrawFor(sample, max(m.Samples(), 1)), ext)
			}
		},
	})
}
