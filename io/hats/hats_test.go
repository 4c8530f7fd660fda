package hats

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// skyRows returns n rows spread over the sky with a dense clump, so that
// the partitions take several orders.
func skyRows(n int) *distance.Rows {
	rng := rand.New(rand.NewPCG(3, 4))
	r := &distance.Rows{}
	for i := 0; i < n; i++ {
		ra, dec := 360*rng.Float64(), math.Asin(2*rng.Float64()-1)*180/math.Pi
		if i%2 == 0 { // half the stars within a few degrees of (80, 20)
			ra, dec = 80+3*rng.NormFloat64(), 20+3*rng.NormFloat64()
		}
		d := 100 + 5000*rng.Float64()
		r.SourceID = append(r.SourceID, int64(i)+1)
		for _, c := range []*[]float64{&r.RA, &r.Dec, &r.Parallax, &r.ParallaxError, &r.DistMean, &r.DistStd, &r.DistQ16, &r.DistQ50, &r.DistQ84, &r.SNR, &r.E, &r.G, &r.BPRP, &r.BPG, &r.ESS, &r.DBest} {
			*c = append(*c, d)
		}
		r.RA[i], r.Dec[i] = ra, dec
		r.Iterations = append(r.Iterations, 10)
		r.Samples = append(r.Samples, 32)
		r.Flags = append(r.Flags, 0)
	}
	return r
}

// subset returns the rows of r whose _healpix_29 lie in p.
func subset(r *distance.Rows, p Pixel) *distance.Rows {
	out := &distance.Rows{}
	for i := range r.SourceID {
		if p.Contains(catalog.HEALPix29(r.RA[i], r.Dec[i])) {
			out.Append(r.Slice(i, i+1))
		}
	}
	return out
}

func TestPlanIsAdaptive(t *testing.T) {
	counts := map[int64]int64{}
	rows := skyRows(20000)
	for i := range rows.SourceID {
		counts[sky.NestedPixel(1<<8, rows.RA[i], rows.Dec[i])]++
	}
	parts, err := Plan(counts, 8, 1000)
	if err != nil {
		t.Fatal(err)
	}
	idx := NewIndex(parts)
	orders := map[int]bool{}
	per := map[Pixel]int64{}
	for i := range rows.SourceID {
		p, ok := idx.Find(catalog.HEALPix29(rows.RA[i], rows.Dec[i]))
		if !ok {
			t.Fatalf("row %d in no partition", i)
		}
		per[p]++
	}
	for _, p := range parts {
		orders[p.Order] = true
		if per[p] == 0 || per[p] > 1000 {
			t.Errorf("partition %+v holds %d rows, want 1..1000", p, per[p])
		}
	}
	if len(orders) < 3 {
		t.Errorf("orders %v: the clump should be cut finer than the rest", orders)
	}
}

