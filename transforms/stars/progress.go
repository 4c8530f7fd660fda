package stars

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

// Progress adds n to the count of what (for example "rows read") that this
// process prints every ten seconds while it grows: the count, of the total
// when ProgressTotal gave one, the rate since its first count (since its
// first total, where there is one), and then an estimate of the time left. On a local run the workers are this process,
// so the user sees a long run move; on a cluster the lines land in the
// worker logs.
func Progress(what string, n int64) {
	p := entry(what)
	progress.mu.Lock()
	defer progress.mu.Unlock()
	if p.done == 0 && p.first.IsZero() {
		p.first = time.Now()
	}
	p.done += n
}

// ProgressTotal adds n to the number of what that a run expects to count
// with Progress (for example the search regions, once their patches are
// laid out), so the progress line can give an ETA. The rate then runs from
// the first total, not from the first count: a search region of a real
// patch trains for a quarter of an hour before the first is counted, and a
// rate from that moment on gave an ETA of 4 minutes for the last 12 of 16
// regions, which took 12.
func ProgressTotal(what string, n int64) {
	p := entry(what)
	progress.mu.Lock()
	defer progress.mu.Unlock()
	if p.first.IsZero() {
		p.first = time.Now()
	}
	p.total += n
}

type progressEntry struct {
	done, total, printed int64
	first                time.Time
}

var progress struct {
	mu      sync.Mutex
	entries map[string]*progressEntry
}

func entry(what string) *progressEntry {
	progress.mu.Lock()
	defer progress.mu.Unlock()
	if progress.entries == nil {
		progress.entries = map[string]*progressEntry{}
		go printProgress()
	}
	e := progress.entries[what]
	if e == nil {
		e = &progressEntry{}
		progress.entries[what] = e
	}
	return e
}

func printProgress() {
	for range time.Tick(10 * time.Second) {
		progress.mu.Lock()
		names := make([]string, 0, len(progress.entries))
		for n := range progress.entries {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, what := range names {
			if e := progress.entries[what]; e.done != e.printed && e.done > 0 {
				fmt.Fprintf(os.Stderr, "progress: %s\n", e.line(what, time.Now()))
				e.printed = e.done
			}
		}
		progress.mu.Unlock()
	}
}

// line formats one progress line at now.
func (e *progressEntry) line(what string, now time.Time) string {
	el := now.Sub(e.first).Seconds()
	rate := float64(e.done) / el
	if e.total <= 0 {
		return fmt.Sprintf("%d %s, %.3g/s", e.done, what, rate)
	}
	s := fmt.Sprintf("%d of %d %s (%.0f%%), %.3g/s", e.done, e.total, what, 100*float64(e.done)/float64(e.total), rate)
	if left := e.total - e.done; left > 0 && rate > 0 {
		s += ", ETA " + (time.Duration(float64(left)/rate) * time.Second).Round(time.Second).String()
	}
	return s
}
