package main

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// runAndReport runs p and prints its counters, the row balance and the
// throughput. A run whose counts do not reconcile is an error.
func runAndReport(ctx context.Context, p *beam.Pipeline, job string) (runners.Result, error) {
	fmt.Fprintf(os.Stderr, "gaiaflow %s: running on %s\n", job, runners.Name())
	res, err := runners.Run(ctx, p, stars.Namespace)
	if err != nil {
		return res, err
	}
	fmt.Printf("gaiaflow %s summary:\n", job)
	res.Print(os.Stdout)
	if res.Counters == nil {
		return res, nil
	}
	if _, ok := res.Counters[stars.RowsIn]; ok {
		fmt.Printf("  balance: %s\n", stars.Balance(res.Counters))
		fmt.Printf("  throughput: %.0f stars/s", res.Rate(stars.RowsIn))
		if r := runners.Name(); r == "prism" || r == "direct" {
			// Local runs use every core of this machine.
			fmt.Printf(" (%.0f per core, %d cores)", res.Rate(stars.RowsIn)/float64(runtime.NumCPU()), runtime.NumCPU())
		}
		fmt.Println()
		if err := stars.Reconcile(res.Counters); err != nil {
			return res, err
		}
	}
	return res, nil
}
