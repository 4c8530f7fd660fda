package stars

import (
	"testing"
	"time"
)

// A count with a total has its rate from the first total on, so that the
// work done before the first count is in the ETA.
func TestProgressRateRunsFromTheTotal(t *testing.T) {
	const what = "test: regions scored"
	before := time.Now()
	ProgressTotal(what, 10)
	e := entry(what)
	progress.mu.Lock()
	first := e.first
	progress.mu.Unlock()
	if first.Before(before) {
		t.Fatalf("the rate runs from %v, before the total was given (%v)", first, before)
	}
	Progress(what, 1)
	progress.mu.Lock()
	after := e.first
	progress.mu.Unlock()
	if !after.Equal(first) {
		t.Errorf("the first count moved the rate's start from %v to %v", first, after)
	}
}

func TestProgressLine(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	e := &progressEntry{done: 30, total: 120, first: t0}
	if got, want := e.line("search regions", t0.Add(10*time.Minute)), "30 of 120 search regions (25%), 0.05/s, ETA 30m0s"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	e = &progressEntry{done: 7, first: t0}
	if got, want := e.line("rows read", t0.Add(1000*time.Second)), "7 rows read, 0.007/s"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
