package streams

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/klauspost/compress/gzip"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
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
	ROIs         = "roi.count"  // regions of interest
	ROIVetoed    = "roi.vetoed" // ... removed by the disk-edge veto
)

// Score runs ANODE on every search region of work (PCollection<Work>) and
// then the stream search of its ROIs, and returns PCollection<KV<int,
// SRResult>> under the single key 0, ready for Merge, and per region its
// tally (PCollection<star.Tally>: sr.scored or sr.failed, sr.train_ms,
// roi.count, roi.vetoed). With opt.WriteR the R of every search-region star
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

func (fn *scoreFn) ProcessElement(ctx context.Context, w Work, emit func(int, SRResult), tally func(star.Tally)) error {
	p, err := stagedPatch(ctx, w.PatchFile)
	if err != nil {
		return err
	}
	if p.ID != w.Pixel || p.Len() != w.PatchStars {
		return fmt.Errorf("streams: staged patch %s holds patch %d with %d stars, the region wants patch %d with %d", w.PatchFile, p.ID, p.Len(), w.Pixel, w.PatchStars)
	}
	w.Patch = ScanView(p, w.Scan)
	t0 := time.Now()
	var res *anode.Result
	so := fn.opt.Score
	so.Seed = anode.VariantSeed(so.Seed, uint64(w.Scan)|uint64(w.Retraining)<<8)
	cpu := threadCPU(func() { res, err = anode.Score(&w.Patch, w.Region.Window, so) })
	el := time.Since(t0)
	if err != nil {
		// A region the flows cannot be trained on (too few stars, a
		// constant feature) is counted and skipped, not fatal to a sky-wide
		// job.
		t := star.Tally{SRFailed: 1}
		stars.Monitor(ctx, t)
		tally(t)
		slog.Warn("streams: search region skipped", "patch", w.Pixel, "scan", w.Scan.String(), "retraining", w.Retraining, "sr", w.SR, "too_few", errors.Is(err, anode.ErrTooFew), "error", err)
		return nil
	}
	stars.Progress("search regions scored", 1)
	// Both flows see every patch star each epoch: SR stars in one, CR stars
	// in the other.
	stars.Progress("patch-star-epochs", int64(p.Len())*int64(fn.opt.Score.WithDefaults().Epochs))
	out := SearchRegion(fn.searcher, fn.sel, &w, res)
	out.Seconds = el.Seconds()
	t := star.Tally{SRScored: 1, SRTrainMS: el.Milliseconds(), SRTrainCPUMS: cpu.Milliseconds(), ROIs: int64(len(out.ROIs)), ROIVetoed: 0}
	for _, r := range out.ROIs {
		if r.Vetoed {
			t.Add(ROIVetoed, 1)
		}
	}
	if fn.opt.WriteR {
		if err := writeR(ctx, fn.opt.Out, &w, res); err != nil {
			return err
		}
	}
	stars.Monitor(ctx, t)
	emit(0, out)
	tally(t)
	return nil
}

