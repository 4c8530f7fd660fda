// Package inspect is the pipeline that reads Gaia partitions and accounts
// for every row: how many files, rows, stars and rejects, with the rejects
// written out with their reasons. It is the first thing to run on a new set
// of inputs, and the smallest job to check a runner with.
package inspect

import (
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Options configures the inspect pipeline.
type Options struct {
	// Inputs are partition paths or globs, local or gs://.
	Inputs []string
	// Rejects is where malformed rows are written (CSV); empty writes none.
	Rejects string
	// BlockSize is the number of stars per block; 0 means 4096.
	BlockSize int
	// Counts is where the run's tally (star.Tally: files, rows_in, stars_in,
	// rejected) is written as JSON, local or gs://; the launcher reads it
	// back to check and print the balance.
	Counts string
}

// Build returns the pipeline and its block PCollection (for tests that
// assert on it).
func Build(opt Options) (*beam.Pipeline, beam.PCollection, error) {
	if len(opt.Inputs) == 0 || opt.Counts == "" {
		return nil, beam.PCollection{}, fmt.Errorf("inspect: inputs and a counts path are required")
	}
	p, s := beam.NewPipelineWithRoot()
	blocks, rejects, tallies := stars.Read(s, opt.Inputs, stars.ReadOptions{BlockSize: opt.BlockSize})
	if opt.Rejects != "" {
		stars.WriteRejects(s, opt.Rejects, rejects)
	}
	stars.WriteTally(s, opt.Counts, stars.Sum(s, tallies))
	return p, blocks, nil
}
