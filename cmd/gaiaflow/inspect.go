package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"

	"github.com/gaiaflow/gaiaflow/pipelines/inspect"
)

func init() {
	register(&command{
		name:    "inspect",
		summary: "read Gaia partitions and account for every row",
		usage: `Reads Gaia partition files (DR2 CSV, EDR3/DR3 ECSV or archive CSV, plain or gzipped;
Parquet files or HATS trees), local or gs://, and prints how many files, rows, stars
and rejected rows there were, with the throughput. Rejected rows go to --rejects with
the file, line and reason. A broken file stops the job and names the file.`,
		example: "gaiaflow inspect --input 'gs://my-bucket/gdr2/GaiaSource_*.csv.gz' --rejects out/rejects.csv",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var opt inspect.Options
			fs.Var((*listFlag)(&opt.Inputs), "input", "partition files or globs, local or gs:// (repeat or comma-separate)")
			fs.StringVar(&opt.Rejects, "rejects", "", "write rejected rows to this CSV")
			fs.IntVar(&opt.BlockSize, "block-size", 4096, "stars per block")
			alias(fs, "block", "block-size")
			fs.StringVar(&opt.Counts, "counts", "", "write the run's counts (JSON) here, local or gs:// (default: a temporary local file; give a gs:// path on a remote runner)")
			return func(ctx context.Context, args []string) error {
				opt.Inputs = append(opt.Inputs, args...)
				if opt.Counts == "" {
					dir, err := os.MkdirTemp("", "gaiaflow-inspect-")
					if err != nil {
						return err
					}
					defer os.RemoveAll(dir)
					opt.Counts = filepath.Join(dir, "counts.json")
				}
				p, _, err := inspect.Build(opt)
				if err != nil {
					return err
				}
				_, _, err = runAndReport(ctx, p, "inspect", opt.Counts, nil)
				return err
			}
		},
	})
}
