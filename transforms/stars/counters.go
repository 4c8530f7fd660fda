package stars

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

// Namespace is the Beam metrics namespace of every gaiaflow counter.
const Namespace = "gaiaflow"

// Counter names. Every row that enters is read (RowsIn) and leaves as a star
// (StarsIn) or a reject (Rejected); later steps count their cuts as
// CutPrefix+name and their outputs as StarsOut, so that
// RowsIn = StarsOut + cuts + Rejected.
const (
	Files    = "files"
	RowsIn   = "rows_in"
	StarsIn  = "stars_in"
	Rejected = "rejected"
	StarsOut = "stars_out"

	CutPrefix = "cut."
)

var (
	filesRead    = beam.NewCounter(Namespace, Files)
	rowsRead     = beam.NewCounter(Namespace, RowsIn)
	starsRead    = beam.NewCounter(Namespace, StarsIn)
	rowsRejected = beam.NewCounter(Namespace, Rejected)
)

// Cut returns the counter of stars removed by the named cut.
func Cut(name string) beam.Counter { return beam.NewCounter(Namespace, CutPrefix+name) }

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
