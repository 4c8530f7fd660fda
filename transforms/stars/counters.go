package stars

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Namespace is the Beam metrics namespace of every gaiaflow counter.
const Namespace = "gaiaflow"

// Beam metrics mirror the tallies (star.Tally) so that a run can be watched
// in the runner's UI while it goes; the counts a run checks and publishes are
// the tallies, carried in the data (see Sum).
// Counter returns the metric of the tally count name.
func Counter(name string) beam.Counter { return beam.NewCounter(Namespace, name) }

// Cut returns the metric of the stars removed by the named cut.
func Cut(name string) beam.Counter { return beam.NewCounter(Namespace, star.CutPrefix+name) }

// Monitor adds every count of t to its metric.
func Monitor(ctx context.Context, t star.Tally) {
	for _, k := range t.Names() {
		if t[k] != 0 {
			Counter(k).Inc(ctx, t[k])
		}
	}
}

// Progress adds n to the count of what (for example "rows read") that this
// process prints every ten seconds while it grows, with the rate since the
// first call. On a local run the workers are this process, so the user sees a
// long run move; on a cluster the lines land in the worker logs.
func Progress(what string, n int64) {
	progress.mu.Lock()
	defer progress.mu.Unlock()
	if progress.counts == nil {
		progress.counts = map[string]int64{}
		go printProgress(time.Now())
	}
	progress.counts[what] += n
}

var progress struct {
	mu     sync.Mutex
	counts map[string]int64
}

func printProgress(start time.Time) {
	last := map[string]int64{}
	for range time.Tick(10 * time.Second) {
		progress.mu.Lock()
		el := time.Since(start).Seconds()
		for what, n := range progress.counts {
			if n != last[what] {
				fmt.Fprintf(os.Stderr, "progress: %d %s, %.0f/s\n", n, what, float64(n)/el)
				last[what] = n
			}
		}
		progress.mu.Unlock()
	}
}
