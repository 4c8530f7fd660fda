package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Timeout bounds every Cloud Storage call that should be quick (metadata,
// listing, opening a reader) and how long a transfer may go without moving a
// byte. An unreachable or stalled endpoint then fails with an error naming
// the path after at most Timeout per attempt and MaxAttempts attempts,
// instead of hanging: the client library retries idempotent calls until its
// context ends. GAIAFLOW_STORAGE_TIMEOUT (a Go duration, e.g. "30s")
// overrides it.
var Timeout = timeoutFromEnv(2 * time.Minute)

// MaxAttempts is how many times a failed idempotent Cloud Storage call is
// tried (with exponential backoff) before its error is returned.
const MaxAttempts = 5

func timeoutFromEnv(def time.Duration) time.Duration {
	if s := os.Getenv("GAIAFLOW_STORAGE_TIMEOUT"); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			return d
		}
	}
	return def
}

// quick returns ctx bounded by Timeout, for a call that should be quick.
func quick(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, Timeout)
}

// stallReader fails a read that makes no progress for Timeout by cancelling
// the transfer's context, so a long download may take as long as it needs
// while a dead connection is noticed.
type stallReader struct {
	r      io.ReadCloser
	p      string
	cancel context.CancelFunc

	mu      sync.Mutex
	timer   *time.Timer
	stalled bool
}

// newStallReader wraps r, whose transfer runs under the context that cancel
// ends.
func newStallReader(r io.ReadCloser, p string, cancel context.CancelFunc) *stallReader {
	s := &stallReader{r: r, p: p, cancel: cancel}
	s.timer = time.AfterFunc(Timeout, func() {
		s.mu.Lock()
		s.stalled = true
		s.mu.Unlock()
		cancel()
	})
	return s
}

func (s *stallReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	s.mu.Lock()
	stalled := s.stalled
	s.mu.Unlock()
	if stalled {
		return n, fmt.Errorf("store: read %s: no data for %v", s.p, Timeout)
	}
	if n > 0 {
		s.timer.Reset(Timeout)
	}
	return n, err
}

func (s *stallReader) Close() error {
	s.timer.Stop()
	err := s.r.Close()
	s.cancel()
	return err
}
