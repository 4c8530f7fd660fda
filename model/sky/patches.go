package sky

import (
	"fmt"
	"math"
	"slices"
)

// Via Machinae grid defaults (Shih et al. 2022, sec. 2; ARCHITECTURE.md,
// streams pipeline, step 1). The paper's text says nside 5, but every one of the 200 published
// patch centres is an nside-6 pixel centre read as Galactic (l, b).
const (
	PatchNside   = 6    // HEALPix RING resolution of the patch centres
	PatchRadius  = 15.0 // patch radius, degrees
	PatchMinAbsB = 30.0 // centres have |b| > this, degrees
)

// Cloud is a region kept out of the patch grid: a disc of Radius degrees
// around the Galactic direction (L, B) in degrees.
type Cloud struct {
	Name         string
	L, B, Radius float64
}

// MagellanicClouds are the regions a default grid avoids: the Clouds'
// Galactic centres with radii of 7 (LMC) and 3 (SMC) degrees, roughly the
// angular radii of their stellar bodies. "Exclude all patches that overlap
// with the LMC or SMC" (Shih et al. 2022, sec. 2) is read as: drop a patch if
// its centre is closer than PatchRadius + Radius to a Cloud. With these radii
// the rule drops exactly the 14 patches near the Clouds that the published
// list drops; the radii are a choice within the ranges that do so (LMC
// between 6.25 and 7.5, SMC below 4.33; TestGridCloudMargins), since the
// paper does not state them.
var MagellanicClouds = []Cloud{
	{Name: "LMC", L: 280.47, B: -32.89, Radius: 7},
	{Name: "SMC", L: 302.80, B: -44.30, Radius: 3},
}

// DustyPatches are the nside-6 RING pixels (Galactic) of the 36 published
// patches marked for the dust cut (the dusty_cut column of the Via Machinae
// patch list, hep-lbdl/GaiaCWoLa b6dec3c).
var DustyPatches = []int64{
	40, 59, 60, 68, 69, 83, 84, 85, 86, 92, 93, 94, 106, 107, 324, 325, 327, 330,
	331, 334, 335, 336, 337, 350, 353, 354, 357, 358, 359, 360, 376, 377, 378,
	380, 381, 396,
}

// PublishedExcluded are the 16 nside-6 RING pixels (Galactic) with |b| > 30
// that the published list of 200 patches leaves out: the 14 near the
// Magellanic Clouds and two more (3 at l 315, b 82.2; 351 at l 52.5,
// b -41.8) for which the authors give no reason. GridConfig{Exclude:
// PublishedExcluded, Avoid: []Cloud{}} reproduces the published 200.
var PublishedExcluded = []int64{3, 341, 342, 343, 344, 345, 351, 365, 366, 367, 368, 369, 387, 388, 389, 405}

// GridConfig chooses a patch grid. The zero value is the Via Machinae default:
// nside 6, radius 15, |b| > 30, without the patches overlapping the Magellanic
// Clouds (202 patches).
type GridConfig struct {
	Nside   int64   // RING resolution of the centres; 0 means PatchNside
	Radius  float64 // patch radius in degrees; 0 means PatchRadius
	MinAbsB float64 // keep centres with |b| > MinAbsB degrees; 0 means PatchMinAbsB, < 0 keeps all
	// Avoid lists the regions whose overlapping patches are dropped; nil means
	// MagellanicClouds, an empty non-nil slice avoids nothing.
	Avoid []Cloud
	// DropDusty also drops DustyPatches; it needs Nside 6.
	DropDusty bool
	// Exclude lists further RING pixels (Galactic, at Nside) to drop, e.g.
	// PublishedExcluded.
	Exclude []int64
}

// Patch is one patch of a Grid: the circle of the grid's radius around the
// centre of a HEALPix RING pixel read in Galactic coordinates.
type Patch struct {
	Pixel   int64   // RING index of the centre at the grid's nside, Galactic
	L, B    float64 // centre, Galactic, degrees
	RA, Dec float64 // centre, ICRS, degrees
}

// Frame returns the patch frame centred on the patch.
func (p Patch) Frame() *Frame { return NewFrame(p.RA, p.Dec) }

// Grid is a set of overlapping sky patches. It is read-only after NewGrid
// and safe for concurrent use.
type Grid struct {
	Nside   int64
	Radius  float64 // degrees
	Patches []Patch // ascending Pixel
	centres []vec   // ICRS unit vectors of the centres
	cosR    float64
	cells   cellIndex // candidate patches by ICRS cell
}

// NewGrid builds the patch grid that cfg describes. It panics on a
// programmer error: an nside outside [1, 2^29], a negative radius, DropDusty
// with an nside other than 6, or an Exclude pixel outside the nside's range.
func NewGrid(cfg GridConfig) *Grid {
	nside, radius, minAbsB := cfg.Nside, cfg.Radius, cfg.MinAbsB
	if nside == 0 {
		nside = PatchNside
	}
	checkNside(nside)
	if radius == 0 {
		radius = PatchRadius
	}
	if radius < 0 || math.IsNaN(radius) {
		panic(fmt.Sprintf("sky: patch radius %v is negative", radius))
	}
	if minAbsB == 0 {
		minAbsB = PatchMinAbsB
	}
	avoid := cfg.Avoid
	if avoid == nil {
		avoid = MagellanicClouds
	}
	drop := make(map[int64]bool)
	for _, p := range cfg.Exclude {
		checkPix(nside, p)
		drop[p] = true
	}
	if cfg.DropDusty {
		if nside != PatchNside {
			panic(fmt.Sprintf("sky: DropDusty needs nside %d, not %d", PatchNside, nside))
		}
		for _, p := range DustyPatches {
			drop[p] = true
		}
	}
	g := &Grid{Nside: nside, Radius: radius, cosR: math.Cos(radius * deg)}
	for pix := range NPix(nside) {
		l, b := RingCenter(nside, pix)
		if math.Abs(b) <= minAbsB || drop[pix] || overlaps(l, b, radius, avoid) {
			continue
		}
		ra, dec := GalacticToICRS(l, b)
		g.Patches = append(g.Patches, Patch{Pixel: pix, L: l, B: b, RA: ra, Dec: dec})
		g.centres = append(g.centres, unitVec(ra, dec))
	}
	g.cells = newCellIndex(g.centres, radius)
	return g
}

// overlaps reports whether the circle of radius r around Galactic (l, b)
// overlaps one of the clouds.
func overlaps(l, b, r float64, clouds []Cloud) bool {
	return slices.ContainsFunc(clouds, func(c Cloud) bool {
		return Separation(l, b, c.L, c.B) < r+c.Radius
	})
}

// Containing appends to dst[:0], in ascending order, the indices into
// g.Patches of every patch whose circle holds the ICRS direction (ra, dec) in
// degrees (separation from the centre <= g.Radius), and returns it. A star
// near a patch edge is usually in several patches, and in none if it lies in
// a gap of the grid (at low |b| or near an excluded patch) or if ra is not
// finite or dec is not in [-90, 90].
func (g *Grid) Containing(dst []int, ra, dec float64) []int {
	dst = dst[:0]
	if _, ok := newLoc(ra, dec); !ok {
		return dst
	}
	v := unitVec(ra, dec)
	for _, i := range g.cells.candidates(ra, dec) {
		c := &g.centres[i]
		if v[0]*c[0]+v[1]*c[1]+v[2]*c[2] >= g.cosR {
			dst = append(dst, int(i))
		}
	}
	return dst
}
