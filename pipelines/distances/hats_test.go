package distances_test

import (
	"bytes"
	"compress/gzip"
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

// A version's HATS catalog, built by Beam in the job that computes its
// shards, planned from the counts the shards' sidecars carry: its
// partitions hold every star of the version once, none holds more than the
// maximum, and the manifest lists (and verify checks) its files. A version
// of reused shards alone gets it from BuildHATS, one of reused and new
// shards from its job; both copy, byte for byte, the partitions whose
// shards did not change.
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
	for _, in := range plan.Todo {
		sc, err := release.ReadSidecar(ctx, out, in)
		if err != nil || (sc.Input.Stars > 0) != (len(sc.HEALPix) > 0) {
			t.Fatalf("sidecar of %s: %v, %d stars counted in %d pixels", in.Path, err, sc.Input.Stars, len(sc.HEALPix)/2)
		}
	}
	m := publishWithHATS(t, plan, opt)
	if n := checkHATS(t, out, m); n < 2 {
		t.Fatalf("%d partitions", n)
	}
	plan.End(ctx)

	// The next version without one input partition: all its shards are
	// reused; the partitions that no row of the removed one reached are
	// copied, the others rewritten.
	inputs, _ := filepath.Glob(filepath.Join(sky, "GaiaSource_*.csv.gz"))
	if err := os.Remove(inputs[0]); err != nil {
		t.Fatal(err)
	}
	plan2, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan2.End(ctx)
	if len(plan2.Todo) != 0 {
		t.Fatalf("%d partitions to compute, want none", len(plan2.Todo))
	}
	if _, err := runners.Run(ctx, distances.BuildHATS(plan2, opt), stars.Namespace); err != nil {
		t.Fatal(err)
	}
	checkReuse(t, out, plan2.Version)
	checkHATS(t, out, publishWithHATS(t, plan2, opt))
	plan2.End(ctx)

	// And one with a changed partition: its shard is computed, the others'
	// sidecars are read, all in one job.
	if err := os.WriteFile(inputs[1], halfOf(t, inputs[1]), 0o644); err != nil {
		t.Fatal(err)
	}
	plan3, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan3.End(ctx)
	if len(plan3.Todo) != 1 || len(plan3.All) < 3 {
		t.Fatalf("%d of %d partitions to compute, want 1", len(plan3.Todo), len(plan3.All))
	}
	p3, err := distances.Build(plan3, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runners.Run(ctx, p3, stars.Namespace); err != nil {
		t.Fatal(err)
	}
	checkReuse(t, out, plan3.Version)
	checkHATS(t, out, publishWithHATS(t, plan3, opt))
}

// publishWithHATS publishes the planned version, whose HATS catalog was
// written.
func publishWithHATS(t *testing.T, plan *distances.Plan, opt distances.Options) *release.Manifest {
	t.Helper()
	m, _, err := distances.Publish(context.Background(), plan, opt)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checkHATS checks the HATS catalog of the published version m of the
// catalog out and returns its number of partitions.
func checkHATS(t *testing.T, out string, m *release.Manifest) int {
	t.Helper()
	root := filepath.Join(out, m.Version, release.HATSDir)
	files, _ := filepath.Glob(filepath.Join(root, "dataset", "Norder=*", "Dir=*", "Npix=*.parquet"))
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
				t.Errorf("%s: source_id %d in two partitions", m.Version, r.SourceID)
			}
			seen[r.SourceID] = true
		}
		fh.Close()
	}
	if total != m.Stars || int64(len(seen)) != m.Stars {
		t.Errorf("%s: HATS partitions hold %d rows (%d distinct), the version %d stars", m.Version, total, len(seen), m.Stars)
	}
	listed := 0
	for _, f := range m.Files {
		if strings.Contains(f.Name, "/"+release.HATSDir+"/") {
			listed++
		}
	}
	if listed != len(files)+5 {
		t.Errorf("%s: the manifest lists %d HATS files, want %d partitions + 5", m.Version, listed, len(files))
	}
	if _, err := release.Verify(context.Background(), out, ""); err != nil {
		t.Errorf("verify %s: %v", m.Version, err)
	}
	return len(files)
}

// checkReuse checks that the HATS catalog of version v copied some of its
// previous version's partitions and wrote others.
func checkReuse(t *testing.T, out, v string) {
	t.Helper()
	props, err := os.ReadFile(filepath.Join(out, v, release.HATSDir, "hats.properties"))
	if err != nil {
		t.Fatal(err)
	}
	var reused, written int
	for _, line := range strings.Split(string(props), "\n") {
		fmt.Sscanf(line, "gaiaflow_partitions_reused=%d", &reused)
		fmt.Sscanf(line, "gaiaflow_partitions_written=%d", &written)
	}
	t.Logf("%s: %d partitions reused, %d written", v, reused, written)
	if reused == 0 || written == 0 {
		t.Errorf("%s: %d partitions reused and %d written, want some of each:\n%s", v, reused, written, props)
	}
}

// halfOf returns the gzipped partition file at path cut to its header and
// the first half of its rows.
func halfOf(t *testing.T, path string) []byte {
	t.Helper()
	lines := strings.SplitAfter(gunzip(t, path), "\n")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(strings.Join(lines[:1+len(lines)/2], "")))
	zw.Close()
	return buf.Bytes()
}
