package streams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Counter names of Score.
const (
	SRFailed  = "sr.failed"   // ANODE failed on the region (too few stars, a constant feature): logged, skipped
	SRScored  = "sr.scored"   // regions scored
	SRTrainMS = "sr.train_ms" // milliseconds of ANODE (wall time), summed over regions
	// SRTrainCPUMS is the CPU time of ANODE's own thread, summed over
	// regions: with one ANODE worker (the default) all of the training's
	// CPU; wall times overlap when regions train side by side, CPU times do
	// not.
	SRTrainCPUMS = "sr.train_cpu_ms"
	CRFlows      = "sr.cr_flows" // control-region flows trained: one per region, or per ShareCR regions
	ROIs         = "roi.count"   // regions of interest
	ROIVetoed    = "roi.vetoed"  // ... removed by the disk-edge veto
)

// Score runs ANODE on every search region of work (PCollection<Work>) and
// then the stream search of its ROIs, and returns PCollection<KV<int,
// SRResult>> under the single key 0, ready for Merge, and per region its
// tally (PCollection<star.Tally>: sr.scored or sr.failed, sr.train_ms,
// sr.train_cpu_ms, sr.cr_flows, roi.count, roi.vetoed; the regions of a
// shared CR flow split its times). With opt.WriteR the R of every search-region star
// goes to Out/r/patch<pixel>_sr<SR>.csv.gz.
func Score(s beam.Scope, opt Options, work beam.PCollection) (results, tallies beam.PCollection) {
	s = s.Scope("streams.Score")
	if opt.WriteR && opt.Out == "" {
		panic("streams: Score: WriteR needs Out")
	}
	return beam.ParDo2(s, &scoreFn{Options: opt.encode()}, work)
}

type scoreFn struct {
	Options string

	opt      Options
	searcher *stream.Searcher
	sel      *stream.Selector
}

func (fn *scoreFn) Setup() error {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return err
	}
	fn.opt = o
	fn.searcher = stream.NewSearcher(o.Search)
	fn.sel = stream.NewSelector(o.Search.ROI)
	return nil
}

func (fn *scoreFn) ProcessElement(ctx context.Context, w Work, emit func(int, search.SRResult), tally func(star.Tally)) error {
	p, err := stagedPatch(ctx, w.PatchFile)
	if err != nil {
		return err
	}
	if p.ID != w.Pixel || p.Len() != w.PatchStars {
		return fmt.Errorf("streams: staged patch %s holds patch %d with %d stars, the region wants patch %d with %d", w.PatchFile, p.ID, p.Len(), w.Pixel, w.PatchStars)
	}
	w.Patch = search.ScanView(p, w.Scan)
	t0 := time.Now()
	var res []*anode.Result
	so := fn.opt.Score
	so.Seed = anode.VariantSeed(so.Seed, uint64(w.Scan)|uint64(w.Retraining)<<8)
	// Counted epoch by epoch: at a real patch's density one work item
	// trains for a quarter of an hour or more.
	so.Progress = func(rows int) { stars.Progress(starEpochs, int64(rows)) }
	srs, exclude := w.windows()
	// One region, its own window excluded, is anode.Score.
	cpu := threadCPU(func() { res, err = anode.ScoreShared(&w.Patch, exclude, srs, so) })
	el := time.Since(t0)
	if err != nil {
		// A region the flows cannot be trained on (too few stars, a
		// constant feature) is counted and skipped, not fatal to a sky-wide
		// job.
		t := star.Tally{SRFailed: int64(len(srs))}
		stars.Monitor(ctx, t)
		tally(t)
		slog.Warn("streams: search region skipped", "patch", w.Pixel, "scan", w.Scan.String(), "retraining", w.Retraining, "sr", w.SR, "regions", len(srs), "too_few", errors.Is(err, anode.ErrTooFew), "error", err)
		return nil
	}
	// The regions of a shared CR flow split the time evenly.
	n := int64(len(res))
	for k, r := range res {
		stars.Progress("search regions scored", 1)
		t := star.Tally{SRScored: 1, SRTrainMS: shareOf(el.Milliseconds(), n, k), SRTrainCPUMS: shareOf(cpu.Milliseconds(), n, k), ROIs: 0, ROIVetoed: 0}
		if k == 0 { // a shared CR flow counts once
			t.Add(CRFlows, 1)
		}
		key := w.keyOf(k)
		out := search.SearchRegion(fn.searcher, fn.sel, key, &w.Patch, r)
		out.Seconds = el.Seconds() / float64(n)
		t.Add(ROIs, int64(len(out.ROIs)))
		for _, roi := range out.ROIs {
			if roi.Vetoed {
				t.Add(ROIVetoed, 1)
			}
		}
		if fn.opt.WriteR {
			if err := streamio.WriteR(ctx, fn.opt.Out, key, &w.Patch, r); err != nil {
				return err
			}
		}
		stars.Monitor(ctx, t)
		emit(0, out)
		tally(t)
	}
	return nil
}

// starEpochs names the progress line of the flows' and classifiers'
// training: the rows each epoch trained on, summed (anode.Options.Progress).
const starEpochs = "star-epochs trained"

// shareOf is region k's share of a total split over n regions: the first
// takes the remainder, so the shares sum to the total.
func shareOf(total, n int64, k int) int64 {
	if k == 0 {
		return total/n + total%n
	}
	return total / n
}

func init() {
	register.DoFn4x1[context.Context, Work, func(int, search.SRResult), func(star.Tally), error](&scoreFn{})
	register.Emitter2[int, search.SRResult]()
}
