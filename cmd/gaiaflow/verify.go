package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/release"
)

func init() {
	register(&command{
		name:    "verify",
		summary: "check a published catalog version against its manifest (sizes, SHA-256, counts)",
		usage: `Reads the manifest of a catalog version (the published one unless --version is given) and
checks every file it lists (shards, Parquet twins, rejects, summaries) for its size and SHA-256,
and that the counts of every shard and of the whole version reconcile (rows in = stars out +
cuts + rejected). Exits 1 and lists every problem found otherwise. Local or gs://.`,
		example: "gaiaflow verify --catalog gs://b/catalog --version v0012",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var dir, version string
			fs.StringVar(&dir, "catalog", "", "catalog folder")
			fs.StringVar(&version, "version", "", "version to check (default: the published one, CURRENT)")
			return func(ctx context.Context, _ []string) error {
				if dir == "" {
					return fmt.Errorf("--catalog is required")
				}
				m, err := release.Verify(ctx, dir, version)
				if err != nil {
					return err
				}
				files := len(m.Files)
				for _, in := range m.Inputs {
					files += len(in.Files)
				}
				fmt.Printf("%s/%s: %d files verified; %d stars in %d shards; %s\n", dir, m.Version, files, m.Stars, len(m.Inputs), m.Counts.Balance())
				return nil
			}
		},
	})
}