// TestCatalogReadByDuckDB writes a HATS catalog and reads it with DuckDB
// (the npm package @duckdb/node-api, which .ci/run installs into
// .ci/duckdb), a reader gaiaflow did not write: the row count, the
// partition of every row from its _healpix_29 and the hive path, the column
// types, and _metadata's row count.
func TestCatalogReadByDuckDB(t *testing.T) {
	ctx := context.Background()
	rows := skyRows(6000)
	counts := map[int64]int64{}
	for i := range rows.SourceID {
		counts[sky.NestedPixel(1<<10, rows.RA[i], rows.Dec[i])]++
	}
	parts, err := Plan(counts, 10, 400)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(t.TempDir(), "hats")
	for _, p := range parts {
		if err := WritePartition(ctx, root, p, subset(rows, p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteMetadata(ctx, root, parts, Properties{Collection: "test", Rows: 6000, MaxRows: 400, Builder: "gaiaflow test"}); err != nil {
		t.Fatal(err)
	}
	if err := WritePartition(ctx, root, parts[0], subset(rows, parts[1])); err == nil {
		t.Error("rows of another partition written without an error")
	}
	props, _ := os.ReadFile(filepath.Join(root, "hats.properties"))
	for _, want := range []string{"hats_nrows=6000", "hats_col_healpix=_healpix_29", "hats_col_ra=ra", "hats_max_rows=400"} {
		if !strings.Contains(string(props), want+"\n") {
			t.Errorf("hats.properties lacks %s:\n%s", want, props)
		}
	}

	modules, _ := filepath.Abs("../../.ci/duckdb/node_modules")
	if dir := os.Getenv("GAIAFLOW_DUCKDB_MODULES"); dir != "" {
		modules = dir
	}
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(filepath.Join(modules, "@duckdb", "node-api")); err != nil || serr != nil {
		t.Skipf("DuckDB for Node.js is not installed (node: %v; %s: %v): run .ci/run, or npm install --prefix .ci/duckdb @duckdb/node-api", err, modules, serr)
	}
	script := `
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const q = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJson();
  const root = process.argv[1];
  const files = root + '/dataset/**/*.parquet';
  const out = {};
  out.rows = (await q("SELECT count(*) AS n FROM read_parquet('" + files + "', hive_partitioning = true)"))[0].n;
  // Norder and Dir come from the hive directories, Npix from the file name.
  out.misplaced = (await q("SELECT count(*) AS n FROM read_parquet('" + files + "', hive_partitioning = true, filename = true) WHERE (_healpix_29 >> (2 * (29 - Norder))) <> CAST(regexp_extract(filename, 'Npix=([0-9]+)[.]parquet', 1) AS BIGINT) OR Dir <> CAST(regexp_extract(filename, 'Npix=([0-9]+)[.]parquet', 1) AS BIGINT) // 10000 * 10000"))[0].n;
  out.unsorted = (await q("SELECT count(*) AS n FROM (SELECT _healpix_29 < lag(_healpix_29) OVER (PARTITION BY filename ORDER BY file_row_number) AS bad FROM read_parquet('" + files + "', filename = true, file_row_number = true)) WHERE bad"))[0].n;
  out.types = await q("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('" + files + "'))");
  out.metadata_rows = (await q("SELECT sum(num_rows) AS n FROM parquet_file_metadata('" + root + "/dataset/_metadata')"))[0].n;
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`
	cmd := exec.Command(node, "-e", script, root)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, outb)
	}
	var got struct {
		Rows, Misplaced, Unsorted json.Number
		MetadataRows              json.Number `json:"metadata_rows"`
		Types                     []struct {
			Name string `json:"column_name"`
			Type string `json:"column_type"`
		}
	}
	if err := json.Unmarshal(outb[strings.LastIndex(string(outb), "{\"rows\""):], &got); err != nil {
		t.Fatalf("%v\n%s", err, outb)
	}
	if got.Rows != "6000" || got.Misplaced != "0" || got.Unsorted != "0" || got.MetadataRows != "6000" {
		t.Errorf("DuckDB read %s rows (%s misplaced, %s out of order), _metadata %s rows; want 6000, 0, 0, 6000", got.Rows, got.Misplaced, got.Unsorted, got.MetadataRows)
	}
	want := map[string]string{"source_id": "BIGINT", "ra": "DOUBLE", "dist_q50": "DOUBLE", "flags": "UINTEGER", "samples": "INTEGER", "_healpix_29": "BIGINT"}
	for _, c := range got.Types {
		if w, ok := want[c.Name]; ok && w != c.Type {
			t.Errorf("column %s is %s, want %s", c.Name, c.Type, w)
		}
		delete(want, c.Name)
	}
	if len(want) > 0 {
		t.Errorf("columns missing: %v", want)
	}
}

// Count and Coarsen give the counts that locating every row at the coarser
// order directly gives (sky.NestedPixel at that nside), in sorted pairs.
func TestCountAndCoarsen(t *testing.T) {
	rows := skyRows(5000)
	h := make([]int64, rows.Len())
	for i := range h {
		h[i] = catalog.HEALPix29(rows.RA[i], rows.Dec[i])
	}
	for _, order := range []int{0, 3, 7} {
		want := map[int64]int64{}
		for i := range h {
			want[sky.NestedPixel(1<<order, rows.RA[i], rows.Dec[i])]++
		}
		for name, got := range map[string][]int64{
			"count":   Count(h, order),
			"coarsen": Coarsen(Count(h, CountOrder), CountOrder, order),
		} {
			n := int64(0)
			for i := 0; i+1 < len(got); i += 2 {
				if i > 0 && got[i] <= got[i-2] {
					t.Fatalf("order %d, %s: pixels not sorted at pair %d", order, name, i/2)
				}
				if got[i+1] != want[got[i]] {
					t.Errorf("order %d, %s: pixel %d holds %d rows, want %d", order, name, got[i], got[i+1], want[got[i]])
				}
				n += got[i+1]
			}
			if len(got) != 2*len(want) || n != int64(len(h)) {
				t.Errorf("order %d, %s: %d pixels of %d rows, want %d of %d", order, name, len(got)/2, n, len(want), len(h))
			}
		}
	}
}

// Counts go through JSON as they are, in far fewer bytes than a JSON array;
// what MarshalJSON would not write is an error.
func TestCountsJSON(t *testing.T) {
	rows := skyRows(5000)
	h := make([]int64, rows.Len())
	for i := range h {
		h[i] = catalog.HEALPix29(rows.RA[i], rows.Dec[i])
	}
	for _, c := range []Counts{Count(h, CountOrder), Count(h, 29), Count(h, 0), nil} {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Counts
		if err := json.Unmarshal(b, &back); err != nil || !slices.Equal(back, c) {
			t.Fatalf("%d pairs back as %d: %v", len(c)/2, len(back)/2, err)
		}
		plain, _ := json.Marshal([]int64(c))
		t.Logf("%d pairs: %d bytes, %d as a JSON array", len(c)/2, len(b), len(plain))
		if len(c) > 1000 && 2*len(b) > len(plain) {
			t.Errorf("%d pairs take %d bytes, a JSON array %d", len(c)/2, len(b), len(plain))
		}
	}
	for _, bad := range []string{`"AQ=="`, `"AQAB"`, `"AAEAAQ=="`, `"AQEBAA=="`, `"not base64"`, `[1, 2]`, `"//////////////////8BAQ=="`} {
		var c Counts
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("%s read as %v", bad, c)
		}
	}
	for _, bad := range []Counts{{1}, {5, 1, 3, 1}, {5, 1, 5, 1}, {5, 0}} {
		if _, err := json.Marshal(bad); err == nil {
			t.Errorf("%v written", bad)
		}
	}
}
