package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/store/storetest"
)

// TestPublishedFileMode: a file written through Create gets the mode of
// any file this user creates (0666 less the umask), not CreateTemp's 0600,
// so other users can read a published catalog.
func TestPublishedFileMode(t *testing.T) {
	old := syscall.Umask(0)
	syscall.Umask(old)
	p := filepath.Join(t.TempDir(), "x", "file.csv")
	if err := store.WriteFile(context.Background(), p, []byte("a")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := os.FileMode(0o666) &^ os.FileMode(old); st.Mode().Perm() != want {
		t.Errorf("mode %v, want %v (umask %03o)", st.Mode().Perm(), want, old)
	}
}

// TestStalledEndpointFails: a Cloud Storage endpoint that accepts
// connections and never answers, and one that refuses them, give an error
// naming the path within a bounded time instead of hanging (it hung for
// minutes: the client retries until its context ends).
func TestStalledEndpointFails(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	refused, _ := net.Listen("tcp", "127.0.0.1:0")
	refusedAddr := refused.Addr().String()
	refused.Close()

	old := store.Timeout
	store.Timeout = 300 * time.Millisecond
	defer func() { store.Timeout = old }()
	for name, host := range map[string]string{"stalled": l.Addr().String(), "refused": refusedAddr} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("STORAGE_EMULATOR_HOST", host)
			store.ResetClient()
			defer store.ResetClient()
			ctx := context.Background()
			done := make(chan error, 3)
			go func() {
				_, err := store.Stat(ctx, "gs://b/dust/map.gfdust")
				done <- err
				_, err = store.ReadFile(ctx, "gs://b/dust/map.gfdust")
				done <- err
				_, err = store.Glob(ctx, "gs://b/gdr2/GaiaSource_*.csv.gz")
				done <- err
			}()
			for i := 0; i < 3; i++ {
				select {
				case err := <-done:
					if err == nil || !strings.Contains(err.Error(), "gs://b/") {
						t.Errorf("call %d: error %v does not name the path", i, err)
					}
				case <-time.After(2 * time.Minute):
					t.Fatalf("call %d still hangs after 2 minutes", i)
				}
			}
		})
	}
}

func TestChecksum(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "map.json")
	os.WriteFile(p, []byte("dust"), 0o644)
	sum := sha256.Sum256([]byte("dust"))
	if got, err := store.Checksum(ctx, p); err != nil || got != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("local checksum %q %v", got, err)
	}
	root := storetest.Emulator(t, "sums")
	g := root + "/map.json"
	store.WriteFile(ctx, g, []byte("dust"))
	a, err := store.Checksum(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	store.WriteFile(ctx, g, []byte("dusty"))
	b, err := store.Checksum(ctx, g)
	if err != nil || a == b {
		t.Errorf("gs:// checksum %q then %q after a change (%v)", a, b, err)
	}
}

// TestLockLocal: a second holder fails at once, saying who holds the lock;
// after Unlock the lock can be taken again.
func TestLockLocal(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "LOCK")
	l, err := store.TakeLock(ctx, p, "first holder")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.TakeLock(ctx, p, "second"); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "first holder") {
		t.Errorf("second lock: %v", err)
	}
	if err := l.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	l2, err := store.TakeLock(ctx, p, "second")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l2.Unlock(ctx)
}

// TestLockCloudStorage: the lease excludes a second holder, is renewed
// while held, and is taken over once its holder stopped renewing it.
func TestLockCloudStorage(t *testing.T) {
	ctx := context.Background()
	root := storetest.Emulator(t, "locks")
	old := store.LeaseTTL
	store.LeaseTTL = 400 * time.Millisecond
	defer func() { store.LeaseTTL = old }()
	p := root + "/catalog/LOCK"
	l, err := store.TakeLock(ctx, p, "first holder")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // beyond the TTL: only renewal keeps it
	if _, err := store.TakeLock(ctx, p, "second"); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "first holder") {
		t.Errorf("second lock while the first renews: %v", err)
	}
	if err := l.Check(); err != nil {
		t.Errorf("holder lost its lock: %v", err)
	}
	if err := l.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	l2, err := store.TakeLock(ctx, p, "second")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	// A holder that dies stops renewing: stop the renewal by hand, as a
	// kill would, then wait out the lease.
	l2.Abandon()
	time.Sleep(600 * time.Millisecond)
	l3, err := store.TakeLock(ctx, p, "third")
	if err != nil {
		t.Fatalf("an expired lease was not taken over: %v", err)
	}
	l3.Unlock(ctx)
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".shard.csv.gz.tmp123"), []byte("half"), 0o600)
	os.WriteFile(filepath.Join(dir, "shard.csv.gz"), []byte("whole"), 0o644)
	n, err := store.RemoveTemps(context.Background(), dir, 0)
	if err != nil || n != 1 {
		t.Fatalf("removed %d: %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "shard.csv.gz")); err != nil {
		t.Error(err)
	}
}
