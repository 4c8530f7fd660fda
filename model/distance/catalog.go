package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/star"
)

var nan = math.NaN()

// Rows holds catalog rows (paper 000 §4.2, ARCHITECTURE.md, distances pipeline, step 5) as columns,
// one entry per star. Distances are in parsecs throughout.
type Rows struct {
	SourceID []int64
	RA, Dec  []float64 // degrees, ICRS, as read

	// Parallax and ParallaxError are as published (mas, before the
	// offset): the "Gaia" column of Table 1.
	Parallax, ParallaxError []float64

	// The posterior over distance from the final weighted samples: mean,
	// standard deviation and the 16, 50 and 84 % quantiles (pc).
	DistMean, DistStd         []float64
	DistQ16, DistQ50, DistQ84 []float64
	SNR                       []float64 // DistMean/DistStd, the model SNR of Table 1 (+Inf if DistStd is 0)
	E                         []float64 // the dust map's median E at the final d_best (map units, see Extinction)
	G, BPRP, BPG              []float64 // dereddened with E: absolute g (posterior mean over the samples), bp-rp, bp-g
	ESS                       []float64 // effective number of samples (Σw)²/Σw² of the final weights
	DBest                     []float64 // the final d_best of eq. 2 (pc): DistMean up to the last iteration's change
	Iterations, Samples       []int32   // iterations run, parallax samples K
	Flags                     []Flag    // see Flag
	NQuantiles                int       // Config.Quantiles
	Quantiles                 []float64 // NQuantiles per star (pc), at levels (j + 1/2)/NQuantiles; nil if NQuantiles is 0
}

// Len returns the number of rows of c.
func (c *Rows) Len() int { return len(c.SourceID) }

// Reset empties c, keeping its storage.
func (c *Rows) Reset() {
	c.SourceID = c.SourceID[:0]
	for _, col := range c.floatColumns() {
		*col = (*col)[:0]
	}
	c.Iterations, c.Samples, c.Flags = c.Iterations[:0], c.Samples[:0], c.Flags[:0]
	c.Quantiles = c.Quantiles[:0]
}

func (c *Rows) floatColumns() []*[]float64 {
	return []*[]float64{&c.RA, &c.Dec, &c.Parallax, &c.ParallaxError,
		&c.DistMean, &c.DistStd, &c.DistQ16, &c.DistQ50, &c.DistQ84, &c.SNR,
		&c.E, &c.G, &c.BPRP, &c.BPG, &c.ESS, &c.DBest}
}

// catalogLevels are the levels of DistQ16, DistQ50, DistQ84: the median
// and the normal distribution's ±1 sigma levels, Phi(∓1) = 0.158655 and
// 0.841345, the levels of Bailer-Jones et al. (2021)'s r_lo, r_med and r_hi
// (their 15.87 and 84.13 percentiles), so the catalogs compare column for
// column. (Before rows version 2: 0.16 and 0.84.)
var catalogLevels = []float64{0.15865525393145707, 0.5, 0.8413447460685429}

// RowsVersion numbers what a catalog row means, or how its posterior is
// estimated; a change makes every shard be computed again (it is part of
// the shards' keys). 2: dist_q16 and dist_q84 at Phi(∓1) instead of 0.16
// and 0.84. 3: the colours' noise marginalised. 4: a refined star draws a
// quarter of its colours from the gridded CMD (cmdColours), so that a
// catalog regenerated or followed with the paper's independent samples,
// whose options are otherwise those of before, does not keep rows of the
// former estimate beside new ones. 5: a refined star's colour component
// drawn independently of its parallax component, as its weights assume.
// 6: the CMD prior read from a grid sheared along the colours' line
// (DistilCMD, CMDGridSpec). 7: the grid over the box the CMD's draws fill,
// with a coarser tail beyond it (drawBox, flow.Grid.Tail).
const RowsVersion = 7

// Catalog runs the iteration on the prepared stars p and writes their
// catalog rows into dst (reset first, its storage reused; allocated if nil).
// The posterior over distance is the K samples d_i with the weights of the
// last iteration, w_i ∝ P(g_i, colours_i) × prior(d_i) (see Prior): its
// mean, standard deviation and weighted quantiles (WeightedQuantiles) make
// the row. It panics if p was prepared by an Estimator of another K or Mode.
func (e *Estimator) Catalog(dst *Rows, p *Prepared) *Rows {
	if dst == nil {
		dst = &Rows{}
	}
	dst.Reset()
	dst.NQuantiles = e.cfg.Quantiles
	e.appendCatalog(dst, p)
	return dst
}

