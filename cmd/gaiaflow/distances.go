package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/gaiaflow/gaiaflow/io/config"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/pipelines/distances"
	"github.com/gaiaflow/gaiaflow/runners"
)

// catalogSpec is a catalog run's configuration (io/config.Catalog), with
// its flags.
type catalogSpec struct{ config.Catalog }

// followFlags make `distances` follow its inputs as a streaming pipeline.
type followFlags struct {
	follow        bool
	poll, publish time.Duration
	notifications string
}

func (f *followFlags) declare(fs *flag.FlagSet) {
	fs.BoolVar(&f.follow, "follow", false, "keep running: list the inputs every --poll-every, make new and changed partitions into shards, publish a version every --publish-every when shards arrived (a streaming pipeline; SIGINT/SIGTERM drains and publishes)")
	fs.BoolVar(&f.follow, "streaming", false, "the same as --follow (on Dataflow the job then runs as a streaming job)")
	fs.DurationVar(&f.poll, "poll-every", time.Minute, "with --follow: how often the inputs, the model and the dust map are listed")
	fs.DurationVar(&f.publish, "publish-every", 10*time.Minute, "with --follow: how often a new version may be published")
	fs.StringVar(&f.notifications, "notifications", "", "with --follow on Dataflow: a Pub/Sub subscription (projects/P/subscriptions/S) of the input bucket's notifications, read instead of polling for partitions (the model and dust map are still checked every --publish-every)")
}

func (c *catalogSpec) declare(fs *flag.FlagSet) {
	fs.Var((*listFlag)(&c.Inputs), "input", "Gaia partitions, paths or globs, local or gs:// (repeat or comma-separate)")
	fs.StringVar(&c.Out, "out", "", "catalog folder, local or gs:// (versions, shards, CURRENT)")
	fs.StringVar(&c.Model, "model", "", "CMD flow from 'gaiaflow traincmd' (.gff)")
	d := config.DefaultCatalog
	fs.StringVar(&c.Dust, "dust", d.Dust, "dust map: a .gfdust, Bayestar .h5 or mock dust.json file, constant:E, or none")
	fs.StringVar(&c.Prior, "prior", d.Prior, "distance prior: auto (default: survey where the model holds one, else flat-parallax), survey (the distance distribution the model's training measured on the catalogue, traincmd --survey-stars: calibrated posteriors, a fifth slower; a followed catalog keeps the table it started with), flat-parallax (paper eq. 2, faster; places stars with uninformative parallaxes too near), flat-distance, or exp-decreasing:L (space density decreasing with length L pc)")
	fs.Uint64Var(&c.Seed, "seed", 0, "run seed; with source_id it keys every random draw")
	fs.IntVar(&c.K, "samples", d.K, "parallax samples per star")
	fs.IntVar(&c.T, "iterations", d.T, "iterations of eq. 2 at most (with --dust-at-dbest, until d_best has converged: --converged; the default needs one)")
	fs.IntVar(&c.Quantiles, "quantiles", 0, "extra posterior quantiles per star (e.g. 100)")
	fs.Func("parallax-offset", "added to every parallax, mas (default +0.029, DR2; give 0 for DR3 data corrected elsewhere)", func(s string) error {
		var v float64
		if _, err := fmt.Sscan(s, &v); err != nil {
			return err
		}
		c.ParallaxOffset = &v
		return nil
	})
	fs.BoolVar(&c.StopEarly, "stop-early", false, "with --dust-at-dbest: end a star's iterations once d_best changes by less than 1e-3 (about 1.2x faster than --converged's default; quantiles move by up to 0.8 of the posterior's width)")
	fs.Float64Var(&c.Converged, "converged", 0, "with --dust-at-dbest: end a star's iterations, at most --iterations, once d_best changes by less than this (relative), as the paper iterates 'until the dust estimate converges'; 0: 1e-9 (quantiles within 1e-7 of the posterior's width of all iterations'), negative: always all")
	fs.Float64Var(&c.RefineESS, "refine-ess", distance.DefaultRefineESS, "estimate again, with the samples drawn where the first estimate found the posterior, a star whose effective sample size is below this (up to 32 rounds); negative: never (the paper)")
	fs.IntVar(&c.RefineK, "refine-samples", 0, fmt.Sprintf("parallax samples of a star estimated again (--refine-ess), rounded up to a multiple of 8; 0: %d x --samples", distance.DefaultRefineSamples))
	fs.BoolVar(&c.DustAtDBest, "dust-at-dbest", false, "deredden all of a star's samples with the dust at its current distance estimate and iterate eq. 2 --iterations times, as the paper does; default: each sample with the dust at its own distance, exact and in one pass")
	fs.BoolVar(&c.IndependentSamples, "independent-samples", false, "draw each star's parallax samples independently, as the paper does; default: one in each of --samples equal-probability strata of the parallax likelihood (the same posterior, with less noise in its quantiles)")
	fs.BoolVar(&c.ObservedColours, "observed-colours", false, "evaluate the CMD at the observed colours, as the paper does; default: integrate over their photometric errors (a draw per parallax sample), which costs about 25% more")
	fs.BoolFunc("hats", "write each version as a HATS catalog too, in <version>/hats (LSDB, DuckDB); on by default, --hats=false for none", func(v string) error {
		on, err := strconv.ParseBool(v)
		c.NoHATS = !on
		return err
	})
	fs.Int64Var(&c.HATSMaxRows, "hats-max-rows", 1_000_000, "rows per HATS partition at most")
	fs.BoolVar(&c.Exact, "exact", false, "evaluate the flow itself, not its distilled grid (slow; a check; without the grid, a refined star draws its colours from Gaussians only, not from the CMD)")
	fs.IntVar(&c.GridNodes, "grid-nodes", d.GridNodes, "size of the distilled CMD grid: its cube of nodes (2n x n x n/2 on g, bp-rp and bp-g sheared along the colours' line where the CMD has one)")
	fs.IntVar(&c.BlockSize, "block-size", d.BlockSize, "stars per block")
	alias(fs, "block", "block-size")
}

