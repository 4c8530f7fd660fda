package streams

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Counter names of Regions: patches built, patch assignments dropped by
// anode's cuts (their stars are counted once, in stars_out, by Assign),
// search regions by verdict (SRPrefix + anode.Veto.String()).
const (
	Patches         = "patches"
	PatchStars      = "patch.stars"
	PatchDropPrefix = "patch.dropped."
	SRPrefix        = "sr."
)

// Regions groups the patch assignments of Assign (PCollection<KV<int64,
// star.Block>>) by patch, builds each patch in its frame with opt.Cuts,
// lays its search regions (anode.Regions with opt.Regions) and returns one
// Work per region that is trained on (PCollection<Work>), reshuffled so that
// the training spreads over workers.
func Regions(s beam.Scope, opt Options, assigned beam.PCollection) beam.PCollection {
	s = s.Scope("streams.Regions")
	grouped := beam.GroupByKey(s, assigned)
	work := beam.ParDo(s, &regionsFn{Options: opt.encode()}, grouped)
	return beam.Reshuffle(s, work)
}

type regionsFn struct {
	Options string

	opt     Options
	centres map[int64]sky.Patch

	patches, stars                 beam.Counter
	dropPlx, dropOutside, dropMiss beam.Counter
	vetoes                         map[anode.Veto]beam.Counter
	outOfRange                     beam.Counter
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
	fn.patches = beam.NewCounter(stars.Namespace, Patches)
	fn.stars = beam.NewCounter(stars.Namespace, PatchStars)
	fn.dropPlx = beam.NewCounter(stars.Namespace, PatchDropPrefix+"parallax")
	fn.dropOutside = beam.NewCounter(stars.Namespace, PatchDropPrefix+"outside")
	fn.dropMiss = beam.NewCounter(stars.Namespace, PatchDropPrefix+"missing")
	fn.outOfRange = beam.NewCounter(stars.Namespace, SRPrefix+"out_of_range")
	fn.vetoes = map[anode.Veto]beam.Counter{}
	for _, v := range []anode.Veto{anode.Kept, anode.TooFew, anode.TooMany, anode.GlobularCluster} {
		fn.vetoes[v] = beam.NewCounter(stars.Namespace, SRPrefix+v.String())
	}
	return nil
}

func (fn *regionsFn) ProcessElement(ctx context.Context, pixel int64, blocks func(*star.Block) bool, emit func(Work)) error {
	pc, ok := fn.centres[pixel]
	if !ok {
		return fmt.Errorf("streams: patch %d is not in the grid", pixel)
	}
	frame := pc.Frame()
	p := anode.Patch{ID: pixel}
	var n anode.Counts
	var b star.Block
	for blocks(&b) {
		n.Add(p.Add(frame, &b, fn.opt.Cuts))
	}
	fn.patches.Inc(ctx, 1)
	fn.stars.Inc(ctx, int64(n.Kept))
	fn.dropPlx.Inc(ctx, int64(n.Parallax))
	fn.dropOutside.Inc(ctx, int64(n.Outside))
	fn.dropMiss.Inc(ctx, int64(n.Missing))
	ro := fn.opt.Regions
	stride, origin := ro.Stride, ro.Origin
	if stride == 0 {
		stride = 1
	}
	for _, r := range anode.Regions(&p, ro) {
		if rg := fn.opt.SRRange; rg != nil && !(r.Lo >= rg.Lo && r.Hi <= rg.Hi) {
			fn.outOfRange.Inc(ctx, 1)
			continue
		}
		fn.vetoes[r.Veto].Inc(ctx, 1)
		if r.Veto != anode.Kept {
			continue
		}
		emit(Work{Pixel: pixel, RA0: pc.RA, Dec0: pc.Dec, SR: int(math.Round((r.Lo - origin) / stride)), Region: r, Patch: p})
	}
	return nil
}

func init() {
	register.DoFn4x1[context.Context, int64, func(*star.Block) bool, func(Work), error](&regionsFn{})
	register.Iter1[star.Block]()
	register.Emitter1[Work]()
}
