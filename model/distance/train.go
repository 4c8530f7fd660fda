package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// TrainSet holds training points (paper 000 §3.2, ARCHITECTURE.md, distances pipeline, step 4) as
// columns, one entry per star: the dereddened colour-magnitude point the
// flow is trained on, its uncertainties, and its loss weight.
type TrainSet struct {
	SourceID []int64

	// G, BPRP, BPG are g_best (the mean absolute magnitude over the raw
	// parallax samples), (bp-rp)_best and (bp-g)_best, dereddened with
	// the map's median E at the final d_best, mag.
	G, BPRP, BPG []float64

	// SigmaG² = Var(g_i) + (A_G sigma_E)², SigmaBPRP = E(BP-RP)/E × sigma_E,
	// SigmaBPG = E(BP-G)/E × sigma_E, mag; sigma_E is the map's spread.
	SigmaG, SigmaBPRP, SigmaBPG []float64

	// Weight is the loss weight 1/(sigma_P² + SigmaCMD²), sigma_P² =
	// SigmaG² + SigmaBPRP² + SigmaBPG² (paper 000 §3) floored at
	// Config.MinSigmaP², SigmaCMD the intrinsic width of Config.SigmaCMD
	// (the paper's weight is 1/sigma_P²: Config.SigmaCMD < 0).
	Weight []float64

	// GDraw is g_i of one parallax sample drawn with the star's posterior
	// weights of the last iteration (prior × density), dereddened like G:
	// a draw of the star's absolute magnitude given its data and the
	// current CMD. Round keys the draw (with the estimator's seed and the
	// star's source_id), so successive rounds draw afresh; Reset keeps it.
	GDraw []float64
	// BPRPDraw and BPGDraw are the colours of the same sample: the
	// observed ones dereddened like BPRP and BPG, plus the sample's
	// colour-noise draw (Prepared.DBPRP, DBPG).
	BPRPDraw, BPGDraw []float64
	// DistDraw is the same sample's distance, pc, and SampleDist every
	// sample's (K per star): the condition of a CMD flow conditioned on
	// the distance (CMDFit.DistanceContext).
	DistDraw, SampleDist []float64
	Round                uint64

	// K is the number of samples per star; SampleG, SampleBPRP, SampleBPG
	// and SampleW (K per star, star-major) are every sample's point,
	// dereddened like GDraw, and its normalised posterior weight: what
	// Redraw draws from.
	K                                       int
	SampleG, SampleBPRP, SampleBPG, SampleW []float64
	seed                                    uint64

	// ColourVar is the variance of the star's photometric colour noise,
	// Var(bp-rp) + Var(bp-g) from its G, BP and RP errors (BP's error is
	// in both), mag²: the spread of its colour-noise draws (zero where
	// the flux_over_error columns are missing).
	ColourVar []float64

	Dist      []float64 // the final d_best, pc
	E, SigmaE []float64 // the map's median and spread at (l, b, d_best)
	Flags     []Flag
}

// Len returns the number of points of t.
func (t *TrainSet) Len() int { return len(t.SourceID) }

// Reset empties t, keeping its storage.
func (t *TrainSet) Reset() {
	t.SourceID = t.SourceID[:0]
	for _, c := range []*[]float64{&t.G, &t.BPRP, &t.BPG, &t.SigmaG, &t.SigmaBPRP, &t.SigmaBPG,
		&t.Weight, &t.ColourVar, &t.GDraw, &t.BPRPDraw, &t.BPGDraw, &t.Dist, &t.E, &t.SigmaE,
		&t.SampleG, &t.SampleBPRP, &t.SampleBPG, &t.SampleW, &t.DistDraw, &t.SampleDist} {
		*c = (*c)[:0]
	}
	t.Flags = t.Flags[:0]
}

// Points writes the points as a row-major Len×3 matrix of (g, bp-rp, bp-g)
// into dst (grown if too short; allocated if nil) and returns it, ready for
// mat.NewDense(t.Len(), 3, ...).
func (t *TrainSet) Points(dst []float64) []float64 {
	dst = grow(dst, 3*t.Len())
	for i := range t.SourceID {
		dst[3*i], dst[3*i+1], dst[3*i+2] = t.G[i], t.BPRP[i], t.BPG[i]
	}
	return dst
}

// Train runs the iteration on the prepared stars p with the current density
// and writes their training points into dst (reset first, its storage
// reused; allocated if nil). After the T iterations it asks the dust map
// once more at the final d_best (median and spread), dereddens G, BP-RP and
// BP-G with the median, and forms g_i = G_0 + 5 log10(parallax_i) - 10 from
// the raw parallax samples: g_best is their plain mean, not g at d_best
// (paper 000 §3.2: using d_best feeds the density back into itself), and
// Var(g_i) is their sample variance with K - 1 in the denominator.
//
// In Catalog mode the iteration uses the dust samples as Catalog does; the
// paper trains in Training mode (the map's median). It panics if p was
// prepared by an Estimator of another K or Mode.
func (e *Estimator) Train(dst *TrainSet, p *Prepared) *TrainSet {
	if dst == nil {
		dst = &TrainSet{}
	}
	dst.Reset()
	dst.K, dst.seed = e.cfg.K, e.cfg.Seed
	for lo := 0; lo < p.Len(); lo += e.cfg.Chunk {
		chunk := p.Slice(lo, min(lo+e.cfg.Chunk, p.Len()))
		e.iterate(&chunk)
		for s := 0; s < chunk.Len(); s++ {
			e.trainPoint(dst, &chunk, s)
		}
	}
	return dst
}

