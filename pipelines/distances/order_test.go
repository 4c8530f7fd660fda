package distances_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/pipelines/distances"
)

// TestPublishedNumbersDoNotDependOnOrder (issue 13 §4): a catalog's shards,
// published once with the inputs in the plan's order and once reversed,
// give the same Table 1 to the last bit: its sums are exact (FixedSum), so
// neither the order in which a runner delivers blocks nor that of the
// shards moves a published number.
func TestPublishedNumbersDoNotDependOnOrder(t *testing.T) {
	sky, model := fixture(t)
	out := filepath.Join(t.TempDir(), "catalog")
	opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: out, Model: model,
		GridNodes: 32, Cfg: distance.Config{Seed: 1}}
	run(t, opt, true)
	ctx := context.Background()
	m, err := release.Current(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Inputs) < 3 {
		t.Fatalf("%d shards, want several", len(m.Inputs))
	}
	table := func(inputs []release.Input) []byte {
		dir := filepath.Join(t.TempDir(), "copy")
		if err := os.CopyFS(dir, os.DirFS(out)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := release.Assemble(ctx, dir, "v0002", m.Version, inputs, release.Meta{Model: m.Model, ModelSHA256: m.ModelSHA256}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "v0002", "table1.json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	fwd := table(m.Inputs)
	rev := slices.Clone(m.Inputs)
	slices.Reverse(rev)
	if back := table(rev); !bytes.Equal(fwd, back) {
		t.Errorf("Table 1 differs with the order of the shards:\n%s\n%s", fwd, back)
	}
	orig, err := os.ReadFile(filepath.Join(out, m.Version, "table1.json"))
	if err != nil || !bytes.Equal(orig, fwd) {
		t.Errorf("the republished Table 1 differs from the one published (%v)", err)
	}
}
