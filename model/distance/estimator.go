package distance

import (
	"errors"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// Estimator runs the per-star science of paper 000 over blocks of stars:
// cuts and parallax samples (Prepare), the iteration of eq. 2, and either
// catalog rows (Catalog) or training points (Train). It keeps its scratch
// space between calls, so that a block costs no allocation once the scratch
// has grown to the block's size: use one Estimator per goroutine (the
// Density and Dust may be shared if they are safe for concurrent use).
type Estimator struct {
	cfg   Config
	dens  Density
	gdens GDensity // dens's marginal in g, for stars without BP/RP; nil if it has none
	dust  Dust
	rng   stream

	prep Prepared // CatalogBlock's

	fine     *Estimator // refines collapsed posteriors (see refine.go); nil until needed
	finePrep Prepared   // the stars of one chunk it refines
	fineRows Rows       // their rows
	refine   []int32    // their indices in the chunk
	spans    []span     // one star's refinement intervals

	// Scratch of one chunk of stars.
	x       []float64 // 3 per row: (g, bp-rp, bp-g)
	lp      []float64 // 1 per row: log density
	rowDist []float64 // 1 per row: the distance, for a DistanceDensity
	w       []float64 // K per star: log weight, then weight
	dbest   []float64 // per star
	change  []float64 // per star: relative change of d_best in its last iteration
	iters   []int32   // per star
	flags   []Flag    // per star
	zero    []bool    // per star: the last iteration had zero weights
	active  []int32   // stars still iterating
	es      []float64 // dust-map samples of one star
	edraw   []float64 // K: a star's per-sample draws of E
	lines   []mapLine // per star: its sight line through the dust map (a lineDust's)
	gx      []float64 // g of a colourless star's samples
	order   []pair    // K: a star's samples sorted by distance
	levels  []float64 // quantile levels of Config.Quantiles
	qbuf    []float64 // their values for one star
}

// New returns an Estimator for cfg (its zero fields taken as their
// defaults), the CMD density dens and the dust map dust. It returns an
// error if cfg is invalid or dens or dust is nil.
func New(cfg Config, dens Density, dust Dust) (*Estimator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if dens == nil || dust == nil {
		return nil, errors.New("distance: New needs a density and a dust map")
	}
	e := &Estimator{cfg: cfg.withDefaults(), dens: dens, gdens: gDensityOf(dens), dust: dust}
	if q := e.cfg.Quantiles; q > 0 {
		e.levels = make([]float64, q)
		for j := range e.levels {
			e.levels[j] = (float64(j) + 0.5) / float64(q)
		}
		e.qbuf = make([]float64, q)
	}
	return e, nil
}

// Config returns the configuration e uses, defaults filled in.
func (e *Estimator) Config() Config { return e.cfg }

// SetDensity replaces the CMD density, for a trainer whose model changes
// between mini-batches. It panics if d is nil.
func (e *Estimator) SetDensity(d Density) {
	if d == nil {
		panic("distance: SetDensity(nil)")
	}
	e.dens, e.gdens = d, gDensityOf(d)
}

// CatalogBlock runs Prepare and Catalog on b: dst (reset first) receives a
// row for every star that passes the cuts, c (if not nil) the counts.
func (e *Estimator) CatalogBlock(dst *Rows, b *star.Block, c *Counts) *Rows {
	e.Prepare(&e.prep, b, c)
	return e.Catalog(dst, &e.prep)
}

// AppendCatalog runs Prepare and Catalog on b and appends the rows to dst:
// CatalogBlock for rows gathered over many blocks (a partition's), without
// a copy of each block's rows. dst must hold rows of e's NQuantiles, or
// none.
func (e *Estimator) AppendCatalog(dst *Rows, b *star.Block, c *Counts) {
	if dst.Len() > 0 && dst.NQuantiles != e.cfg.Quantiles {
		panic("distance: AppendCatalog to rows of another number of quantiles")
	}
	dst.NQuantiles = e.cfg.Quantiles
	e.Prepare(&e.prep, b, c)
	e.appendCatalog(dst, &e.prep)
}

// grow returns s with length n, reusing its storage when it can.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// chunkScratch sizes the scratch for n stars.
func (e *Estimator) chunkScratch(n int) {
	k := e.cfg.K
	e.x = grow(e.x, 3*n*k)
	e.lp = grow(e.lp, n*k)
	e.w = grow(e.w, n*k)
	e.dbest = grow(e.dbest, n)
	e.change = grow(e.change, n)
	e.iters = grow(e.iters, n)
	e.flags = grow(e.flags, n)
	e.zero = grow(e.zero, n)
	e.active = grow(e.active, n)
	e.order = grow(e.order, k)
	e.edraw = grow(e.edraw, k)
}