func (e *Estimator) trainPoint(dst *TrainSet, p *Prepared, s int) {
	k := e.cfg.K
	ext := &e.cfg.Extinction
	flags := e.flags[s]
	db := e.dbest[s]
	med, sig, covered, reliable := e.dust.Query(p.L[s], p.B[s], db)
	if !covered || !star.Finite(med) {
		med, sig = 0, 0
		flags |= FlagDustUnreliable
	} else if !reliable {
		flags |= FlagDustUnreliable
	}
	if !star.Finite(sig) || sig < 0 {
		sig = 0
	}
	mod := p.Mod[s*k : (s+1)*k]
	var mean float64
	for _, m := range mod {
		mean += m
	}
	mean /= float64(k)
	var v float64
	for _, m := range mod {
		v += (m - mean) * (m - mean)
	}
	v /= float64(k - 1)
	sg2 := v + (ext.AG*sig)*(ext.AG*sig)
	sbr, sbg := math.Abs(ext.BPRP)*sig, math.Abs(ext.BPG)*sig
	w := pointWeight(sg2+sbr*sbr+sbg*sbg, e.cfg.MinSigmaP*e.cfg.MinSigmaP, e.sigmaCMD2())
	dst.SourceID = append(dst.SourceID, p.SourceID[s])
	dst.G = append(dst.G, p.G[s]-ext.AG*med+mean)
	dst.BPRP = append(dst.BPRP, p.BPRP[s]-ext.BPRP*med)
	dst.BPG = append(dst.BPG, p.BPG[s]-ext.BPG*med)
	dst.SigmaG = append(dst.SigmaG, math.Sqrt(sg2))
	dst.SigmaBPRP = append(dst.SigmaBPRP, sbr)
	dst.SigmaBPG = append(dst.SigmaBPG, sbg)
	dst.Weight = append(dst.Weight, w)
	g0, c1, c2 := p.G[s]-ext.AG*med, p.BPRP[s]-ext.BPRP*med, p.BPG[s]-ext.BPG*med
	for j, m := range mod {
		dst.SampleG = append(dst.SampleG, g0+m)
		dst.SampleBPRP = append(dst.SampleBPRP, c1+p.DBPRP[s*k+j])
		dst.SampleBPG = append(dst.SampleBPG, c2+p.DBPG[s*k+j])
	}
	dst.SampleW = append(dst.SampleW, e.w[s*k:(s+1)*k]...)
	dst.SampleDist = append(dst.SampleDist, p.Dist[s*k:(s+1)*k]...)
	i := dst.Len() - 1
	j := dst.drawIndex(i, dst.Round)
	dst.GDraw = append(dst.GDraw, dst.SampleG[i*k+j])
	dst.BPRPDraw = append(dst.BPRPDraw, dst.SampleBPRP[i*k+j])
	dst.BPGDraw = append(dst.BPGDraw, dst.SampleBPG[i*k+j])
	dst.DistDraw = append(dst.DistDraw, dst.SampleDist[i*k+j])
	c11, _, c22, _ := colourCov(p.SigmaG[s], p.SigmaBP[s], p.SigmaRP[s])
	dst.ColourVar = append(dst.ColourVar, c11+c22)
	dst.Dist = append(dst.Dist, db)
	dst.E = append(dst.E, med)
	dst.SigmaE = append(dst.SigmaE, sig)
	dst.Flags = append(dst.Flags, flags)
}

// drawIndex returns the index of one of point i's K samples, drawn with
// their posterior weights by a uniform keyed by the estimator's seed, the
// star's source_id and round.
func (t *TrainSet) drawIndex(i int, round uint64) int {
	var st stream
	st.reset(t.seed^keyrand.Mix(round), t.SourceID[i], purposeTrainDraw)
	u := st.open()
	w := t.SampleW[i*t.K : (i+1)*t.K]
	for j, v := range w {
		if u -= v; u <= 0 {
			return j
		}
	}
	return t.K - 1
}

// Redraw draws every point's GDraw, BPRPDraw and BPGDraw afresh from its
// samples, keyed by round (which it sets): another draw from the same
// posteriors without iterating again.
func (t *TrainSet) Redraw(round uint64) {
	t.Round = round
	k := t.K
	for i := range t.SourceID {
		j := t.drawIndex(i, round)
		t.GDraw[i], t.BPRPDraw[i], t.BPGDraw[i] = t.SampleG[i*k+j], t.SampleBPRP[i*k+j], t.SampleBPG[i*k+j]
		t.DistDraw[i] = t.SampleDist[i*k+j]
	}
}

// pointWeight is a training point's loss weight 1/(max(sigmaP2, floor2) +
// sigmaCMD2): paper 000's 1/sigma_P², sigma_P² floored at Config.MinSigmaP²,
// with the CMD's intrinsic width in quadrature.
func pointWeight(sigmaP2, floor2, sigmaCMD2 float64) float64 {
	return 1 / (max(sigmaP2, floor2) + sigmaCMD2)
}

// sigmaCMD2 is the square of the intrinsic width added to sigma_P in the
// weight (none if Config.SigmaCMD is negative).
func (e *Estimator) sigmaCMD2() float64 {
	return max(e.cfg.SigmaCMD, 0) * max(e.cfg.SigmaCMD, 0)
}
