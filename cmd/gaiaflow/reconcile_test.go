package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// TestCountsReconcileEveryRun runs every pipeline (simulate, inspect,
// traincmd, distances, streams) ten times through the CLI on prism, two
// processes at a time over a multi-partition sky, the load under which
// prism's metrics lost half the counts of about half the runs. Every run
// must exit 0 (the CLI fails a run whose counts do not reconcile), and its
// counts must agree with what an independent count of the inputs and
// outputs says: the mock's manifest for the rows read, the shards' own rows
// for a catalog.
func TestCountsReconcileEveryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("50 pipeline runs")
	}
	const runs = 10
	dir := t.TempDir()
	sky := filepath.Join(dir, "sky")
	if code, out, errOut := gaiaflow(t, "simulate", "--out", sky, "--stars", "6000", "--background", "--stream", "gd1:300", "--seed", "4", "--shard-level", "1"); code != 0 {
		t.Fatalf("simulate: exit %d\n%s\n%s", code, out, errOut)
	}
	var m mockio.Manifest
	readJSON(t, filepath.Join(sky, mockio.ManifestName), &m)
	if len(m.Files) < 8 {
		t.Fatalf("the sky has %d partitions; the test wants many", len(m.Files))
	}
	parts := filepath.Join(sky, "GaiaSource_*.csv.gz")
	dust := filepath.Join(sky, mockio.DustName)
	model := filepath.Join(dir, "model")
	if code, out, errOut := gaiaflow(t, "traincmd", "--input", parts, "--dust", dust, "--out", model, "--passes", "1", "--min-parallax-snr", "3"); code != 0 {
		t.Fatalf("traincmd: exit %d\n%s\n%s", code, out, errOut)
	}

	ctx := context.Background()
	counts := func(path string) star.Tally {
		c, err := stars.ReadTally(ctx, path)
		if err != nil {
			t.Error(err)
		}
		return c
	}
	pipelines := []struct {
		name  string
		args  func(out string) []string
		check func(out string) error
	}{
		{"simulate", func(out string) []string {
			return []string{"simulate", "--out", out, "--stars", "6000", "--background", "--stream", "gd1:300", "--seed", "4", "--shard-level", "1"}
		}, func(out string) error {
			c := counts(filepath.Join(out, "counts.json"))
			if c["stars_simulated"] != m.Stars || c["rows_written"] != m.Stars {
				return fmt.Errorf("counts %v, the first run's manifest %d stars", c, m.Stars)
			}
			return nil
		}},
		{"inspect", func(out string) []string {
			return []string{"inspect", "--input", parts, "--counts", filepath.Join(out, "counts.json")}
		}, func(out string) error {
			if c := counts(filepath.Join(out, "counts.json")); c[star.RowsIn] != m.Stars || c[star.Files] != int64(len(m.Files)) {
				return fmt.Errorf("counts %v, manifest %d stars in %d files", c, m.Stars, len(m.Files))
			}
			return nil
		}},
		{"traincmd", func(out string) []string {
			return []string{"traincmd", "--input", parts, "--dust", dust, "--out", out, "--passes", "1", "--min-parallax-snr", "3"}
		}, func(out string) error {
			if c := counts(filepath.Join(out, "counts.json")); c[star.RowsIn] != m.Stars || c.Reconcile() != nil || c[star.StarsOut] == 0 {
				return fmt.Errorf("counts %v, manifest %d stars", c, m.Stars)
			}
			return nil
		}},
		{"distances", func(out string) []string {
			return []string{"distances", "--input", parts, "--model", filepath.Join(model, "cmd.gff"), "--dust", dust, "--out", out, "--grid-nodes", "24", "--samples", "8", "--iterations", "3"}
		}, func(out string) error {
			v, err := release.Verify(ctx, out, "")
			if err != nil {
				return err
			}
			if v.Counts[star.RowsIn] != m.Stars || v.Counts[star.StarsOut] != v.Stars {
				return fmt.Errorf("version counts %v, %d stars in its shards, manifest %d stars", v.Counts, v.Stars, m.Stars)
			}
			return nil
		}},
		{"streams", func(out string) []string {
			return []string{"streams", "--input", parts, "--out", out, "--patches", "31,32", "--quick", "--epochs", "1", "--blocks", "2", "--hidden", "8",
				"--min-sr-stars", "20", "--sr-range", "-8:0", "--min-roi-stars", "10", "--no-plots"}
		}, func(out string) error {
			if c := counts(filepath.Join(out, "counts.json")); c[star.RowsIn] != m.Stars || c.Reconcile() != nil || c["patches"] != 2 || c["sr.scored"] == 0 {
				return fmt.Errorf("counts %v, manifest %d stars", c, m.Stars)
			}
			return nil
		}},
	}
	for _, p := range pipelines {
		t.Run(p.name, func(t *testing.T) {
			var wg sync.WaitGroup
			for w := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < runs; i += 2 {
						out := filepath.Join(dir, p.name, fmt.Sprint(i))
						code, stdout, errOut := gaiaflow(t, p.args(out)...)
						if code != 0 {
							t.Errorf("run %d: exit %d\n%s\n%s", i, code, stdout, errOut)
							continue
						}
						if err := p.check(out); err != nil {
							t.Errorf("run %d: %v", i, err)
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
