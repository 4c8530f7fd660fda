package distances_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/pipelines/distances"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/simulate"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
	"gonum.org/v1/gonum/mat"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// fixture writes a small dust-free mock sky and a CMD flow fitted to samples
// of its true colour-magnitude density.
func fixture(t *testing.T) (sky, model string) {
	t.Helper()
	dir := t.TempDir()
	sky = filepath.Join(dir, "sky")
	cfg := mock.Config{Seed: 5, Stars: 4000, ShardLevel: 1, Dust: &dust.Gaussian{}}
	p, s := beam.NewPipelineWithRoot()
	simulate.Write(s, cfg, sky)
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	cmd := mock.DefaultCMD()
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(20000, 3, nil)
	for i := 0; i < 20000; i++ {
		g, c1, c2, _ := cmd.Sample(rng)
		x.SetRow(i, []float64{g, c1, c2})
	}
	f, err := flow.Fit(x, nil, nil, flow.Config{D: 3, Blocks: 4, Hidden: []int{32, 32}}, flow.Train{Epochs: 4, Batch: 256, LR: 3e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	model = filepath.Join(dir, "cmd.gff")
	if err := flowfile.Save(context.Background(), model, f); err != nil {
		t.Fatal(err)
	}
	return sky, model
}

// run plans, computes and (with publish) publishes a version as `gaiaflow
// distances` does, and returns the plan and the counts of what it computed.
func run(t *testing.T, opt distances.Options, publish bool) (*distances.Plan, star.Tally) {
	t.Helper()
	ctx := context.Background()
	plan, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan.End(ctx)
	var counts star.Tally
	if len(plan.Todo) > 0 {
		p, err := distances.Build(plan, opt)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runners.Run(ctx, p, stars.Namespace); err != nil {
			t.Fatal(err)
		}
		if counts, err = distances.RunCounts(ctx, plan, opt); err != nil {
			t.Error(err)
		}
	}
	if publish {
		if _, _, err := distances.Publish(ctx, plan, opt); err != nil {
			t.Fatal(err)
		}
	}
	return plan, counts
}

func TestCatalogVersionsAndRegeneration(t *testing.T) {
	sky, model := fixture(t)
	out := filepath.Join(t.TempDir(), "catalog")
	opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: out, Model: model,
		GridNodes: 32, Cfg: distance.Config{Seed: 1}}
	ctx := context.Background()

	// 1. A new catalog: every partition computed, v0001 published.
	plan, c := run(t, opt, true)
	m, err := release.Current(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "v0001" || len(m.Inputs) != len(plan.All) || len(plan.Todo) != len(plan.All) {
		t.Fatalf("first run: version %s, %d inputs, %d computed of %d", m.Version, len(m.Inputs), len(plan.Todo), len(plan.All))
	}
	if m.Stars != c[star.StarsOut] || m.Stars == 0 || m.Counts[star.RowsIn] != c[star.RowsIn] {
		t.Errorf("manifest %d stars (counts %v), pipeline wrote %d (counts %v)", m.Stars, m.Counts, c[star.StarsOut], c)
	}
	if _, err := release.Verify(ctx, out, ""); err != nil {
		t.Errorf("verify v0001: %v", err)
	}
	// Every shard reads back with its manifest's count, sorted by source_id.
	var total int64
	for _, in := range m.Inputs {
		f, err := os.Open(filepath.Join(out, in.Shard))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := catalog.ReadCSV(f, in.Shard)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if int64(rows.Len()) != in.Stars || !sort.SliceIsSorted(rows.SourceID, func(i, j int) bool { return rows.SourceID[i] < rows.SourceID[j] }) {
			t.Errorf("%s: %d rows (manifest %d), sorted %v", in.Shard, rows.Len(), in.Stars, sort.SliceIsSorted(rows.SourceID, func(i, j int) bool { return rows.SourceID[i] < rows.SourceID[j] }))
		}
		total += int64(rows.Len())
		for i, d := range rows.DistMean {
			if !(d > 0) || math.IsInf(d, 0) {
				t.Fatalf("%s row %d: dist_mean %g", in.Shard, i, d)
			}
		}
	}
	if total != m.Stars {
		t.Errorf("shards hold %d rows, manifest %d", total, m.Stars)
	}
	var t1 map[string]any
	data, _ := os.ReadFile(filepath.Join(out, "v0001", "table1.json"))
	if err := json.Unmarshal(data, &t1); err != nil {
		t.Errorf("table1.json: %v", err)
	}

	// 2. Nothing changed: the plan is fresh, nothing to compute.
	plan, _ = run(t, opt, false)
	if !plan.Fresh() || len(plan.Todo) != 0 {
		t.Errorf("unchanged inputs: fresh %v, %d to compute", plan.Fresh(), len(plan.Todo))
	}

	// 3. One partition changes: only it is recomputed, but the job is
	// killed before publishing. Readers still see v0001, complete.
	changed := m.Inputs[0].Path
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(changed, later, later); err != nil {
		t.Fatal(err)
	}
	plan, _ = run(t, opt, false)
	if len(plan.Todo) != 1 || plan.Todo[0].Path != changed {
		t.Fatalf("after touching %s: recompute %v", changed, plan.Todo)
	}
	if cur, _ := release.Current(ctx, out); cur.Version != "v0001" {
		t.Errorf("an unpublished run moved CURRENT to %s", cur.Version)
	}

	// 4. The next run finds the shard the killed run finished and only
	// publishes: v0002, every input present, no recomputation.
	plan, _ = run(t, opt, true)
	if len(plan.Todo) != 0 {
		t.Errorf("the finished shard was recomputed: %v", plan.Todo)
	}
	m2, err := release.Current(ctx, out)
	if err != nil || m2.Version != "v0002" || len(m2.Inputs) != len(m.Inputs) || m2.Stars != m.Stars {
		t.Fatalf("second version: %+v %v", m2, err)
	}
	// Its counts cover the reused shards too: the whole version reconciles,
	// with every row of every input.
	if m2.Counts[star.RowsIn] != m.Counts[star.RowsIn] || m2.Counts.Reconcile() != nil {
		t.Errorf("v0002 counts %v, v0001 %v", m2.Counts, m.Counts)
	}
	if m2.Inputs[0].Key == m.Inputs[0].Key || m2.Inputs[1].Key != m.Inputs[1].Key {
		t.Errorf("keys: changed input kept its key, or an unchanged one lost it")
	}
	// The old version's files are untouched: a reader holding v0001 can finish.
	if _, err := store.Stat(ctx, filepath.Join(out, m.Inputs[0].Shard)); err != nil {
		t.Errorf("v0001's shard is gone: %v", err)
	}
}

// TestGridAgreesWithExactFlow: the distilled 64^3 grid moves dist_mean by
// far less than the posterior's own spread, star by star, compared with
// evaluating the flow itself for every sample. Without the refinement, so
// that both evaluate the same samples: a refined star draws some of its
// colours from the grid's CMD, which the flow has not got.
func TestGridAgreesWithExactFlow(t *testing.T) {
	sky, model := fixture(t)
	ctx := context.Background()
	read := func(exact bool) *distance.Rows {
		out := filepath.Join(t.TempDir(), "catalog")
		opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: out, Model: model,
			Exact: exact, Cfg: distance.Config{Seed: 1, RefineESS: -1}}
		run(t, opt, true)
		rows, _, err := release.ReadPublished(ctx, out, nil)
		if err != nil {
			t.Fatal(err)
		}
		rows.SortBySourceID()
		return rows
	}
	grid, exact := read(false), read(true)
	if grid.Len() != exact.Len() || grid.Len() == 0 {
		t.Fatalf("%d rows with the grid, %d with the flow", grid.Len(), exact.Len())
	}
	var rel []float64
	for i := range grid.SourceID {
		if s := exact.DistStd[i]; s > 0 {
			rel = append(rel, math.Abs(grid.DistMean[i]-exact.DistMean[i])/s)
		}
	}
	sort.Float64s(rel)
	med, p90 := rel[len(rel)/2], rel[len(rel)*9/10]
	t.Logf("|dist_mean(grid) - dist_mean(flow)| / dist_std over %d stars: median %.4f, 90%% %.4f", len(rel), med, p90)
	if med > 0.03 || p90 > 0.1 {
		t.Errorf("grid moves dist_mean by a median %.3f and a 90th percentile %.3f of dist_std", med, p90)
	}
}

// TestDustMapChangedInPlace: a dust map rewritten under the same path makes
// every shard stale (the key hashes the map's content, not its name).
func TestDustMapChangedInPlace(t *testing.T) {
	sky, model := fixture(t)
	dir := t.TempDir()
	dustPath := filepath.Join(dir, "dust.json")
	os.WriteFile(dustPath, []byte(`{"type": "gaussian_los_uniform", "ra_deg": 240, "dec_deg": -10, "sigma_ra_deg": 40, "sigma_dec_deg": 25, "peak_mag_per_kpc": 0.2}`), 0o644)
	opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: filepath.Join(dir, "catalog"),
		Model: model, Dust: dustPath, GridNodes: 16, Cfg: distance.Config{Seed: 1, K: 8, T: 2}}
	run(t, opt, true)
	if plan, _ := run(t, opt, false); !plan.Fresh() {
		t.Fatalf("unchanged map: %d partitions to recompute", len(plan.Todo))
	}
	os.WriteFile(dustPath, []byte(`{"type": "gaussian_los_uniform", "ra_deg": 240, "dec_deg": -10, "sigma_ra_deg": 40, "sigma_dec_deg": 25, "peak_mag_per_kpc": 0.3}`), 0o644)
	if plan, _ := run(t, opt, false); len(plan.Todo) != len(plan.All) {
		t.Errorf("a map changed in place: %d of %d partitions to recompute", len(plan.Todo), len(plan.All))
	}
}

