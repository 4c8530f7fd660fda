package streams

import (
	"context"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Counter names of Assign. A star leaves once: under a cut or in
// stars_out; PatchMembers counts (star, patch) pairs.
const (
	CutParallax  = "parallax"        // parallax >= Cuts.MaxParallax, or none
	CutDistance  = "distance"        // with Options.Distances: dist_q50 <= MinDistance
	CutMissing   = "missing"         // a needed position, proper motion or (Full) photometric value is missing
	CutNoPatch   = "outside_patches" // in no searched patch
	PatchMembers = "patch.members"
)

// Assign sends the stars of blocks (PCollection<star.Block>) to the patches
// of the search that hold them and returns PCollection<KV<int64,
// star.Block>>: per block and patch, the block's stars in that patch, keyed
// by the patch's RING pixel; per block its tally (PCollection<star.Tally>:
// the cuts, stars_out, patch.members); and per block and patch a Touch
// (PCollection<Touch>: which input partitions a patch's stars came from).
// It panics if opt names a pixel outside the grid.
func Assign(s beam.Scope, opt Options, blocks beam.PCollection) (assigned, tallies, touched beam.PCollection) {
	s = s.Scope("streams.Assign")
	if _, err := opt.selected(sky.NewGrid(opt.Grid)); err != nil {
		panic(err.Error())
	}
	return beam.ParDo3(s, &assignFn{Options: opt.encode()}, blocks)
}

type assignFn struct {
	Options string // Options as JSON

	opt     Options
	grid    *sky.Grid
	sel     []bool
	in      []int
	keep    [][]bool // per patch index, lazily
	counted []int
	shards  map[string]release.Input // Options.Distances' shards by input file name, once read
}

func (fn *assignFn) Setup() error {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return err
	}
	fn.opt = o
	fn.grid = sky.NewGrid(o.Grid)
	if fn.sel, err = o.selected(fn.grid); err != nil {
		return err
	}
	fn.keep = make([][]bool, len(fn.grid.Patches))
	return nil
}

func (fn *assignFn) ProcessElement(ctx context.Context, b star.Block, emit func(int64, star.Block), tally func(star.Tally), touch func(Touch)) error {
	maxPlx := fn.opt.Cuts.MaxParallax
	if maxPlx == 0 {
		maxPlx = 1
	}
	var dist map[int64]float64
	if fn.opt.Distances != "" {
		var err error
		if dist, err = fn.distances(ctx, b.File); err != nil {
			return err
		}
	}
	needPhot := fn.opt.Cuts.Features == anode.Full
	fn.counted = fn.counted[:0]
	var nPlx, nDist, nMiss, nNone, nOut, nMem int64
	for i := range b.Len() {
		if d, ok := dist[b.SourceID[i]]; ok && !math.IsNaN(d) {
			if !(d > fn.opt.MinDistance) {
				nDist++
				continue
			}
		} else if !(b.Parallax[i] < maxPlx) {
			nPlx++
			continue
		}
		bprp := b.BPRP[i]
		if math.IsNaN(bprp) {
			bprp = b.BP[i] - b.RP[i]
		}
		if math.IsNaN(b.RA[i]+b.Dec[i]+b.PMRA[i]+b.PMDec[i]) || needPhot && math.IsNaN(bprp+b.G[i]) {
			nMiss++
			continue
		}
		fn.in = fn.grid.Containing(fn.in, b.RA[i], b.Dec[i])
		n := 0
		for _, p := range fn.in {
			if !fn.sel[p] {
				continue
			}
			if fn.keep[p] == nil || len(fn.keep[p]) != b.Len() {
				fn.keep[p] = make([]bool, b.Len())
			}
			if !fn.used(p) {
				clear(fn.keep[p])
				fn.counted = append(fn.counted, p)
			}
			fn.keep[p][i] = true
			n++
		}
		if n == 0 {
			nNone++
			continue
		}
		nOut++
		nMem += int64(n)
	}
	for _, p := range fn.counted {
		emit(fn.grid.Patches[p].Pixel, b.Select(fn.keep[p]))
		touch(Touch{File: b.File, Patch: fn.grid.Patches[p].Pixel})
	}
	t := star.Tally{star.StarsOut: nOut, PatchMembers: nMem}
	t.Cut(CutParallax, nPlx)
	if fn.opt.Distances != "" {
		t.Cut(CutDistance, nDist)
	}
	t.Cut(CutMissing, nMiss)
	t.Cut(CutNoPatch, nNone)
	stars.Monitor(ctx, t)
	tally(t)
	stars.Progress("stars assigned to patches", int64(b.Len()))
	return nil
}

// used reports whether patch p already has stars from the current block.
func (fn *assignFn) used(p int) bool {
	for _, q := range fn.counted {
		if q == p {
			return true
		}
	}
	return false
}

func init() {
	register.DoFn5x1[context.Context, star.Block, func(int64, star.Block), func(star.Tally), func(Touch), error](&assignFn{})
	register.Emitter2[int64, star.Block]()
}
