package store_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/store/storetest"
)

// exercise runs the same checks on a local folder and a gs:// bucket.
func exercise(t *testing.T, root string) {
	ctx := context.Background()
	names := []string{"a/GaiaSource_1_2.csv.gz", "a/GaiaSource_3_4.csv.gz", "a/notes.txt", "b/Norder=3/Dir=0/Npix=5.parquet"}
	for i, n := range names {
		if err := store.WriteFile(ctx, store.Join(root, n), []byte(strings.Repeat("x", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	got, err := store.Glob(ctx, store.Join(root, "a", "GaiaSource_*.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || store.Base(got[1].Path) != "GaiaSource_3_4.csv.gz" || got[1].Size != 2 {
		t.Fatalf("glob: %+v", got)
	}
	hats, err := store.Glob(ctx, store.Join(root, "b", "Norder=*", "Dir=*", "Npix=*.parquet"))
	if err != nil || len(hats) != 1 {
		t.Fatalf("HATS glob: %+v %v", hats, err)
	}
	dir, err := store.Glob(ctx, store.Join(root, "a"))
	if err != nil || len(dir) != 3 {
		t.Fatalf("folder glob: %+v %v", dir, err)
	}
	b, err := store.ReadFile(ctx, got[0].Path)
	if err != nil || string(b) != "x" {
		t.Fatalf("read: %q %v", b, err)
	}
	f, err := store.OpenFile(ctx, store.Join(root, names[3]))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if n, err := f.ReadAt(buf, 1); n != 3 || err != nil {
		t.Fatalf("ReadAt: %d %v", n, err)
	}
	if n, err := f.ReadAt(buf, 2); n != 2 || err != io.EOF {
		t.Fatalf("ReadAt past end: %d %v", n, err)
	}
	f.Close()

	// An aborted write leaves the old content in place.
	w, err := store.Create(ctx, got[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("half"))
	w.Abort()
	if b, _ := store.ReadFile(ctx, got[0].Path); string(b) != "x" {
		t.Fatalf("after abort: %q", b)
	}
	// A file written in many small pieces, as a compressor writes, reads
	// back whole, and only once it is closed.
	piece := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	w, err = store.Create(ctx, store.Join(root, "c", "pieces.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20000; i++ {
		if _, err := w.Write(piece[:1+i%len(piece)]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Stat(ctx, store.Join(root, "c", "pieces.bin")); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("before close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err = store.ReadFile(ctx, store.Join(root, "c", "pieces.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20000; i++ {
		n := 1 + i%len(piece)
		if len(b) < n || string(b[:n]) != string(piece[:n]) {
			t.Fatalf("piece %d of the small-piece file is wrong", i)
		}
		b = b[n:]
	}
	if len(b) != 0 {
		t.Fatalf("%d bytes too many in the small-piece file", len(b))
	}

	if _, err := store.Open(ctx, store.Join(root, "missing")); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if err := store.Remove(ctx, got[0].Path); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Stat(ctx, got[0].Path); !errors.Is(err, store.ErrNotExist) {
		t.Fatalf("after remove: %v", err)
	}
}

func TestLocal(t *testing.T) {
	root := t.TempDir()
	exercise(t, root)
	left, _ := filepath.Glob(filepath.Join(root, "a", ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "notes.txt")); err != nil {
		t.Error(err)
	}
}

func TestCloudStorageEmulator(t *testing.T) {
	exercise(t, storetest.Emulator(t, "gaia"))
}

// TestDir: the folder of a local path and of a Cloud Storage object.
func TestDir(t *testing.T) {
	for p, want := range map[string]string{
		"gs://b/models/m1/cmd.gff": "gs://b/models/m1",
		"gs://b/cmd.gff":           "gs://b",
		"models/m1/cmd.gff":        "models/m1",
		"cmd.gff":                  ".",
	} {
		if got := store.Dir(p); got != want {
			t.Errorf("Dir(%q) = %q, want %q", p, got, want)
		}
	}
}