// SearchRegion runs the ROI search of s on the search region w scored by
// res (sel must have the ROI configuration of s) and returns the region's result: its ROIs, and a compact
// stream.Region holding only the highest-R stars of its ROIs, which the
// ROIs' Members index. It is what Score does after ANODE, exported for
// validation on data that does not go through the pipeline.
func SearchRegion(s *stream.Searcher, sel *stream.Selector, w *Work, res *anode.Result) SRResult {
	p := &w.Patch
	reg := stream.Region{Patch: int(w.Pixel), RA0: w.RA0, Dec0: w.Dec0, Scan: w.Scan, Retraining: w.Retraining, SR: w.SR,
		PMLambdaMin: w.Region.Lo, PMLambdaMax: w.Region.Hi}
	st := &reg.Stars
	for k, i := range res.Members {
		st.Phi = append(st.Phi, p.Phi[i])
		st.Lambda = append(st.Lambda, p.Lambda[i])
		st.PMPhi = append(st.PMPhi, p.PMPhi[i])
		st.PMLambda = append(st.PMLambda, p.PMLambda[i])
		st.G = append(st.G, p.G[i])
		st.BPRP = append(st.BPRP, p.BPRP[i])
		st.R = append(st.R, math.Exp(res.LogR[k]))
		if p.SourceID != nil {
			st.SourceID = append(st.SourceID, p.SourceID[i])
		}
	}
	rois := s.Region(nil, 0, &reg)
	// Keep the stars of the ROIs' top lists only; Members are indices into
	// them. The top lists are not in the ROI, so the line members and the
	// stars a plot needs are the union of the members and of the top stars
	// of each ROI, rebuilt here by the same selection.
	keep := map[int32]int32{}
	var idx []int32
	add := func(i int32) int32 {
		if j, ok := keep[i]; ok {
			return j
		}
		j := int32(len(idx))
		keep[i] = j
		idx = append(idx, i)
		return j
	}
	for _, top := range sel.ROIs(st) {
		for _, i := range top {
			add(i)
		}
	}
	for r := range rois {
		for k, m := range rois[r].Members {
			rois[r].Members[k] = add(m)
		}
	}
	small := reg
	small.Stars = subset(st, idx)
	if w.Scan == stream.ScanPhi {
		// Back to the frame's coordinates for the outputs; the ROIs
		// already are (stream.Searcher.Region).
		small.Stars.PMPhi, small.Stars.PMLambda = small.Stars.PMLambda, small.Stars.PMPhi
	}
	return SRResult{Pixel: w.Pixel, Scan: w.Scan, Retraining: w.Retraining, SR: w.SR, Window: w.Region.Window, Stars: len(res.Members), CRStars: res.CRStars,
		CREpoch: res.CREpoch, Region: small, ROIs: rois, TopCount: len(idx)}
}

// subset returns the stars idx of st.
func subset(st *stream.Stars, idx []int32) stream.Stars {
	var o stream.Stars
	pick := func(src []float64) []float64 {
		if src == nil {
			return nil
		}
		out := make([]float64, len(idx))
		for k, i := range idx {
			out[k] = src[i]
		}
		return out
	}
	o.Phi, o.Lambda, o.PMPhi, o.PMLambda = pick(st.Phi), pick(st.Lambda), pick(st.PMPhi), pick(st.PMLambda)
	o.G, o.BPRP, o.R = pick(st.G), pick(st.BPRP), pick(st.R)
	if st.SourceID != nil {
		o.SourceID = make([]int64, len(idx))
		for k, i := range idx {
			o.SourceID[k] = st.SourceID[i]
		}
	}
	return o
}

// writeR writes source_id, phi, lambda, mu_phi*, mu_lambda and log R of
// the search region's stars.
func writeR(ctx context.Context, out string, w *Work, res *anode.Result) error {
	name := fmt.Sprintf("patch%d_sr%d", w.Pixel, w.SR)
	if w.Scan != stream.ScanLambda {
		name = fmt.Sprintf("patch%d_%s_sr%d", w.Pixel, w.Scan, w.SR)
	}
	if w.Retraining > 0 {
		name += fmt.Sprintf("_r%d", w.Retraining)
	}
	name += ".csv.gz"
	path := store.Join(out, "r", name)
	f, err := store.Create(ctx, path)
	if err != nil {
		return fmt.Errorf("streams: %s: %w", path, err)
	}
	zw := gzip.NewWriter(f)
	bw := bufio.NewWriter(zw)
	bw.WriteString("source_id,phi,lambda,pm_phi,pm_lambda,log_r\n")
	p := &w.Patch
	pmPhi, pmLambda := p.PMPhi, p.PMLambda
	if w.Scan == stream.ScanPhi {
		pmPhi, pmLambda = pmLambda, pmPhi
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for k, i := range res.Members {
		id := int64(-1)
		if p.SourceID != nil {
			id = p.SourceID[i]
		}
		fmt.Fprintf(bw, "%d,%s,%s,%s,%s,%s\n", id, g(p.Phi[i]), g(p.Lambda[i]), g(pmPhi[i]), g(pmLambda[i]), g(res.LogR[k]))
	}
	if err := bw.Flush(); err != nil {
		f.Abort()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Abort()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("streams: %s: %w", path, err)
	}
	return nil
}

func init() {
	register.DoFn4x1[context.Context, Work, func(int, SRResult), func(star.Tally), error](&scoreFn{})
	register.Emitter2[int, SRResult]()
}
