package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/pipelines/simulate"
)

// simFlags are the flags that describe a mock sky, shared by simulate and demo.
type simFlags struct {
	out        string
	stars      int64
	seed       uint64
	noCMD      bool
	background bool
	noDust     bool
	zeroPoint  float64
	noColour   float64
	scale      float64
	shardLevel int
	streams    listFlag
	patches    listFlag // simulate only

	// demo only
	skipDistances           bool
	trainStars, trainPasses int
}

func (f *simFlags) declare(fs *flag.FlagSet, out string, stars int64) {
	fs.StringVar(&f.out, "out", out, "output folder, local or gs://")
	fs.Int64Var(&f.stars, "stars", stars, "stars of the smooth populations over the whole sky (streams come in addition)")
	fs.Uint64Var(&f.seed, "seed", 1, "run seed: every random draw is keyed by (seed, shard or star, purpose)")
	fs.BoolVar(&f.noCMD, "no-cmd", false, "leave out the paper-000 §4.1 colour-magnitude population")
	fs.BoolVar(&f.background, "background", false, "add the halo and thick-disk background of the stream search")
	fs.BoolVar(&f.noDust, "no-dust", false, "a dust-free sky (default: the 2D Gaussian dust map, uniform along each line of sight)")
	fs.Float64Var(&f.zeroPoint, "parallax-zero-point", mock.DR2ZeroPoint, "added to every observed parallax, mas (DR2's global zero point, which distances corrects by default; 0 for none)")
	fs.Float64Var(&f.scale, "distance-scale", 1000, "L of the paper-000 population's space density P(d) ∝ d² exp(-d/L), pc (paper 000 §4.1: 1 kpc); another L tests a catalog whose prior does not know it")
	fs.Float64Var(&f.noColour, "no-colour-fraction", 0, "share of the stars, drawn at random, written without BP and RP (DR2: 18% of the sources with a parallax)")
	fs.IntVar(&f.shardLevel, "shard-level", 0, "HEALPix level of a shard, 0..12 (0: chosen from --stars)")
	fs.Var(&f.streams, "stream", "inject a stream: gd1:N (the embedded GD-1 track) or TRACK.ecsv:N[:width_deg[:pm_dispersion]] (a galstreams track); repeatable")
}

func (f *simFlags) config(ctx context.Context) (mock.Config, error) {
	cfg := mock.Config{Seed: f.seed, Stars: f.stars, NoCMD: f.noCMD, Background: f.background, ShardLevel: f.shardLevel}
	if f.noDust {
		cfg.Dust = &dust.Gaussian{}
	}
	cfg.ParallaxZeroPoint, cfg.NoParallaxZeroPoint = f.zeroPoint, f.zeroPoint == 0
	cfg.NoColourFraction = f.noColour
	cfg.DistanceScale = f.scale
	var err error
	if cfg.Patches, err = f.patches.pixels("patches"); err != nil {
		return cfg, err
	}
	for _, spec := range f.streams {
		st, err := parseStream(ctx, spec)
		if err != nil {
			return cfg, err
		}
		cfg.Streams = append(cfg.Streams, st)
	}
	return cfg, nil
}

// parseStream reads gd1:N or TRACK:N[:width[:pmdisp]].
func parseStream(ctx context.Context, spec string) (mock.Stream, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 4 {
		return mock.Stream{}, fmt.Errorf("--stream %q: want gd1:N or TRACK.ecsv:N[:width[:pm_dispersion]]", spec)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return mock.Stream{}, fmt.Errorf("--stream %q: bad star count %q", spec, parts[1])
	}
	var st mock.Stream
	if strings.EqualFold(parts[0], "gd1") {
		st = mock.GD1Stream(n)
	} else {
		r, err := store.Open(ctx, parts[0])
		if err != nil {
			return st, fmt.Errorf("--stream %q: %w", spec, err)
		}
		defer r.Close()
		tr, err := mock.ReadTrack(r)
		if err != nil {
			return st, fmt.Errorf("--stream %q: %w", spec, err)
		}
		name := strings.TrimSuffix(filepath.Base(parts[0]), ".ecsv")
		st = mock.Stream{Name: strings.TrimPrefix(name, "track.st."), Track: tr, N: n}
	}
	for k, dst := range []*float64{&st.Width, &st.PMDispersion} {
		if len(parts) > 2+k {
			if *dst, err = strconv.ParseFloat(parts[2+k], 64); err != nil {
				return st, fmt.Errorf("--stream %q: bad number %q", spec, parts[2+k])
			}
		}
	}
	return st, nil
}

func runSimulate(ctx context.Context, f *simFlags) error {
	cfg, err := f.config(ctx)
	if err != nil {
		return err
	}
	p, err := simulate.Build(cfg, f.out)
	if err != nil {
		return err
	}
	t, res, err := runAndReport(ctx, p, "simulate", store.Join(f.out, simulate.CountsName), simulate.Reconcile)
	if err != nil || t == nil {
		return err
	}
	fmt.Printf("  throughput: %.0f stars/s written\n  mock sky in %s (manifest.json, dust.json, truth/)\n", float64(simulate.Simulated(t))/res.Elapsed.Seconds(), f.out)
	return nil
}

func init() {
	register(&command{
		name:    "simulate",
		summary: "write a mock Gaia sky: DR2-format partitions, truth table, dust map",
		usage: `Writes a seeded mock Gaia sky as gzipped partitions in the DR2 bulk format
(GaiaSource_<min>_<max>.csv.gz, source_ids carrying the level-12 HEALPix index like Gaia's),
a truth table keyed by source_id (truth/), the dust map used (dust.json) and, last, a manifest.
Ingredients: the paper-000 §4.1 simulation (a main sequence, giant branch and white-dwarf
colour-magnitude density, distances from d^2 exp(-d/1 kpc), a 2D Gaussian dust map, parallax
errors d/10 kpc mas) and, optionally, a halo and thick-disk background with thin streams
injected along real tracks (Via Machinae). It is a Beam pipeline: shards are generated and
written in parallel, so tens of millions of stars are fine.`,
		example: "gaiaflow simulate --out mock --stars 1000000 --background --stream gd1:3000 --seed 7",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			f := &simFlags{}
			f.declare(fs, "", 100000)
			fs.Var(&f.patches, "patches", "write only the shards that reach into these stream-search patches (nside-6 Galactic RING pixels, as streams --patches): the sky of --stars at its full density there, nothing elsewhere")
			return func(ctx context.Context, _ []string) error {
				if f.out == "" {
					return fmt.Errorf("--out is required")
				}
				return runSimulate(ctx, f)
			}
		},
	})
}