// appendCatalog appends the catalog rows of the prepared stars p to dst,
// chunk by chunk.
func (e *Estimator) appendCatalog(dst *Rows, p *Prepared) {
	for lo := 0; lo < p.Len(); lo += e.cfg.Chunk {
		chunk := p.Slice(lo, min(lo+e.cfg.Chunk, p.Len()))
		e.catalogChunk(dst, &chunk, 0)
	}
}

// catalogChunk iterates the stars of the chunk p and appends their rows to
// dst, in order. Stars whose posterior collapsed (needsRefinement) are
// estimated again by e's refiner, which refines its own collapsed ones in
// turn, at most maxRefineDepth times: each round narrows the interval by
// about the spacing of the previous round's samples.
func (e *Estimator) catalogChunk(dst *Rows, p *Prepared, depth int) {
	e.iterate(p)
	e.refine = e.refine[:0]
	if depth < maxRefineDepth {
		for s := 0; s < p.Len(); s++ {
			if e.needsRefinement(s) {
				e.refine = append(e.refine, int32(s))
			}
		}
	}
	if len(e.refine) == 0 {
		for s := 0; s < p.Len(); s++ {
			e.catalogRow(dst, p, s)
		}
		return
	}
	fine := e.refiner()
	e.finePrep.Reset()
	e.finePrep.K = fine.cfg.K
	for _, s := range e.refine {
		e.spans = e.refineSpans(e.spans, p, int(s))
		fine.appendRefined(&e.finePrep, p, int(s), e.spans, e.w[int(s)*e.cfg.K:(int(s)+1)*e.cfg.K])
	}
	e.fineRows.Reset()
	e.fineRows.NQuantiles = e.cfg.Quantiles
	fine.catalogChunk(&e.fineRows, &e.finePrep, depth+1)
	r := 0
	for s := 0; s < p.Len(); s++ {
		if r < len(e.refine) && int(e.refine[r]) == s {
			dst.Append(e.fineRows.Slice(r, r+1))
			r++
			continue
		}
		e.catalogRow(dst, p, s)
	}
}

// catalogRow appends the row of star s of the chunk p just iterated.
func (e *Estimator) catalogRow(dst *Rows, p *Prepared, s int) {
	k := e.cfg.K
	ext := &e.cfg.Extinction
	w := e.w[s*k : (s+1)*k]
	d := p.Dist[s*k : (s+1)*k]
	mod := p.Mod[s*k : (s+1)*k]
	var mean, gm, s2 float64
	for j, v := range w {
		mean += v * d[j]
		gm += v * mod[j]
		s2 += v * v
	}
	var vr float64
	for j, v := range w {
		dd := d[j] - mean
		vr += v * dd * dd
	}
	std := math.Sqrt(vr)
	ps := e.order[:k]
	for j := range ps {
		ps[j] = pair{d[j], w[j]}
	}
	var q [3]float64
	weightedQuantiles(q[:], catalogLevels, ps) // sorts ps
	if nq := e.cfg.Quantiles; nq > 0 {
		weightedQuantiles(e.qbuf, e.levels, ps)
		dst.Quantiles = append(dst.Quantiles, e.qbuf...)
	}
	flags := e.flags[s]
	db := e.dbest[s]
	med, _, covered, reliable := e.dust.Query(p.L[s], p.B[s], db)
	if !covered || !star.Finite(med) {
		med = 0
		flags |= FlagDustUnreliable
	} else if !reliable {
		flags |= FlagDustUnreliable
	}
	dst.SourceID = append(dst.SourceID, p.SourceID[s])
	dst.RA = append(dst.RA, p.RA[s])
	dst.Dec = append(dst.Dec, p.Dec[s])
	dst.Parallax = append(dst.Parallax, p.Parallax[s])
	dst.ParallaxError = append(dst.ParallaxError, p.ParallaxError[s])
	dst.DistMean = append(dst.DistMean, mean)
	dst.DistStd = append(dst.DistStd, std)
	dst.DistQ16 = append(dst.DistQ16, q[0])
	dst.DistQ50 = append(dst.DistQ50, q[1])
	dst.DistQ84 = append(dst.DistQ84, q[2])
	dst.SNR = append(dst.SNR, mean/std)
	dst.E = append(dst.E, med)
	dst.G = append(dst.G, p.G[s]-ext.AG*med+gm)
	dst.BPRP = append(dst.BPRP, p.BPRP[s]-ext.BPRP*med)
	dst.BPG = append(dst.BPG, p.BPG[s]-ext.BPG*med)
	dst.ESS = append(dst.ESS, 1/s2)
	dst.DBest = append(dst.DBest, db)
	dst.Iterations = append(dst.Iterations, e.iters[s])
	dst.Samples = append(dst.Samples, int32(k))
	dst.Flags = append(dst.Flags, flags)
}
