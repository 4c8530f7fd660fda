package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gaiaflow/gaiaflow/model/distance"

	"github.com/gaiaflow/gaiaflow/io/config"
	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/pipelines/inspect"
)

func init() {
	register(&command{
		name:    "demo",
		summary: "the whole chain on a small simulated sky, on this machine: simulate, read, train, catalog, validate",
		usage: `Runs the whole chain on the embedded runner in a few minutes: simulates a small mock
sky (the paper-000 population, a halo and thick-disk background and a GD-1-like stream),
reads its partitions back through the same reader the real pipelines use and checks that
every star written was read, trains a small CMD flow on it, makes the distance catalog with
Table 1 and fig. 4, measures the catalog against the truth (figs. 2 and 3), and searches the
four patches along GD-1 for stellar streams with a scaled-down ANODE, checking the candidate's
members against the truth. Outputs go to --out.`,
		example: "gaiaflow demo --out gaiaflow-demo --stars 400000",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			f := &simFlags{}
			f.declare(fs, "gaiaflow-demo", 400000)
			fs.BoolVar(&f.skipDistances, "no-distances", false, "stop after reading the sky back (no training, no catalog)")
			fs.IntVar(&f.trainStars, "train-stars", 20000, "stars the CMD flow is trained on")
			fs.IntVar(&f.trainPasses, "train-passes", distance.DefaultPasses, "passes over them")
			return func(ctx context.Context, _ []string) error {
				if len(f.streams) == 0 {
					f.streams = listFlag{"gd1:2000"}
				}
				f.background = true
				return runDemo(ctx, f)
			}
		},
	})
}

func runDemo(ctx context.Context, f *simFlags) error {
	fmt.Printf("== 1. simulate %d stars (+ streams %v) into %s\n", f.stars, f.streams, f.out)
	if err := runSimulate(ctx, f); err != nil {
		return err
	}
	m, err := mockio.ReadManifest(ctx, f.out)
	if err != nil {
		return err
	}

	fmt.Printf("\n== 2. read the %d partitions back\n", len(m.Files))
	in := inspect.Options{
		Inputs:  []string{store.Join(f.out, "GaiaSource_*.csv.gz")},
		Rejects: store.Join(f.out, "rejects.csv"),
		Counts:  store.Join(f.out, "inspect", "counts.json"),
	}
	p, _, err := inspect.Build(in)
	if err != nil {
		return err
	}
	counts, _, err := runAndReport(ctx, p, "inspect", in.Counts, nil)
	if err != nil || counts == nil {
		return err
	}
	if got := counts[star.StarsIn]; got != m.Stars {
		return fmt.Errorf("read %d stars, the manifest lists %d", got, m.Stars)
	}
	fmt.Printf("\nAll %d simulated stars read back; truth tables in %s.\n", m.Stars, store.Join(f.out, mockio.TruthDir))
	if f.skipDistances {
		return nil
	}

	fmt.Printf("\n== 3. train the colour-magnitude flow (paper 000 §3.2) on the mock partitions\n")
	partitions := store.Join(f.out, "GaiaSource_*.csv.gz")
	dustMap := store.Join(f.out, mockio.DustName)
	t := trainSpecOf(traincmdOptions(partitions, store.Join(f.out, "model"), dustMap, f))
	fmt.Printf("(%d blocks x %d hidden, %d passes over at most %d stars with parallax/error >= %g)\n",
		t.opt.Fit.Flow.Blocks, t.hidden, t.opt.Fit.Passes, t.opt.MaxStars, t.opt.Cfg.MinParallaxSNR)
	model, err := runTrain(ctx, t)
	if err != nil {
		return err
	}

	fmt.Printf("\n== 4. the distance catalog, Table 1 and fig. 4\n")
	cat := store.Join(f.out, "catalog")
	c := &catalogSpec{config.Catalog{Inputs: []string{partitions}, Out: cat, Model: model, Dust: dustMap, Seed: f.seed}.WithDefaults()}
	if err := runCatalog(ctx, c, "distances"); err != nil {
		return err
	}

	fmt.Printf("\n== 5. the catalog against the truth\n")
	r, err := validateDistances(ctx, f.out, cat, store.Join(cat, "validation"), defaultKLPoints)
	if err != nil {
		return err
	}
	printDistanceReport(r)

	fmt.Printf("\n== 6. stellar streams (Via Machinae) in the four patches along GD-1\n")
	sf := &streamFlags{inputs: listFlag{partitions}, out: store.Join(f.out, "streams"), block: 4096,
		patches: listFlag{"31", "32", "49", "50"}, features: "full", quick: true, epochs: 4, blocks: 4, hidden: 16,
		seed: f.seed, workers: 1, minSR: 300, maxSR: 1000000, srRange: "-20:5", minROI: 50, minSigma: 8, minNSR: 3}
	fmt.Println("(scaled-down ANODE: 4 blocks x 16 hidden, 4 epochs; search regions of at least 300 stars, mu_lambda in -20..5)")
	if err := runStreams(ctx, sf); err != nil {
		return err
	}
	sr, err := validateSky(ctx, f.out, sf.out, "GD-1")
	if err != nil {
		return err
	}
	if sr.Best < 0 {
		fmt.Printf("no candidate holds GD-1 stars (%d candidates)\n", sr.Candidates)
		return nil
	}
	fmt.Printf("GD-1 found: candidate %d across patches %v, %d members of which %d GD-1 (purity %.2f); completeness %.2f of the %d GD-1 stars inside the fiducial cuts, %.2f of the %d within reach\n",
		sr.Best, sr.Patches, sr.Members, sr.True, sr.Purity, sr.CompletenessFiducial, sr.InCuts, sr.Completeness, sr.Reachable)
	fmt.Printf("on its coherent proper-motion track (p_stream >= 0.5): %d members, %d GD-1: purity %.2f, completeness %.2f\n",
		sr.CoherentMembers, sr.CoherentTrue, sr.CoherentPurity, sr.CoherentCompleteness)
	return nil
}
