package star

import "math"

// Block holds the stars of one input file (or one part of it) as columns. All
// column slices have the same length, Len. A NaN value means the quantity is
// missing for that star.
type Block struct {
	// File is the partition the stars were read from; it names the source
	// of a problem in errors and in the counts.
	File string

	SourceID []int64

	RA, Dec []float64 // degrees, ICRS, epoch J2015.5 (DR2) or J2016.0 (EDR3/DR3)
	L, B    []float64 // degrees, Galactic

	Parallax, ParallaxError []float64 // mas
	PMRA, PMRAError         []float64 // mas/yr, includes cos(dec)
	PMDec, PMDecError       []float64 // mas/yr

	G, BP, RP []float64 // phot_{g,bp,rp}_mean_mag
	BPRP      []float64 // bp_rp

	GFluxOverError, BPFluxOverError, RPFluxOverError []float64

	Chi2AL     []float64 // astrometric_chi2_al
	NGoodObsAL []float64 // astrometric_n_good_obs_al (a count; float so it can be missing)
	RUWE       []float64 // renormalised unit weight error (DR3); NaN for DR2
}

// Len returns the number of stars in b.
func (b *Block) Len() int { return len(b.SourceID) }

// NaN is the value stored for a missing quantity.
var NaN = math.NaN()

// columns returns pointers to every float column, in a fixed order shared by
// Append, Slice and the binary encoding.
func (b *Block) columns() []*[]float64 {
	return []*[]float64{
		&b.RA, &b.Dec, &b.L, &b.B,
		&b.Parallax, &b.ParallaxError,
		&b.PMRA, &b.PMRAError, &b.PMDec, &b.PMDecError,
		&b.G, &b.BP, &b.RP, &b.BPRP,
		&b.GFluxOverError, &b.BPFluxOverError, &b.RPFluxOverError,
		&b.Chi2AL, &b.NGoodObsAL, &b.RUWE,
	}
}

// NumFloatColumns is the number of float64 columns of a Block.
const NumFloatColumns = 20

// Row is one star, in the same units as Block. It is the form readers build a
// star in before appending it, and the form tests compare against.
type Row struct {
	SourceID                                         int64
	RA, Dec, L, B                                    float64
	Parallax, ParallaxError                          float64
	PMRA, PMRAError, PMDec, PMDecError               float64
	G, BP, RP, BPRP                                  float64
	GFluxOverError, BPFluxOverError, RPFluxOverError float64
	Chi2AL, NGoodObsAL, RUWE                         float64
}

// NewRow returns a Row with every value missing.
func NewRow() Row {
	n := NaN
	return Row{RA: n, Dec: n, L: n, B: n, Parallax: n, ParallaxError: n,
		PMRA: n, PMRAError: n, PMDec: n, PMDecError: n, G: n, BP: n, RP: n, BPRP: n,
		GFluxOverError: n, BPFluxOverError: n, RPFluxOverError: n,
		Chi2AL: n, NGoodObsAL: n, RUWE: n}
}

func (r *Row) values() [NumFloatColumns]float64 {
	return [NumFloatColumns]float64{
		r.RA, r.Dec, r.L, r.B, r.Parallax, r.ParallaxError,
		r.PMRA, r.PMRAError, r.PMDec, r.PMDecError,
		r.G, r.BP, r.RP, r.BPRP,
		r.GFluxOverError, r.BPFluxOverError, r.RPFluxOverError,
		r.Chi2AL, r.NGoodObsAL, r.RUWE,
	}
}

// Append adds r to the end of b.
func (b *Block) Append(r Row) {
	b.SourceID = append(b.SourceID, r.SourceID)
	v := r.values()
	for i, c := range b.columns() {
		*c = append(*c, v[i])
	}
}

// Row returns star i of b.
func (b *Block) Row(i int) Row {
	cols := b.columns()
	var v [NumFloatColumns]float64
	for k, c := range cols {
		v[k] = (*c)[i]
	}
	return Row{SourceID: b.SourceID[i],
		RA: v[0], Dec: v[1], L: v[2], B: v[3], Parallax: v[4], ParallaxError: v[5],
		PMRA: v[6], PMRAError: v[7], PMDec: v[8], PMDecError: v[9],
		G: v[10], BP: v[11], RP: v[12], BPRP: v[13],
		GFluxOverError: v[14], BPFluxOverError: v[15], RPFluxOverError: v[16],
		Chi2AL: v[17], NGoodObsAL: v[18], RUWE: v[19]}
}

// Reset empties b, keeping its storage for reuse.
func (b *Block) Reset() {
	b.SourceID = b.SourceID[:0]
	for _, c := range b.columns() {
		*c = (*c)[:0]
	}
}

// Select returns a new Block with the stars i for which keep[i] is true.
// It panics if len(keep) != b.Len().
func (b *Block) Select(keep []bool) Block {
	if len(keep) != b.Len() {
		panic("star: Select mask length differs from block length")
	}
	out := Block{File: b.File}
	src, dst := b.columns(), out.columns()
	for i, k := range keep {
		if !k {
			continue
		}
		out.SourceID = append(out.SourceID, b.SourceID[i])
		for c := range src {
			*dst[c] = append(*dst[c], (*src[c])[i])
		}
	}
	return out
}

// HEALPix12 returns the level-12 (nside 4096) NESTED HEALPix index that Gaia
// encodes in the top bits of a source_id (Gaia DR2 documentation §14.1.1).
func HEALPix12(sourceID int64) int64 { return sourceID >> 35 }

// AppendBlock adds the stars of o to the end of b.
func (b *Block) AppendBlock(o *Block) {
	b.SourceID = append(b.SourceID, o.SourceID...)
	dst, src := b.columns(), o.columns()
	for i := range dst {
		*dst[i] = append(*dst[i], *src[i]...)
	}
}
