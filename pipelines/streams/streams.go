// Package streams is the pipeline behind `gaiaflow streams`: the stream
// search of Via Machinae (Shih et al. 2022; DESIGN.md, pipeline 2) over Gaia
// partitions. Read partitions -> stars assigned to patches -> grouped by
// patch -> one unit of ANODE training per (patch, search region), spread over
// workers -> ROIs and Hough lines -> merged on one worker into stream
// candidates, their member stars and the figures.
package streams

import (
	"errors"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
	"github.com/gaiaflow/gaiaflow/transforms/streams"
)

// Options configure a stream search.
type Options struct {
	Inputs    []string // partition paths or globs, local or gs://
	Rejects   string   // where rejected rows go; empty: <Search.Out>/rejects.csv
	BlockSize int      // stars per block; 0 means 4096
	Search    streams.Options
	Counts    string // where the run's tally goes; empty: <Search.Out>/counts.json
}

// CountsPath returns where the run's tally (star.Tally) is written.
func (o Options) CountsPath() string {
	if o.Counts != "" {
		return o.Counts
	}
	return store.Join(o.Search.Out, "counts.json")
}

// Build returns the pipeline of the search. Its tally (written to
// CountsPath) reconciles: every row read leaves as a reject, under a cut
// (parallax, missing, outside_patches) or in stars_out (a star in at least
// one patch); it also counts patches, search regions and ROIs.
func Build(opt Options) (*beam.Pipeline, error) {
	if len(opt.Inputs) == 0 || opt.Search.Out == "" {
		return nil, errors.New("streams: inputs and an output folder are required")
	}
	rejects := opt.Rejects
	if rejects == "" {
		rejects = store.Join(opt.Search.Out, "rejects.csv")
	}
	p, s := beam.NewPipelineWithRoot()
	blocks, rej, read := stars.Read(s, opt.Inputs, stars.ReadOptions{BlockSize: opt.BlockSize})
	stars.WriteRejects(s, rejects, rej)
	assigned, assignT := streams.Assign(s, opt.Search, blocks)
	work, regionT := streams.Regions(s, opt.Search, assigned)
	results, scoreT := streams.Score(s, opt.Search, work)
	streams.Merge(s, opt.Search, results)
	stars.WriteTally(s, opt.CountsPath(), stars.Sum(s, read, assignT, regionT, scoreT))
	return p, nil
}
