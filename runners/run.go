package runners

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/metrics"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

// Result is what a finished run reports.
type Result struct {
	Runner  string
	Elapsed time.Duration
	// Counters holds the committed value of every counter in Namespace,
	// summed over steps. It is nil when the job was not run (a dry run).
	Counters map[string]int64
}

// Name returns the runner that --runner selects.
func Name() string {
	if *runners.Runner == "" {
		return "prism"
	}
	return *runners.Runner
}

// Run executes p on the selected runner, waits for it, and collects the
// counters of namespace.
//
// With --dry_run, only Dataflow is given the job (it prints it without
// running it); other runners have no dry run of their own, so the job is
// not started at all. Either way the Result has nil Counters.
func Run(ctx context.Context, p *beam.Pipeline, namespace string) (Result, error) {
	if DryRun() && Name() != "dataflow" {
		return Result{Runner: Name()}, nil
	}
	start := time.Now()
	pr, err := beamx.RunWithMetrics(ctx, p)
	res := Result{Runner: Name(), Elapsed: time.Since(start)}
	if err != nil {
		return res, fmt.Errorf("%s runner: %w", res.Runner, err)
	}
	if pr == nil {
		return res, nil
	}
	res.Counters = map[string]int64{}
	for _, c := range pr.Metrics().Query(func(r metrics.SingleResult) bool {
		return r.Namespace() == namespace
	}).Counters() {
		res.Counters[c.Name()] += c.Result()
	}
	return res, nil
}

// DryRun reports whether --dry_run was given: the job is to be shown, not
// run, and nothing written.
func DryRun() bool {
	f := flag.Lookup("dry_run")
	return f != nil && f.Value.String() == "true"
}

// Loopback reports whether a portable runner's workers run in this process
// (--environment_type=LOOPBACK).
func Loopback() bool {
	f := flag.Lookup("environment_type")
	return f != nil && strings.EqualFold(f.Value.String(), "loopback")
}
