package stars

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
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

// progress prints, every ten seconds while stars are being read in this
// process, how many have been read and how fast. On a local run the workers
// are this process, so the user sees a long run move; on a cluster the lines
// land in the worker logs.
var progress struct {
	once  sync.Once
	rows  atomic.Int64
	files atomic.Int64
}

func noteProgress(ctx context.Context, rows int64) {
	progress.files.Add(1)
	progress.rows.Add(rows)
	progress.once.Do(func() {
		go func() {
			start, last := time.Now(), int64(0)
			for range time.Tick(10 * time.Second) {
				n := progress.rows.Load()
				if n == last {
					continue
				}
				last = n
				el := time.Since(start).Seconds()
				fmt.Fprintf(os.Stderr, "progress: %d files, %d rows read, %.0f rows/s\n", progress.files.Load(), n, float64(n)/el)
			}
		}()
	})
}