func (c *catalogSpec) options(ctx context.Context) (distances.Options, error) {
	prior, err := distance.ParsePrior(c.Prior)
	if err != nil {
		return distances.Options{}, err
	}
	cfg := distance.Config{Seed: c.Seed, K: c.K, T: c.T, Quantiles: c.Quantiles, Prior: prior, StopEarly: c.StopEarly, Converged: c.Converged, RefineESS: c.RefineESS,
		RefineK: c.RefineK, ObservedColours: c.ObservedColours, DustAtDBest: c.DustAtDBest, Stratified: !c.IndependentSamples}
	if c.ParallaxOffset != nil {
		if *c.ParallaxOffset == 0 {
			cfg.NoParallaxOffset = true
		} else {
			cfg.ParallaxOffset = *c.ParallaxOffset
		}
	}
	opt := distances.Options{Inputs: c.Inputs, Out: c.Out, Model: c.Model, Dust: c.Dust, Exact: c.Exact,
		GridNodes: c.GridNodes, Cfg: cfg, BlockSize: c.BlockSize, HATSMaxRows: c.HATSMaxRows, NoHATS: c.NoHATS,
		DryRun: runners.DryRun()}
	return opt, distances.ResolvePrior(ctx, &opt)
}

// runCatalog takes the catalog's lock, plans, runs what is left and
// publishes a new version.
func runCatalog(ctx context.Context, c *catalogSpec, job string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	opt, err := c.options(ctx)
	if err != nil {
		return err
	}
	cpu := startCPU()
	plan, err := distances.Begin(ctx, opt)
	if err != nil {
		return err
	}
	defer plan.End(ctx)
	for _, r := range plan.Cleaned {
		fmt.Printf("%s: removed what a killed run left: %s\n", job, r)
	}
	fmt.Printf("%s: %d input partitions, %d to compute, model %s…\n", job, len(plan.All), len(plan.Todo), plan.ModelSum[:12])
	if plan.Fresh() {
		fmt.Printf("catalog %s is up to date (version %s); nothing published\n", c.Out, plan.Previous.Version)
		return nil
	}
	var computed int64 // rows this run read
	if len(plan.Todo) > 0 {
		p, err := distances.Build(plan, opt)
		if err != nil {
			return err
		}
		res, err := runJob(ctx, p, job)
		if err != nil {
			return err
		}
		if res.Counters == nil {
			fmt.Printf("%s: dry run: would compute %d partitions and publish %s; nothing written\n", job, len(plan.Todo), plan.Version)
			return nil
		}
		counts, err := distances.RunCounts(ctx, plan, opt)
		if err != nil {
			return err
		}
		if err := report(job, res, counts, nil); err != nil {
			return err
		}
		computed = counts[star.RowsIn]
	} else if opt.DryRun {
		fmt.Printf("%s: dry run: would publish %s from finished shards; nothing written\n", job, plan.Version)
		return nil
	}
	if !c.NoHATS {
		// A job that computed shards wrote the HATS catalog too ("hats"
		// above); one that reuses every shard has its own.
		hatsDir := store.Join(opt.Out, plan.Version, release.HATSDir)
		if len(plan.Todo) == 0 {
			start := time.Now()
			if _, err := runJob(ctx, distances.BuildHATS(plan, opt), job+" hats"); err != nil {
				return fmt.Errorf("HATS catalog: %w", err)
			}
			fmt.Printf("  HATS catalog: %s (%.1f s)\n", hatsDir, time.Since(start).Seconds())
		} else {
			fmt.Printf("  HATS catalog: %s\n", hatsDir)
		}
	}
	start := time.Now()
	m, t1, err := distances.Publish(ctx, plan, opt)
	if err != nil {
		return err
	}
	fmt.Printf("  publish: %.1f s\n", time.Since(start).Seconds())
	if computed > 0 {
		cpu.print("from the plan to the publication (grid, read, model, write, publish)", computed)
	}
	if m.DuplicateRows > 0 {
		fmt.Printf("\nwarning: %d rows share their source_id with another row: the inputs overlap (flagged \"duplicate\" inside a shard; across shards listed in %s/%s)\n", m.DuplicateRows, m.Version, release.DuplicatesName)
	}
	fmt.Printf("\npublished %s/%s: %d stars in %d shards (%d reused); version counts: %s\n\n%s\n", c.Out, m.Version, m.Stars, len(m.Inputs), len(plan.All)-len(plan.Todo), m.Counts.Balance(), t1.Markdown())
	return plan.End(ctx)
}

