package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// runJob runs p on the selected runner. Its Result has nil Counters when
// the job was not run here (a dry run).
func runJob(ctx context.Context, p *beam.Pipeline, job string) (runners.Result, error) {
	fmt.Fprintf(os.Stderr, "gaiaflow %s: running on %s\n", job, runners.Name())
	return runners.Run(ctx, p, stars.Namespace)
}

// runAndReport runs p, whose tally the pipeline writes to counts, then
// reads the tally back, prints it, and checks it with check (nil:
// star.Tally.Reconcile). It returns the tally, nil for a dry run.
func runAndReport(ctx context.Context, p *beam.Pipeline, job, counts string, check func(star.Tally) error) (star.Tally, runners.Result, error) {
	// A tally left by an earlier run must not pass for this one's.
	if err := store.Remove(ctx, counts); err != nil {
		return nil, runners.Result{}, err
	}
	res, err := runJob(ctx, p, job)
	if err != nil {
		return nil, res, err
	}
	if res.Counters == nil {
		fmt.Printf("gaiaflow %s: the job was not run here (dry run); no counts\n", job)
		return nil, res, nil
	}
	t, err := stars.ReadTally(ctx, counts)
	if err != nil {
		return nil, res, err
	}
	return t, res, report(job, res, t, check)
}

// report prints a finished run's tally, its balance and throughput, and
// returns the error of check (nil: star.Tally.Reconcile). The counts are
// the tally the data carried; the runner's metrics, which may have lost
// updates, are only compared with it.
func report(job string, res runners.Result, t star.Tally, check func(star.Tally) error) error {
	fmt.Printf("gaiaflow %s summary:\n", job)
	for _, n := range t.Names() {
		fmt.Printf("  %-28s %12d\n", n, t[n])
	}
	fmt.Printf("  %-28s %12.1f s on %s\n", "elapsed", res.Elapsed.Seconds(), res.Runner)
	if _, ok := t[star.RowsIn]; ok {
		fmt.Printf("  balance: %s\n", t.Balance())
		rate := float64(t[star.RowsIn]) / res.Elapsed.Seconds()
		fmt.Printf("  throughput: %.0f stars/s", rate)
		if r := runners.Name(); r == "prism" || r == "direct" {
			// Local runs use every core of this machine.
			fmt.Printf(" (%.0f per core, %d cores)", rate/float64(runtime.NumCPU()), runtime.NumCPU())
		}
		fmt.Println()
	}
	printTiming(res.Counters)
	if diff := metricsDiffer(t, res.Counters); len(diff) > 0 {
		fmt.Printf("  note: the runner's metrics differ from the counts the data carried (%v); the counts above are exact, the metrics are for monitoring\n", diff)
	}
	if check == nil {
		check = star.Tally.Reconcile
	}
	return check(t)
}

// metricsDiffer lists the names whose metric (when the runner reported it)
// differs from the tally.
func metricsDiffer(t star.Tally, metrics map[string]int64) []string {
	var diff []string
	for n, v := range t {
		if m, ok := metrics[n]; ok && m != v {
			diff = append(diff, fmt.Sprintf("%s %d", n, m))
		}
	}
	sort.Strings(diff)
	return diff
}

// printTiming prints where the workers' time went, from the stage timings
// of the run's metrics (stars.Timing), summed over workers; nothing when the
// run reported none.
func printTiming(metrics map[string]int64) {
	var stages []string
	var total int64
	for n, v := range metrics {
		if strings.HasPrefix(n, stars.TimingPrefix) {
			stages = append(stages, n)
			total += v
		}
	}
	if total == 0 {
		return
	}
	sort.Strings(stages)
	fmt.Printf("  where the time went (worker-seconds, summed over workers):")
	for _, n := range stages {
		v := metrics[n]
		fmt.Printf(" %s %.1f s (%.0f%%)", strings.TrimPrefix(n, stars.TimingPrefix), float64(v)/1e3, 100*float64(v)/float64(total))
	}
	fmt.Println()
}

// cpuMeter measures the CPU time of a local run from its start.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	c, ok := processCPU()
	return cpuMeter{start: c, ok: ok}
}

// print prints the CPU time since start and the stars per CPU-second, on
// the embedded runners only (elsewhere the workers are other processes).
func (m cpuMeter) print(what string, stars int64) {
	if r := runners.Name(); !m.ok || (r != "prism" && r != "direct") {
		return
	}
	now, ok := processCPU()
	if !ok {
		return
	}
	cpu := (now - m.start).Seconds()
	fmt.Printf("  CPU: %.1f s %s: %.0f stars per CPU-second\n", cpu, what, float64(stars)/cpu)
}
