package streams

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Counter names of Regions: patches built, patch assignments dropped by
// anode's cuts (their stars are counted once, in stars_out, by Assign),
// search regions by verdict (SRPrefix + anode.Veto.String()).
const (
	Patches         = "patches"
	PatchesReused   = "patches.reused"     // not searched again: results from the search built on (Options.Since)
	StagedBytes     = "patch.staged_bytes" // the staged patch files, written once per patch
	WorkBytes       = "sr.work_bytes"      // the encoded search regions that go through the shuffle
	PatchStars      = "patch.stars"
	PatchDropPrefix = "patch.dropped."
	SRPrefix        = "sr."
)

// Regions groups the patch assignments of Assign (PCollection<KV<int64,
// star.Block>>) by patch, builds each patch in its frame with opt.Cuts,
// lays its search regions (anode.Regions with opt.Regions) and returns one
// Work per region that is trained on, or per run of up to opt.ShareCR
// consecutive ones that share a CR flow (PCollection<Work>), reshuffled so that
// the training spreads over workers, and per patch its tally
// (PCollection<star.Tally>: patches, patch.stars, patch.dropped.*, sr.*).
//
// affected (singleton PCollection<Searched>) says which patches are
// searched; the others are only counted (patches.reused).
func Regions(s beam.Scope, opt Options, assigned, affected beam.PCollection) (work, tallies beam.PCollection) {
	s = s.Scope("streams.Regions")
	grouped := beam.GroupByKey(s, assigned)
	work, tallies = beam.ParDo2(s, &regionsFn{Options: opt.encode()}, grouped, beam.SideInput{Input: affected})
	return beam.Reshuffle(s, work), tallies
}

type regionsFn struct {
	Options string

	opt     Options
	centres map[int64]sky.Patch
}

func (fn *regionsFn) Setup() error {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return err
	}
	fn.opt = o
	g := sky.NewGrid(o.Grid)
	fn.centres = map[int64]sky.Patch{}
	for _, p := range g.Patches {
		fn.centres[p.Pixel] = p
	}
	return nil
}

func (fn *regionsFn) ProcessElement(ctx context.Context, pixel int64, blocks func(*star.Block) bool, affected Searched, emit func(Work), tally func(star.Tally)) error {
	pc, ok := fn.centres[pixel]
	if !ok {
		return fmt.Errorf("streams: patch %d is not in the grid", pixel)
	}
	if !affected.Has(pixel) {
		t := star.Tally{PatchesReused: 1}
		stars.Monitor(ctx, t)
		tally(t)
		return nil
	}
	frame := pc.Frame()
	p := anode.Patch{ID: pixel}
	var n anode.Counts
	var b star.Block
	for blocks(&b) {
		n.Add(p.Add(frame, &b, fn.opt.Cuts))
	}
	// The blocks come in the runner's order; the flows must not.
	p.Sort()
	t := star.Tally{Patches: 1, PatchStars: int64(n.Kept),
		PatchDropPrefix + "parallax": int64(n.Parallax), PatchDropPrefix + "outside": int64(n.Outside), PatchDropPrefix + "missing": int64(n.Missing)}
	defer func() {
		stars.Monitor(ctx, t)
		tally(t)
	}()
	staged := ""
	stage := func() (string, error) { // once, and only for a patch with a region to train
		if staged != "" {
			return staged, nil
		}
		staged = store.Join(fn.opt.stage(), fmt.Sprintf("patch%d.parquet", pixel))
		w, err := store.Create(ctx, staged)
		if err != nil {
			return "", err
		}
		if err := streamio.WritePatch(w, &p); err != nil {
			w.Abort()
			return "", fmt.Errorf("streams: stage patch %d: %w", pixel, err)
		}
		if err := w.Close(); err != nil {
			return "", err
		}
		if fi, err := store.Stat(ctx, staged); err == nil {
			t.Add(StagedBytes, fi.Size)
		}
		return staged, nil
	}
	ro := fn.opt.Regions
	stride, origin := ro.Stride, ro.Origin
	if stride == 0 {
		stride = 1
	}
	for _, scan := range fn.opt.Scans { // the options travel normalized (encode)
		q := search.ScanView(&p, scan)
		// Kept regions with consecutive numbers, up to ShareCR of them,
		// are one Work: they share a CR flow.
		var group []anode.Region
		first := 0
		flush := func() error {
			if len(group) == 0 {
				return nil
			}
			file, err := stage()
			if err != nil {
				return err
			}
			var more []anode.Region
			if len(group) > 1 {
				more = slices.Clone(group[1:])
			}
			for k := range fn.opt.firstTrainings() {
				w := Work{Pixel: pixel, RA0: pc.RA, Dec0: pc.Dec, Scan: scan, Retraining: k, SR: first, Region: group[0], More: more, PatchFile: file, PatchStars: p.Len()}
				if enc, err := encodeWork(w); err == nil {
					t.Add(WorkBytes, int64(len(enc)))
				}
				stars.ProgressTotal("search regions scored", int64(len(group)))
				emit(w)
			}
			group = group[:0]
			return nil
		}
		for _, r := range anode.Regions(&q, ro) {
			if rg := fn.opt.SRRange; rg != nil && !(r.Lo >= rg.Lo && r.Hi <= rg.Hi) {
				t.Add(SRPrefix+"out_of_range", 1)
				continue
			}
			t.Add(SRPrefix+r.Veto.String(), 1)
			sr := int(math.Round((r.Lo - origin) / stride))
			if r.Veto != anode.Kept || len(group) > 0 && (sr != first+len(group) || len(group) == fn.opt.ShareCR) {
				if err := flush(); err != nil {
					return err
				}
			}
			if r.Veto != anode.Kept {
				continue
			}
			if len(group) == 0 {
				first = sr
			}
			group = append(group, r)
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	register.DoFn6x1[context.Context, int64, func(*star.Block) bool, Searched, func(Work), func(star.Tally), error](&regionsFn{})
	register.Iter1[star.Block]()
	register.Emitter1[Work]()
}
