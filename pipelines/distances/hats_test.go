package distances_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/pipelines/distances"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// A version's HATS catalog, built by Beam from its shards before the
// publication: its partitions hold every star of the version once, none
// holds more than the maximum, and the manifest lists (and verify checks)
// its files.
func TestHATSCatalogOfAVersion(t *testing.T) {
	sky, model := fixture(t)
	out := filepath.Join(t.TempDir(), "catalog")
	opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: out, Model: model,
		GridNodes: 32, Cfg: distance.Config{Seed: 1}, HATSMaxRows: 300}
	ctx := context.Background()
	plan, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan.End(ctx)
	p, err := distances.Build(plan, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runners.Run(ctx, p, stars.Namespace); err != nil {
		t.Fatal(err)
	}
	if _, err := runners.Run(ctx, distances.BuildHATS(plan, opt), stars.Namespace); err != nil {
		t.Fatal(err)
	}
	m, _, err := distances.Publish(ctx, plan, opt)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(out, m.Version, release.HATSDir)
	files, _ := filepath.Glob(filepath.Join(root, "dataset", "Norder=*", "Dir=*", "Npix=*.parquet"))
	if len(files) < 2 {
		t.Fatalf("%d partitions", len(files))
	}
	var total int64
	seen := map[int64]bool{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := fh.Stat()
		pf, err := parquet.OpenFile(fh, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		n := pf.NumRows()
		if n > 300 {
			t.Errorf("%s holds %d rows, more than 300", f, n)
		}
		total += n
		rows := parquet.NewGenericReader[struct {
			SourceID int64 `parquet:"source_id"`
		}](pf)
		buf := make([]struct {
			SourceID int64 `parquet:"source_id"`
		}, n)
		k, _ := rows.Read(buf)
		for _, r := range buf[:k] {
			if seen[r.SourceID] {
				t.Errorf("source_id %d in two partitions", r.SourceID)
			}
			seen[r.SourceID] = true
		}
		fh.Close()
	}
	if total != m.Stars || int64(len(seen)) != m.Stars {
		t.Errorf("HATS partitions hold %d rows (%d distinct), the version %d stars", total, len(seen), m.Stars)
	}
	listed := 0
	for _, f := range m.Files {
		if strings.Contains(f.Name, "/"+release.HATSDir+"/") {
			listed++
		}
	}
	if listed != len(files)+5 {
		t.Errorf("the manifest lists %d HATS files, want %d partitions + 5", listed, len(files))
	}
	if _, err := release.Verify(ctx, out, ""); err != nil {
		t.Errorf("verify: %v", err)
	}
	plan.End(ctx)

	// The next version without one input partition: the partitions that
	// no row of it reached are copied, byte for byte; the others rewritten.
	inputs, _ := filepath.Glob(filepath.Join(sky, "GaiaSource_*.csv.gz"))
	if err := os.Remove(inputs[0]); err != nil {
		t.Fatal(err)
	}
	plan2, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan2.End(ctx)
	if _, err := runners.Run(ctx, distances.BuildHATS(plan2, opt), stars.Namespace); err != nil {
		t.Fatal(err)
	}
	props, err := os.ReadFile(filepath.Join(out, plan2.Version, release.HATSDir, "hats.properties"))
	if err != nil {
		t.Fatal(err)
	}
	var reused, written int
	for _, line := range strings.Split(string(props), "\n") {
		fmt.Sscanf(line, "gaiaflow_partitions_reused=%d", &reused)
		fmt.Sscanf(line, "gaiaflow_partitions_written=%d", &written)
	}
	t.Logf("second version: %d partitions reused, %d written", reused, written)
	if reused == 0 || written == 0 {
		t.Errorf("%d partitions reused and %d written, want some of each:\n%s", reused, written, props)
	}
	m2, _, err := distances.Publish(ctx, plan2, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := release.Verify(ctx, out, ""); err != nil {
		t.Errorf("verify %s: %v", m2.Version, err)
	}
}
