package stars_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/store/storetest"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// realDR2 is 1,000 real Gaia DR2 rows in the bulk-file layout (see
// io/partition/testdata/README.md for provenance).
const realDR2 = "../../io/partition/testdata/GaiaSource_like_from_pyia_gdr2_sm.csv"

// writePartitions writes nfiles gzipped DR2 partitions of copies*1000 rows
// each: the real rows with source_ids shifted so every row is distinct. It
// returns the number of rows and the sum of their source_ids, computed here
// from what was written, independently of the reader.
func writePartitions(t *testing.T, dir string, nfiles, copies int) (rows int64, idSum int64) {
	t.Helper()
	f, err := os.Open(realDR2)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	sc.Scan()
	header := sc.Text()
	var lines [][]string
	for sc.Scan() {
		lines = append(lines, strings.Split(sc.Text(), ","))
	}
	for k := 0; k < nfiles; k++ {
		path := filepath.Join(dir, fmt.Sprintf("GaiaSource_%d_%d.csv.gz", k, k))
		out, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(out)
		fmt.Fprintln(zw, header)
		for c := 0; c < copies; c++ {
			for _, fields := range lines {
				id, err := strconv.ParseInt(fields[2], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				id += int64(k*copies+c) << 20 // stays inside the same HEALPix pixel
				fields[2] = strconv.FormatInt(id, 10)
				fmt.Fprintln(zw, strings.Join(fields, ","))
				rows++
				idSum += id
				fields[2] = strconv.FormatInt(id-int64(k*copies+c)<<20, 10)
			}
		}
		zw.Close()
		out.Close()
	}
	return rows, idSum
}

func blockLen(b star.Block) int64 { return int64(b.Len()) }

func blockIDSum(b star.Block) int64 {
	var s int64
	for _, id := range b.SourceID {
		s += id
	}
	return s
}

func init() {
	register.Function1x1(blockLen)
	register.Function1x1(blockIDSum)
}

// TestReadGzipCountsEveryRow checks the exact row count and a checksum of the
// source_ids over several gzipped partitions: Beam's textio loses rows here.
func TestReadGzipCountsEveryRow(t *testing.T) {
	dir := t.TempDir()
	wantRows, wantSum := writePartitions(t, dir, 6, 5)
	p, s := beam.NewPipelineWithRoot()
	blocks, rejects, _ := stars.Read(s, []string{filepath.Join(dir, "GaiaSource_*.csv.gz")}, stars.ReadOptions{BlockSize: 1000})
	passert.Equals(s, stats.Sum(s, beam.ParDo(s, blockLen, blocks)), wantRows)
	passert.Equals(s, stats.Sum(s, beam.ParDo(s, blockIDSum, blocks)), wantSum)
	passert.Empty(s, rejects)
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}

func TestReadCloudStorage(t *testing.T) {
	root := storetest.Emulator(t, "gaia-dr2")
	dir := t.TempDir()
	wantRows, wantSum := writePartitions(t, dir, 2, 2)
	ctx := context.Background()
	for _, n := range []string{"GaiaSource_0_0.csv.gz", "GaiaSource_1_1.csv.gz"} {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.WriteFile(ctx, store.Join(root, "gdr2", n), data); err != nil {
			t.Fatal(err)
		}
	}
	p, s := beam.NewPipelineWithRoot()
	blocks, _, _ := stars.Read(s, []string{root + "/gdr2/GaiaSource_*.csv.gz"}, stars.ReadOptions{})
	passert.Equals(s, stats.Sum(s, beam.ParDo(s, blockLen, blocks)), wantRows)
	passert.Equals(s, stats.Sum(s, beam.ParDo(s, blockIDSum, blocks)), wantSum)
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}

// TestRejectsReconcile feeds real rows with real damage: a malformed number
// and a short row. They go to the rejects file with their reasons, the rest
// are read, and the counters balance.
func TestRejectsReconcile(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(realDR2)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	lines[5] = strings.Replace(lines[5], ",2015.5,", ",2015.5,12.3.4", 1) // ra becomes "12.3.4<ra>"
	lines[9] = lines[9][:len(lines[9])/2]                                 // a row cut short
	in := filepath.Join(dir, "GaiaSource_bad.csv")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rejPath := filepath.Join(dir, "out", "rejects.csv")
	counts := filepath.Join(dir, "out", "counts.json")
	p, s := beam.NewPipelineWithRoot()
	_, rejects, tallies := stars.Read(s, []string{in}, stars.ReadOptions{})
	stars.WriteRejects(s, rejPath, rejects)
	stars.WriteTally(s, counts, stars.Sum(s, tallies))
	if _, err := runners.Run(context.Background(), p, stars.Namespace); err != nil {
		t.Fatal(err)
	}
	c, err := stars.ReadTally(context.Background(), counts)
	if err != nil {
		t.Fatal(err)
	}
	if c[star.RowsIn] != 1000 || c[star.StarsIn] != 998 || c[star.Rejected] != 2 || c[star.Files] != 1 {
		t.Errorf("counts %v, want 1 file, 1000 rows, 998 stars, 2 rejected", c)
	}
	if err := c.Reconcile(); err != nil {
		t.Error(err)
	}
	rf, err := os.Open(rejPath)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	recs, err := csv.NewReader(rf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("rejects file has %d records, want header + 2: %v", len(recs), recs)
	}
	// Line numbers are 1-based file lines; the header is line 1.
	if recs[1][1] != "6" || !strings.Contains(recs[1][2], "ra") {
		t.Errorf("first reject %v: want line 6 naming column ra", recs[1])
	}
	if recs[2][1] != "10" || !strings.Contains(recs[2][2], "field") {
		t.Errorf("second reject %v: want line 10 about the number of fields", recs[2])
	}
}

// TestBrokenFilesStopTheJob: a truncated gzip stream and a header without
// ra each fail the job with the file's name.
func TestBrokenFilesStopTheJob(t *testing.T) {
	dir := t.TempDir()
	writePartitions(t, dir, 1, 3)
	good := filepath.Join(dir, "GaiaSource_0_0.csv.gz")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "GaiaSource_truncated.csv.gz")
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	noRA := filepath.Join(dir, "GaiaSource_nora.csv")
	raw, _ := os.ReadFile(realDR2)
	os.WriteFile(noRA, []byte(strings.Replace(string(raw), ",ra,", ",right_ascension,", 1)), 0o644)

	for _, c := range []struct{ path, want string }{
		{truncated, "GaiaSource_truncated.csv.gz"},
		{noRA, "ra"},
		{filepath.Join(dir, "nothing_*.csv"), "no partition files match"},
	} {
		p, s := beam.NewPipelineWithRoot()
		stars.Read(s, []string{c.path}, stars.ReadOptions{})
		err := ptest.Run(p)
		if err == nil {
			t.Errorf("%s: job succeeded, want an error", c.path)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Base(c.path)) {
			t.Errorf("%s: error %q does not name the file and %q", c.path, err, c.want)
		}
	}
}
