package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"cloud.google.com/go/storage"
	"golang.org/x/sys/unix"
	"google.golang.org/api/googleapi"
)

// ErrLocked is returned (wrapped, with who holds it) by Lock when another
// process holds the lock.
var ErrLocked = errors.New("locked by another process")

// LeaseTTL is how long a Cloud Storage lock outlives its holder's last
// renewal; the holder renews it every LeaseTTL/4. A holder killed without
// unlocking (kill -9, a lost machine) blocks others for at most this long.
var LeaseTTL = 10 * time.Minute

// Lock is an exclusive lock on a path, held by this process until Unlock.
//
// On local disk it is flock(2) on the file: the kernel releases it when the
// process dies, however it dies. In Cloud Storage it is a lease object made
// with a does-not-exist precondition, renewed with a generation
// precondition, and taken over (with a generation precondition, so only one
// taker wins) once it has expired.
type Lock struct {
	path string
	f    *os.File // local

	mu   sync.Mutex
	gen  int64 // Cloud Storage: the lease's generation
	lost error
	stop chan struct{}
	done chan struct{}
}

type lease struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

// TakeLock takes the lock at p for holder (a description of this process
// that another process reports when it finds the lock taken). It does not
// wait: a lock held by another process is an error wrapping ErrLocked.
func TakeLock(ctx context.Context, p, holder string) (*Lock, error) {
	if IsGCS(p) {
		return gcsLock(ctx, p, holder)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		who, _ := io.ReadAll(io.LimitReader(f, 1024))
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("store: %s: %w (%s)", p, ErrLocked, who)
		}
		return nil, fmt.Errorf("store: lock %s: %w", p, err)
	}
	f.Truncate(0)
	f.WriteAt([]byte(holder), 0)
	return &Lock{path: p, f: f}, nil
}

// Check returns an error if the lock was lost (a Cloud Storage lease that
// could not be renewed and may have been taken over). Check it before an
// action the lock protects.
func (l *Lock) Check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// Unlock releases the lock.
func (l *Lock) Unlock(ctx context.Context) error {
	if l.f != nil {
		l.f.Truncate(0)
		unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
		return l.f.Close()
	}
	l.Abandon()
	l.mu.Lock()
	gen, lost := l.gen, l.lost
	l.mu.Unlock()
	if lost != nil {
		return nil // not ours any more
	}
	o, err := object(ctx, l.path)
	if err != nil {
		return err
	}
	ctx, cancel := quick(ctx)
	defer cancel()
	if err := o.If(storage.Conditions{GenerationMatch: gen}).Delete(ctx); err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return gcsErr(l.path, err)
	}
	return nil
}

func gcsLock(ctx context.Context, p, holder string) (*Lock, error) {
	o, err := object(ctx, p)
	if err != nil {
		return nil, err
	}
	gen, err := writeLease(ctx, o, storage.Conditions{DoesNotExist: true}, holder)
	if isPrecondition(err) {
		// Taken: take it over only if it expired.
		cur, curGen, rerr := readLease(ctx, o)
		if rerr != nil {
			return nil, gcsErr(p, rerr)
		}
		if time.Now().Before(cur.Expires) {
			return nil, fmt.Errorf("store: %s: %w (%s, until %s)", p, ErrLocked, cur.Holder, cur.Expires.Format(time.RFC3339))
		}
		gen, err = writeLease(ctx, o, storage.Conditions{GenerationMatch: curGen}, holder)
		if isPrecondition(err) {
			return nil, fmt.Errorf("store: %s: %w (taken over by another process just now)", p, ErrLocked)
		}
	}
	if err != nil {
		return nil, gcsErr(p, err)
	}
	l := &Lock{path: p, gen: gen, stop: make(chan struct{}), done: make(chan struct{})}
	go l.renew(context.WithoutCancel(ctx), o, holder)
	return l, nil
}

// renew extends the lease every LeaseTTL/4 until Unlock; a renewal that
// fails for good marks the lock lost.
func (l *Lock) renew(ctx context.Context, o *storage.ObjectHandle, holder string) {
	defer close(l.done)
	t := time.NewTicker(LeaseTTL / 4)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		l.mu.Lock()
		gen := l.gen
		l.mu.Unlock()
		ngen, err := writeLease(ctx, o, storage.Conditions{GenerationMatch: gen}, holder)
		l.mu.Lock()
		if err == nil {
			l.gen = ngen
		} else if isPrecondition(err) {
			l.lost = fmt.Errorf("store: lock %s was taken over by another process: %w", l.path, ErrLocked)
		}
		// Other errors: try again at the next tick, while the lease lasts.
		l.mu.Unlock()
	}
}

func writeLease(ctx context.Context, o *storage.ObjectHandle, cond storage.Conditions, holder string) (int64, error) {
	data, err := json.Marshal(lease{Holder: holder, Expires: time.Now().Add(LeaseTTL).UTC()})
	if err != nil {
		return 0, err
	}
	ctx, cancel := quick(ctx)
	defer cancel()
	w := o.If(cond).NewWriter(ctx)
	w.ContentType = "application/json"
	if _, err := w.Write(data); err != nil {
		w.Close()
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return w.Attrs().Generation, nil
}

func readLease(ctx context.Context, o *storage.ObjectHandle) (lease, int64, error) {
	ctx, cancel := quick(ctx)
	defer cancel()
	r, err := o.NewReader(ctx)
	if err != nil {
		return lease{}, 0, err
	}
	defer r.Close()
	var l lease
	if err := json.NewDecoder(io.LimitReader(r, 1<<16)).Decode(&l); err != nil {
		// Not a lease we can read: treat it as expired, so a broken
		// file does not block the catalog for ever.
		return lease{}, r.Attrs.Generation, nil
	}
	return l, r.Attrs.Generation, nil
}

func isPrecondition(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == 412
}

// Abandon stops renewing a Cloud Storage lease without releasing it, as a
// holder that dies does; the lease then expires after LeaseTTL. For tests.
func (l *Lock) Abandon() {
	if l.stop != nil {
		close(l.stop)
		<-l.done
		l.stop = nil
	}
}
