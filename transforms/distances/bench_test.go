package distances

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// benchPartition writes a gzipped DR2 partition of copies rows of the real
// M67 cone (io/partition/testdata) and returns its path and row count:
// Gaia's columns, values and gzip, at a partition's scale.
func benchPartition(b testing.TB, dir string, copies int) (string, int) {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "io", "partition", "testdata", "m67.csv.gz"))
	if err != nil {
		b.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	nl := bytes.IndexByte(text, '\n')
	head, body := text[:nl+1], text[nl+1:]
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(head)
	for range copies {
		zw.Write(body)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "GaiaSource_1_2.csv.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return path, copies * bytes.Count(body, []byte{'\n'})
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkComputeShard is a whole partition end to end (about 30,000 real
// DR2 rows, gzipped): read, the paper's catalog settings (K = 32, T = 10) on
// a 128^3 grid, and the shard's CSV, Parquet and sidecar written, as one
// worker does it. It reports stars per CPU-second of the whole and of each
// stage alone (read: gunzip and parse; model: the estimate; write).
//
//	go test -run '^$' -bench ComputeShard ./transforms/distances/
func BenchmarkComputeShard(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	est, in, part, rows := m67Partition(b, dir, 20, 0)
	var blocks []*star.Block
	if _, err := partition.ReadPath(ctx, part, partition.Options{}, func(blk *star.Block) error {
		blocks = append(blocks, blk)
		return nil
	}, nil); err != nil {
		b.Fatal(err)
	}

	var read, modelT, whole time.Duration
	out := filepath.Join(dir, "catalog")
	b.ResetTimer()
	for b.Loop() {
		c0 := cpuNow()
		if _, err := partition.ReadPath(ctx, part, partition.Options{}, func(*star.Block) error { return nil }, nil); err != nil {
			b.Fatal(err)
		}
		c1 := cpuNow()
		var scratch distance.Rows
		var cuts distance.Counts
		for _, blk := range blocks {
			est.CatalogBlock(&scratch, blk, &cuts)
		}
		c2 := cpuNow()
		if _, err := ComputeShard(ctx, out, in, est, 0, nil); err != nil {
			b.Fatal(err)
		}
		c3 := cpuNow()
		read += c1 - c0
		modelT += c2 - c1
		whole += c3 - c2
	}
	n := float64(rows * b.N)
	b.ReportMetric(n/whole.Seconds(), "stars/cpu-s")
	b.ReportMetric(n/read.Seconds(), "read-stars/cpu-s")
	b.ReportMetric(n/modelT.Seconds(), "model-stars/cpu-s")
	// What is left of the whole is the writing of the shard.
	if w := whole - read - modelT; w > 0 {
		b.ReportMetric(n/w.Seconds(), "write-stars/cpu-s")
	}
}

// m67Partition writes a partition of copies of the real M67 cone
// (benchPartition) and a small random CMD model distilled to a grid of
// nodes per dimension (0: the default), and returns a catalog estimator
// with the paper's settings and a constant dust screen, the partition as a
// catalog input, its path and its rows.
func m67Partition(tb testing.TB, dir string, copies, nodes int) (*distance.Estimator, release.Input, string, int) {
	tb.Helper()
	ctx := context.Background()
	part, rows := benchPartition(tb, dir, copies)
	model, data, _ := cmdModel(tb, dir, 1)
	cfg := distance.Config{Mode: distance.Catalog}
	if err := cfg.Validate(); err != nil {
		tb.Fatal(err)
	}
	grid := filepath.Join(dir, "cmd.grid")
	if err := Distil(ctx, grid, model, data, nodes); err != nil {
		tb.Fatal(err)
	}
	est, err := newEstimator(ctx, Options{Grid: grid, Model: model, Dust: "constant:0.03", Cfg: cfg})
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := release.MakeKeys(ctx, model, "constant:0.03", cfg, false, nodes)
	if err != nil {
		tb.Fatal(err)
	}
	ins, err := release.ListInputs(ctx, []string{part}, keys, false)
	if err != nil || len(ins) != 1 {
		tb.Fatalf("inputs %v: %v", ins, err)
	}
	return est, ins[0], part, rows
}
