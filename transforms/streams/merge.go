package streams

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
)

// Merge gathers every SRResult (PCollection<KV<int, SRResult>> from Score)
// on one worker, merges the ROIs into seeds, proto-clusters and stream
// candidates (opt.Search.Merge) and writes the outputs to opt.Out:
// candidates.json, candidates.csv, members.csv, rois.csv, summary.json and,
// with opt.Plots, the figures.
//
// It also writes run.json and sr_results.gob, on which a later search
// builds (Options.Since): affected (singleton PCollection<Searched>) says
// which patches were searched, touches (singleton PCollection<Touches>)
// which patches each input's stars fell in, and with Since the results of
// the patches not searched again are taken from that search.
func Merge(s beam.Scope, opt Options, results, affected, touches beam.PCollection) {
	s = s.Scope("streams.Merge")
	if opt.Out == "" {
		panic("streams: Merge needs an output folder")
	}
	// One element that always exists, with every region's result as a side
	// input: the outputs are written also when no region was searched.
	beam.ParDo0(s, &mergeFn{Options: opt.encode()}, beam.Impulse(s), beam.SideInput{Input: beam.DropKey(s, results)},
		beam.SideInput{Input: affected}, beam.SideInput{Input: touches})
}

type mergeFn struct{ Options string }

func (fn *mergeFn) ProcessElement(ctx context.Context, _ []byte, iter func(*search.SRResult) bool, affected Searched, t Touches) error {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return err
	}
	all := collect(iter)
	run := Run{OptionsKey: o.OptionsKey()}
	if o.Since != "" {
		_, old, err := ReadRun(ctx, o.Since)
		if err != nil {
			return fmt.Errorf("streams: the search to build on: %w", err)
		}
		for _, r := range old {
			if !affected.Has(r.Pixel) {
				all = append(all, r)
				if !slices.Contains(run.Reused, r.Pixel) {
					run.Reused = append(run.Reused, r.Pixel)
				}
			}
		}
	}
	run.Searched = affected.Patches
	m := search.MergeResults(all, o.Search.Merge)
	m.ROI = stream.NewSelector(o.Search.ROI).Config()
	m.Confirmed = o.Confirm
	if err := streamio.WriteResults(ctx, o.Out, m); err != nil {
		return err
	}
	listed, err := ReadListing(ctx, o.Listing)
	if err != nil {
		return err
	}
	for i := range listed {
		listed[i].Patches = t[listed[i].Path]
	}
	run.Inputs = listed
	slices.Sort(run.Reused)
	if err := writeRun(ctx, o.Out, &run, m.Results); err != nil {
		return err
	}
	// Every region is scored: the staged patches have served.
	if err := store.RemoveAll(ctx, o.stage()); err != nil {
		return err
	}
	if o.Plots {
		return plot.StreamFigures(ctx, o.Out, m, o.Search)
	}
	return nil
}

// collect reads every result of a side input.
func collect(iter func(*search.SRResult) bool) []search.SRResult {
	var all []search.SRResult
	var r search.SRResult
	for iter(&r) {
		all = append(all, r)
		r = search.SRResult{} // its slices belong to the element read
	}
	return all
}

func init() {
	register.DoFn5x1[context.Context, []byte, func(*search.SRResult) bool, Searched, Touches, error](&mergeFn{})
	register.Iter1[search.SRResult]()
}
