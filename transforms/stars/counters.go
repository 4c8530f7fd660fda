package stars

import (
	"context"
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

// Monitor adds every count of t to its metric.
func Monitor(ctx context.Context, t star.Tally) {
	for _, k := range t.Names() {
		if t[k] != 0 {
			Counter(k).Inc(ctx, t[k])
		}
	}
}

// TimingPrefix starts the name of the metric that sums, in milliseconds
// over every worker, the wall time of one stage of a run (Timing).
const TimingPrefix = "time."

// Timing adds d to the time spent in stage (for example "read", "model",
// "write"): a metric for the summary's "where the time went", which is
// monitoring, not a count that is checked.
func Timing(ctx context.Context, stage string, d time.Duration) {
	beam.NewCounter(Namespace, TimingPrefix+stage).Inc(ctx, d.Milliseconds())
}