func init() {
	register(&command{
		name:    "distances",
		summary: "the photometric-distance catalog of paper 000 over Gaia partitions",
		usage: `For every star: K truncated-normal parallax samples, T iterations of the weighted
distance estimate (paper 000 eq. 2) with the CMD density of a trained flow (distilled to a
grid) and the dust map's posterior samples, and the posterior summary (mean, std, q16/q50/q84,
SNR, dust, dereddened photometry, flags). Writes one gzipped CSV and one Parquet shard per input
partition under <out>/shards, Table 1 of the paper, and publishes a new catalog version
atomically (<out>/CURRENT names it). Shards already made with the same input, model and
options are reused.`,
		example: "gaiaflow distances --input 'gs://b/gdr2/GaiaSource_*.csv.gz' --model cmd.gff --dust gs://b/dust/bayestar2019.gfdust --out gs://b/catalog",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			c := &catalogSpec{}
			c.declare(fs)
			f := &followFlags{}
			f.declare(fs)
			return func(ctx context.Context, args []string) error {
				c.Inputs = append(c.Inputs, args...)
				if f.follow {
					return runFollow(ctx, c, f)
				}
				if f.notifications != "" {
					return fmt.Errorf("--notifications needs --follow")
				}
				return runCatalog(ctx, c, "distances")
			}
		},
	})
	register(&command{
		name:    "regen",
		summary: "regenerate the catalog if its inputs or model changed (for a scheduler)",
		usage: `What cron, a Kubernetes CronJob or Cloud Scheduler runs. Reads a JSON configuration
(the fields of 'gaiaflow distances': inputs, out, model, dust, prior, seed, samples,
iterations, quantiles, parallax_offset, stop_early, converged, exact, grid_nodes, block_size), lists the inputs
(path, size, generation) and the model's checksum, recomputes only the partitions whose shard
is missing or out of date (all of them when the model changed), and publishes the new version
atomically. A run killed half-way leaves the published catalog as it was; the next run reuses
the shards it finished. Exits 0 without publishing when nothing changed.`,
		example: "gaiaflow regen --config /etc/gaiaflow/catalog.json --runner=dataflow --project=p --region=europe-west4 --staging_location=gs://b/staging --temp_location=gs://b/tmp",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var path string
			fs.StringVar(&path, "config", "", "JSON configuration of the catalog")
			return func(ctx context.Context, _ []string) error {
				if path == "" {
					return fmt.Errorf("--config is required")
				}
				data, err := store.ReadFile(ctx, path)
				if err != nil {
					return err
				}
				c, err := config.ReadCatalog(bytes.NewReader(data))
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				fmt.Fprintf(os.Stderr, "regen: %s\n", path)
				return runCatalog(ctx, &catalogSpec{c}, "regen")
			}
		},
	})
}