// TestSecondRunOnTheCatalogFails: while one run holds the catalog, another
// one fails at once, saying so, instead of publishing over it.
func TestSecondRunOnTheCatalogFails(t *testing.T) {
	sky, model := fixture(t)
	ctx := context.Background()
	opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: filepath.Join(t.TempDir(), "catalog"),
		Model: model, GridNodes: 16, Cfg: distance.Config{Seed: 1}}
	first, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := distances.Begin(ctx, opt); !errors.Is(err, store.ErrLocked) {
		t.Errorf("second run while the first holds the catalog: %v", err)
	}
	first.End(ctx)
	second, err := distances.Begin(ctx, opt)
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	second.End(ctx)
}

// TestDryRunWritesNothing: a dry run plans but leaves no trace in the
// catalog folder (it used to distil and write the grid there).
func TestDryRunWritesNothing(t *testing.T) {
	sky, model := fixture(t)
	out := filepath.Join(t.TempDir(), "catalog")
	opt := distances.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Out: out,
		Model: model, GridNodes: 16, Cfg: distance.Config{Seed: 1}, DryRun: true}
	plan, err := distances.Begin(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer plan.End(context.Background())
	if len(plan.Todo) == 0 || plan.Grid == "" {
		t.Fatalf("plan: %d to do, grid %q", len(plan.Todo), plan.Grid)
	}
	if _, err := distances.Build(plan, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a dry run made %s: %v", out, err)
	}
}

