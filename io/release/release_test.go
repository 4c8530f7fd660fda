package release_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// publish writes a one-shard version v of the catalog at dir.
func publish(t *testing.T, dir, v, previous string) error {
	t.Helper()
	ctx := context.Background()
	f, err := release.WriteFile(ctx, dir, "shards/p."+v+".csv.gz", []byte("rows of "+v))
	if err != nil {
		t.Fatal(err)
	}
	in := release.Input{Path: "p.csv.gz", Shard: f.Name, Stars: 3, Files: []release.File{f},
		Counts: star.Tally{star.RowsIn: 4, star.StarsIn: 4, star.StarsOut: 3, "cut.dec": 1}}
	m := &release.Manifest{Version: v, Inputs: []release.Input{in}, Stars: 3, Counts: in.Counts}
	return release.Publish(ctx, dir, m, previous)
}

func TestCurrentOutsideTheCatalog(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(filepath.Dir(dir), "elsewhere")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, release.ManifestName), []byte(`{"format":"gaiaflow-catalog/2","version":"v0001"}`), 0o644)
	for _, cur := range []string{"../elsewhere", "/etc", "v1", "v0001/../../elsewhere", ""} {
		os.WriteFile(filepath.Join(dir, release.CurrentName), []byte(cur+"\n"), 0o644)
		if _, err := release.Current(context.Background(), dir); err == nil || errors.Is(err, release.ErrNoRelease) {
			t.Errorf("CURRENT %q: %v", cur, err)
		}
	}
}

// TestPublishCompareAndSwap: two runs planned on v0001 both make v0002; the
// second to publish fails loudly instead of replacing the first's.
func TestPublishCompareAndSwap(t *testing.T) {
	dir := t.TempDir()
	if err := publish(t, dir, "v0001", ""); err != nil {
		t.Fatal(err)
	}
	if err := publish(t, dir, "v0002", "v0001"); err != nil {
		t.Fatal(err)
	}
	err := publish(t, dir, "v0002", "v0001")
	if err == nil || !strings.Contains(err.Error(), "another run") {
		t.Errorf("second publication on v0001: %v", err)
	}
	if err := publish(t, dir, "v0001", ""); err == nil {
		t.Error("a first version published over an existing catalog")
	}
}

// TestVerify: a published version verifies; one changed byte in a shard,
// or counts that do not reconcile, are found.
func TestVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := publish(t, dir, "v0001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := release.Verify(ctx, dir, ""); err != nil {
		t.Fatal(err)
	}
	shard := filepath.Join(dir, "shards", "p.v0001.csv.gz")
	os.WriteFile(shard, []byte("rows of v0002"), 0o644)
	if _, err := release.Verify(ctx, dir, "v0001"); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("a changed shard: %v", err)
	}
}

// TestClean: what a killed run leaves (a half-written shard, a version
// folder it never published) is removed; finished shards and published
// versions stay.
func TestClean(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := publish(t, dir, "v0001", ""); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "shards", ".q.abc.csv.gz.tmp998"), []byte("half"), 0o600)
	os.WriteFile(filepath.Join(dir, "shards", ".r.abc.csv.gz.tmp999"), []byte("being written now"), 0o600)
	long := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, "shards", ".q.abc.csv.gz.tmp998"), long, long)
	os.MkdirAll(filepath.Join(dir, "v0002"), 0o755)
	os.WriteFile(filepath.Join(dir, "v0002", "fig4_cmd.png"), []byte("png"), 0o644)
	os.MkdirAll(filepath.Join(dir, "v0003"), 0o755)
	os.WriteFile(filepath.Join(dir, "v0003", ".table1.json.tmp1"), []byte("{"), 0o600)
	removed, err := release.Clean(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("removed %v", removed)
	for _, gone := range []string{"shards/.q.abc.csv.gz.tmp998", "v0002"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there", gone)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "shards", ".r.abc.csv.gz.tmp999")); err != nil {
		t.Errorf("a file being written now was removed: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "v0003")); len(entries) != 0 {
		t.Errorf("v0003 holds %v", entries)
	}
	if _, err := release.Verify(ctx, dir, ""); err != nil {
		t.Errorf("the published version suffered: %v", err)
	}
}

func TestLockExcludesASecondRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l, err := release.Lock(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock(ctx)
	if _, err := release.Lock(ctx, dir); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "another run") {
		t.Errorf("second lock: %v", err)
	}
}
