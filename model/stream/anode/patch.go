package anode

import (
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Features is the feature set x of the density estimation. Whatever the set,
// the condition is mu_lambda.
type Features int

const (
	// Full is the paper's x = (phi, lambda, mu_phi*, b-r, g) (Shih et al.
	// 2022, sec. 3.2).
	Full Features = iota
	// Astrometric is x = (phi, lambda, mu_phi*), for data without Gaia
	// photometry (the GD-1 strip).
	Astrometric
)

// Dim returns the number of features of the set: 5 or 3.
func (f Features) Dim() int {
	switch f {
	case Full:
		return 5
	case Astrometric:
		return 3
	}
	panic(fmt.Sprintf("anode: unknown feature set %d", int(f)))
}

// String returns "full" or "astrometric".
func (f Features) String() string {
	switch f {
	case Full:
		return "full"
	case Astrometric:
		return "astrometric"
	}
	return fmt.Sprintf("Features(%d)", int(f))
}

// ParseFeatures returns the feature set named s: "full" (or "") or
// "astrometric".
func ParseFeatures(s string) (Features, error) {
	switch s {
	case "full", "":
		return Full, nil
	case "astrometric":
		return Astrometric, nil
	}
	return 0, fmt.Errorf("anode: unknown feature set %q (want full or astrometric)", s)
}

// Patch is the stars of one sky patch in the patch frame, as columns of
// equal length: the input of Regions and Score.
type Patch struct {
	// ID names the patch (its HEALPix pixel, say); with the run seed and
	// the search region it keys every random stream of Score.
	ID int64

	SourceID    []int64
	Phi, Lambda []float64 // patch-frame position, degrees
	PMPhi       []float64 // mu_phi* = mu_phi cos(lambda), mas/yr
	PMLambda    []float64 // mu_lambda, mas/yr
	BPRP, G     []float64 // b-r (bp_rp) and g (phot_g_mean_mag), mag; NaN allowed with Astrometric

	// PMError is each star's proper-motion error per coordinate, mas/yr:
	// the root mean square of Gaia's pmra_error and pmdec_error (0 where
	// they are missing). ANODE does not read it; the proper-motion
	// coherence of a candidate's members does. Optional: nil, or one per
	// star.
	PMError []float64
}

// Len returns the number of stars in p.
func (p *Patch) Len() int { return len(p.Phi) }

// Cuts selects the stars of a Patch from Gaia blocks. The zero value is the
// paper's selection (Shih et al. 2022, sec. 2) for the Full feature set.
type Cuts struct {
	// MaxParallax keeps stars with parallax < MaxParallax mas; 0 means 1.
	// A star without a parallax fails it.
	MaxParallax float64
	// NoParallaxCut keeps every star whatever its parallax: the foreground
	// was cut before, by another measure (the model distances of a
	// catalog: streams --distances).
	NoParallaxCut bool
	// Radius keeps stars within Radius degrees of the patch centre; 0
	// means sky.PatchRadius (15), negative keeps all.
	Radius float64
	// Features decides which values a star must have: positions and
	// proper motions always, b-r and g with Full. b-r is bp - rp where
	// bp_rp is missing and both magnitudes are present.
	Features Features
}

// Counts says where the stars offered to Patch.Add went; every star is in
// exactly one of Parallax, Outside, Missing and Kept, cut in that order.
type Counts struct {
	In       int // stars offered
	Parallax int // parallax >= MaxParallax, or missing
	Outside  int // farther than Radius from the centre
	Missing  int // a needed position, proper motion or photometric value is missing
	Kept     int // appended to the patch
}

// Add adds c to n.
func (n *Counts) Add(c Counts) {
	n.In += c.In
	n.Parallax += c.Parallax
	n.Outside += c.Outside
	n.Missing += c.Missing
	n.Kept += c.Kept
}

// Add converts the stars of b that pass the cuts to the frame f (the patch's
// centre) and appends them to p. It returns where the stars went. It
// allocates only to grow p's columns.
func (p *Patch) Add(f *sky.Frame, b *star.Block, cuts Cuts) Counts {
	maxPlx := cuts.MaxParallax
	if maxPlx == 0 {
		maxPlx = 1
	}
	radius := cuts.Radius
	if radius == 0 {
		radius = sky.PatchRadius
	}
	needPhot := cuts.Features == Full
	cosR := math.Cos(radius * math.Pi / 180)
	var n Counts
	n.In = b.Len()
	for i := range b.Len() {
		if !cuts.NoParallaxCut && !(b.Parallax[i] < maxPlx) {
			n.Parallax++
			continue
		}
		phi, lambda, pmPhi, pmLambda := f.Star(b.RA[i], b.Dec[i], b.PMRA[i], b.PMDec[i])
		if radius > 0 && !math.IsNaN(phi) {
			// cos of the separation from the centre (0, 0) of the frame.
			if math.Cos(lambda*math.Pi/180)*math.Cos(phi*math.Pi/180) < cosR {
				n.Outside++
				continue
			}
		}
		bprp, g := b.BPRP[i], b.G[i]
		if math.IsNaN(bprp) {
			bprp = b.BP[i] - b.RP[i]
		}
		if math.IsNaN(phi+lambda+pmPhi+pmLambda) || needPhot && math.IsNaN(bprp+g) {
			n.Missing++
			continue
		}
		p.SourceID = append(p.SourceID, b.SourceID[i])
		p.Phi = append(p.Phi, phi)
		p.Lambda = append(p.Lambda, lambda)
		p.PMPhi = append(p.PMPhi, pmPhi)
		p.PMLambda = append(p.PMLambda, pmLambda)
		p.BPRP = append(p.BPRP, bprp)
		p.G = append(p.G, g)
		p.PMError = append(p.PMError, pmError(b.PMRAError[i], b.PMDecError[i]))
		n.Kept++
	}
	return n
}

// columns returns the feature columns of set fs, in the order of x.
func (p *Patch) columns(fs Features) [][]float64 {
	switch fs {
	case Full:
		return [][]float64{p.Phi, p.Lambda, p.PMPhi, p.BPRP, p.G}
	case Astrometric:
		return [][]float64{p.Phi, p.Lambda, p.PMPhi}
	}
	panic(fmt.Sprintf("anode: unknown feature set %d", int(fs)))
}

// check panics unless p's columns have equal lengths.
func (p *Patch) check() {
	n := len(p.Phi)
	if len(p.Lambda) != n || len(p.PMPhi) != n || len(p.PMLambda) != n ||
		(p.BPRP != nil && len(p.BPRP) != n) || (p.G != nil && len(p.G) != n) ||
		(p.SourceID != nil && len(p.SourceID) != n) || (p.PMError != nil && len(p.PMError) != n) {
		panic("anode: patch columns have different lengths")
	}
}

// pmError is the root mean square of the two proper-motion errors, 0 if
// either is missing or not positive.
func pmError(ra, dec float64) float64 {
	if !(ra > 0) || !(dec > 0) || math.IsInf(ra+dec, 0) {
		return 0
	}
	return math.Sqrt((ra*ra + dec*dec) / 2)
}
