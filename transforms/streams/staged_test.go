package streams

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/anode/anodetest"
	"github.com/gaiaflow/gaiaflow/transforms/internal/gobcoder"
)

// TestStagedWorkIsSmall: a search region crosses the shuffle as a few
// hundred bytes, whatever the patch's size, where it used to carry the
// whole patch; the worker reads the staged patch back whole.
func TestStagedWorkIsSmall(t *testing.T) {
	p := anodetest.UniformPatch(20000, uint64(20000))
	path := filepath.Join(t.TempDir(), "patch31.parquet")
	w, _ := store.Create(context.Background(), path)
	if err := streamio.WritePatch(w, p); err != nil {
		t.Fatal(err)
	}
	w.Close()
	work := Work{Pixel: 31, SR: 4, PatchFile: path, PatchStars: p.Len(), Patch: *p}
	enc, err := encodeWork(work)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := gobcoder.Marshal(p)
	if len(enc) > 1000 || len(whole) < 50*p.Len() {
		t.Errorf("a region's work is %d bytes (the patch alone %d)", len(enc), len(whole))
	}
	back, err := decodeWork(enc)
	if err != nil || back.Patch.Len() != 0 || back.PatchFile != path {
		t.Fatalf("decoded %+v %v", back.PatchFile, err)
	}
	got, err := stagedPatch(context.Background(), path)
	if err != nil || got.Len() != p.Len() || got.G[123] != p.G[123] {
		t.Fatalf("staged patch read back: %v", err)
	}
}

// BenchmarkStagedPatch2M stages a 2-million-star patch (the largest a
// worker holds) and reads it back, reporting the bytes one search region
// moved through the shuffle before staging (the whole patch) and now, the
// staged file's size, and the process's peak resident memory.
func BenchmarkStagedPatch2M(b *testing.B) {
	p := anodetest.UniformPatch(2_000_000, uint64(2_000_000))
	whole, _ := gobcoder.Marshal(p)
	path := filepath.Join(b.TempDir(), "patch31.parquet")
	ctx := context.Background()
	var staged int64
	for b.Loop() {
		w, _ := store.Create(ctx, path)
		if err := streamio.WritePatch(w, p); err != nil {
			b.Fatal(err)
		}
		w.Close()
		fi, _ := store.Stat(ctx, path)
		staged = fi.Size
		stagedPatches = store.Cache[*anode.Patch]{Max: 2}
		if _, err := stagedPatch(ctx, path); err != nil {
			b.Fatal(err)
		}
	}
	enc, _ := encodeWork(Work{Pixel: 31, PatchFile: path, PatchStars: p.Len()})
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(len(whole)), "shuffle-bytes/region-before")
	b.ReportMetric(float64(len(enc)), "shuffle-bytes/region-now")
	b.ReportMetric(float64(staged), "staged-bytes/patch")
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
}
