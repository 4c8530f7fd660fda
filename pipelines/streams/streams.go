// Package streams is the pipeline behind `gaiaflow streams`: the stream
// search of Via Machinae (Shih et al. 2022; ARCHITECTURE.md, streams pipeline) over Gaia
// partitions. Read partitions -> stars assigned to patches -> grouped by
// patch -> one unit of ANODE training per (patch, search region), spread over
// workers -> ROIs and Hough lines (with --confirm, then the retrainings of the
// regions around what the first training found) -> merged on one worker into
// stream candidates, their member stars and the figures.
package streams

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/gaiaflow/gaiaflow/io/partition"
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
	// Since, if not empty, is the output folder of an earlier search with
	// the same options: only the patches that hold a partition changed
	// since (new, rewritten or gone) are searched again, and the other
	// patches' results are taken from it (see Prepare).
	Since string
	// DryRun prepares without writing anything.
	DryRun bool
}

// CountsPath returns where the run's tally (star.Tally) is written.
func (o Options) CountsPath() string {
	if o.Counts != "" {
		return o.Counts
	}
	return store.Join(o.Search.Out, "counts.json")
}

// ListingName is the file in the output folder that lists the inputs as a
// search found them when it began.
const ListingName = "inputs.json"

// Prepare lists the inputs and writes their listing in the output folder
// (unless DryRun), for the run's record (run.json); with Since it checks
// that the earlier search was made with the same options and finds the
// inputs changed since. It returns the options to Build with.
func Prepare(ctx context.Context, opt Options) (Options, error) {
	if len(opt.Inputs) == 0 || opt.Search.Out == "" {
		return opt, errors.New("streams: inputs and an output folder are required")
	}
	var listed []streams.RunInput
	seen := map[string]bool{}
	for _, pat := range opt.Inputs {
		infos, err := store.Glob(ctx, pat)
		if err != nil {
			return opt, fmt.Errorf("input %s: %w", pat, err)
		}
		for _, in := range infos {
			if !seen[in.Path] && partition.IsDataFile(in.Path) {
				seen[in.Path] = true
				listed = append(listed, streams.RunInput{Path: in.Path, Size: in.Size, Version: in.Version})
			}
		}
	}
	if opt.Since != "" {
		prev, _, err := streams.ReadRun(ctx, opt.Since)
		if err != nil {
			return opt, fmt.Errorf("--since %s: %w", opt.Since, err)
		}
		if prev.OptionsKey != opt.Search.OptionsKey() {
			return opt, fmt.Errorf("--since %s: that search was made with other options (key %s, now %s); search again without --since", opt.Since, prev.OptionsKey, opt.Search.OptionsKey())
		}
		before := map[string]streams.RunInput{}
		for _, in := range prev.Inputs {
			before[in.Path] = in
		}
		for _, in := range listed {
			if b, ok := before[in.Path]; !ok || b.Size != in.Size || b.Version != in.Version {
				opt.Search.Changed = append(opt.Search.Changed, in.Path)
			}
		}
		opt.Search.Since = opt.Since
	}
	opt.Search.Listing = store.Join(opt.Search.Out, ListingName)
	if !opt.DryRun {
		if err := streams.WriteListing(ctx, opt.Search.Listing, listed); err != nil {
			return opt, err
		}
	}
	return opt, nil
}

// Build returns the pipeline of the search, with the options Prepare
// returned. Its tally (written to CountsPath) reconciles: every row read
// leaves as a reject, under a cut (parallax, missing, outside_patches) or in
// stars_out (a star in at least one patch); it also counts patches, search
// regions and ROIs.
func Build(opt Options) (*beam.Pipeline, error) {
	if len(opt.Inputs) == 0 || opt.Search.Out == "" {
		return nil, errors.New("streams: inputs and an output folder are required")
	}
	if opt.Search.Listing == "" {
		return nil, errors.New("streams: the options were not prepared (Prepare)")
	}
	if err := opt.Search.Validate(); err != nil {
		return nil, err
	}
	rejects := opt.Rejects
	if rejects == "" {
		rejects = store.Join(opt.Search.Out, "rejects.csv")
	}
	p, s := beam.NewPipelineWithRoot()
	blocks, rej, read := stars.Read(s, opt.Inputs, stars.ReadOptions{BlockSize: opt.BlockSize})
	stars.WriteRejects(s, rejects, rej)
	assigned, assignT, touched := streams.Assign(s, opt.Search, blocks)
	affected, touches := streams.Affected(s, opt.Search, touched)
	work, regionT := streams.Regions(s, opt.Search, assigned, affected)
	results, scoreT := streams.Score(s, opt.Search, work)
	if opt.Search.Confirm {
		// The retrainings after the first, where the first found
		// something, once it is done everywhere.
		more, confirmT := streams.Confirm(s, opt.Search, work, results)
		again, againT := streams.Score(s.Scope("confirm"), opt.Search, more)
		results = beam.Flatten(s, results, again)
		scoreT = beam.Flatten(s, scoreT, confirmT, againT)
	}
	streams.Merge(s, opt.Search, results, affected, touches)
	stars.WriteTally(s, opt.CountsPath(), stars.Sum(s, read, assignT, regionT, scoreT))
	return p, nil
}