// TestDuplicateSourceIDs: a partition copied under a second name, and a row
// repeated inside a partition, are found: the repeated rows carry the
// duplicate flag, the copies are listed in the version's duplicates.csv,
// and the manifest counts both.
func TestDuplicateSourceIDs(t *testing.T) {
	sky, model := fixture(t)
	ctx := context.Background()
	parts, _ := filepath.Glob(filepath.Join(sky, "GaiaSource_*.csv.gz"))
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	for _, p := range parts[1:] {
		data, _ := os.ReadFile(p)
		os.WriteFile(filepath.Join(in, filepath.Base(p)), data, 0o644)
	}
	// parts[0] twice: once as is, once renamed (an overlapping input).
	data, _ := os.ReadFile(parts[0])
	os.WriteFile(filepath.Join(in, filepath.Base(parts[0])), data, 0o644)
	os.WriteFile(filepath.Join(in, "GaiaSource_copy.csv.gz"), data, 0o644)
	// A repeated row inside one partition (plain CSV, so it can be edited).
	raw := gunzip(t, parts[1])
	lines := strings.SplitAfter(raw, "\n")
	os.Remove(filepath.Join(in, filepath.Base(parts[1])))
	os.WriteFile(filepath.Join(in, "GaiaSource_repeat.csv"), []byte(raw+lines[1]), 0o644)

	opt := distances.Options{Inputs: []string{filepath.Join(in, "GaiaSource_*")}, Out: filepath.Join(dir, "catalog"),
		Model: model, GridNodes: 16, Cfg: distance.Config{Seed: 1, K: 8, T: 2}}
	run(t, opt, true)
	m, err := release.Current(ctx, opt.Out)
	if err != nil {
		t.Fatal(err)
	}
	var copies int64
	for _, in := range m.Inputs {
		if strings.Contains(in.Path, filepath.Base(parts[0])) {
			copies = in.Stars
		}
	}
	if m.DuplicateRows != 2*copies+2 || copies == 0 {
		t.Errorf("%d duplicate rows, want %d (2 x %d copied + 2 repeated)", m.DuplicateRows, 2*copies+2, copies)
	}
	list, err := os.ReadFile(filepath.Join(opt.Out, m.Version, release.DuplicatesName))
	if err != nil || int64(strings.Count(string(list), "\n")) != copies+1 {
		t.Errorf("duplicates.csv: %d lines, want %d (%v)", strings.Count(string(list), "\n"), copies+1, err)
	}
	rows, _, err := release.ReadPublished(ctx, opt.Out, nil)
	if err != nil {
		t.Fatal(err)
	}
	flagged := 0
	for _, f := range rows.Flags {
		if f&distance.FlagDuplicate != 0 {
			flagged++
		}
	}
	if flagged != 2 {
		t.Errorf("%d rows flagged duplicate, want the 2 repeated ones", flagged)
	}
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
