package mock

import (
	"math"
	"math/rand/v2"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// The Milky Way model of the smooth background (paper 004's stars are halo
// and thick-disk stars at |b| > 30 and beyond 1 kpc). Heliocentric Galactic
// Cartesian axes: x towards the Galactic centre, y towards l = 90 deg, z
// towards the north Galactic pole; Galactocentric X = x - R0, Y = y,
// Z = z + Zsun.
const (
	galR0   = 8.122  // kpc, Sun-Galactic centre distance (GRAVITY 2018; astropy's Galactocentric default)
	galZsun = 0.0208 // kpc, height of the Sun above the plane (Bennett & Bovy 2019; astropy default)

	// Thick disk, Juric et al. 2008 (ApJ 673, 864), Table 10: scale length
	// 3.6 kpc, scale height 0.9 kpc. Density exp(-(R-R0)/L - |Z|/H).
	thickL = 3.6
	thickH = 0.9

	// Halo, Juric et al. 2008: a power law n_H = 2.77 with flattening
	// q_H = 0.64, normalised to f_H = 0.0051 of the (thin) disk at the Sun,
	// where the thick disk is f = 0.12 of it: 0.0051/0.12 of the thick disk.
	// A 0.5 kpc core keeps the density finite at the centre (our addition).
	haloN    = 2.77
	haloQ    = 0.64
	haloNorm = 0.0051 / 0.12
	haloCore = 0.5 // kpc

	// kmsPerMasYrKpc converts a tangential velocity in km/s at 1 kpc to a
	// proper motion in mas/yr: 1 AU/yr = 4.740470446 km/s.
	kmsPerMasYrKpc = 4.740470446
)

// The Sun's velocity relative to the Galactic centre in the heliocentric
// Galactic axes, km/s (Drimmel & Poggio 2018; astropy's Galactocentric
// default galcen_v_sun).
var vSun = vec3{12.9, 245.6, 7.78}

// Velocity ellipsoids in Galactocentric cylindrical coordinates: mean
// rotation (km/s, in the direction of the Galaxy's rotation) and the
// dispersions in R, phi, z.
type kinematics struct {
	vRot               float64
	sigR, sigPhi, sigZ float64
}

var (
	// Thick disk: dispersions (67, 38, 35) km/s and an asymmetric drift of
	// 46 km/s from a 232.8 km/s circular speed (Bensby et al. 2003;
	// McMillan 2017).
	thickKin = kinematics{vRot: 187, sigR: 67, sigPhi: 38, sigZ: 35}
	// Halo: no net rotation, dispersions (141, 75, 85) km/s (Bond et al.
	// 2010).
	haloKin = kinematics{vRot: 0, sigR: 141, sigPhi: 75, sigZ: 85}
	// Paper-000 population: a kinematic toy so that its proper motions look
	// like those of disk stars; rotation 220 km/s, dispersions (35, 25, 20).
	cmdKin = kinematics{vRot: 220, sigR: 35, sigPhi: 25, sigZ: 20}
)

// galToICRS rotates heliocentric Galactic Cartesian vectors into ICRS ones.
// Its columns are the ICRS directions of the Galactic axes, taken from
// sky.GalacticToICRS so that positions and velocities share one frame.
var galToICRS = func() [3]vec3 {
	var m [3]vec3 // m[row]
	for col, lb := range [3][2]float64{{0, 0}, {90, 0}, {0, 90}} {
		ra, dec := sky.GalacticToICRS(lb[0], lb[1])
		v := unitVec(ra, dec)
		for row := range 3 {
			m[row][col] = v[row]
		}
	}
	return m
}()

func rotate(m *[3]vec3, v vec3) vec3 {
	return vec3{m[0].dot(v), m[1].dot(v), m[2].dot(v)}
}

// galCentric returns the Galactocentric position (kpc) of a star at distance
// d (kpc) in the heliocentric Galactic direction g.
func galCentric(g vec3, d float64) vec3 {
	return vec3{d*g[0] - galR0, d * g[1], d*g[2] + galZsun}
}

// thickDensity and haloDensity are the number densities of the background
// populations at Galactocentric position p, relative to the thick disk at the
// Sun.
func thickDensity(p vec3) float64 {
	R := math.Hypot(p[0], p[1])
	return math.Exp(-(R-galR0)/thickL - math.Abs(p[2])/thickH)
}

var haloSun = math.Pow(galR0*galR0+haloCore*haloCore, -haloN/2)

func haloDensity(p vec3) float64 {
	zq := p[2] / haloQ
	r2 := p[0]*p[0] + p[1]*p[1] + zq*zq + haloCore*haloCore
	return haloNorm * math.Exp(-haloN/2*math.Log(r2)) / haloSun // = r2^(-n/2), faster than math.Pow
}

// properMotion draws a Galactocentric velocity from k at Galactocentric
// position p and returns the heliocentric proper motion (pmra*, pmdec in
// mas/yr) it shows at ICRS direction (ra, dec) and distance d (kpc).
func properMotion(r *rand.Rand, k *kinematics, p vec3, ra, dec, d float64) (pmra, pmdec float64) {
	phi := math.Atan2(p[1], p[0])
	sp, cp := math.Sincos(phi)
	vR := k.sigR * r.NormFloat64()
	vRot := k.vRot + k.sigPhi*r.NormFloat64()
	vZ := k.sigZ * r.NormFloat64()
	// e_R = (cos phi, sin phi, 0); the rotation direction is (sin phi, -cos phi, 0),
	// which is +y at the Sun (phi = 180 deg).
	v := vec3{vR*cp + vRot*sp, vR*sp - vRot*cp, vZ}
	return velocityToPM(v.sub(vSun), ra, dec, d)
}

// velocityToPM returns the proper motion (pmra*, pmdec; mas/yr) of a star at
// ICRS (ra, dec) and distance d (kpc) moving with heliocentric velocity u
// (km/s, Galactic axes).
func velocityToPM(u vec3, ra, dec, d float64) (pmra, pmdec float64) {
	w := rotate(&galToICRS, u)
	sa, ca := math.Sincos(ra * deg)
	sd, cd := math.Sincos(dec * deg)
	ea := vec3{-sa, ca, 0}
	ed := vec3{-sd * ca, -sd * sa, cd}
	f := 1 / (kmsPerMasYrKpc * d)
	return w.dot(ea) * f, w.dot(ed) * f
}

// Line-of-sight grid of the background: losN points uniform in ln d from
// losMin to losMax kpc. Beyond 100 kpc only the rarest giants would be
// brighter than G = 21.
const (
	losN   = 96
	losMin = 0.05
	losMax = 100.0
)

// losGrid holds the distance grid and the reusable weights of one line of
// sight.
type losGrid struct {
	d, dm []float64 // distance (kpc), distance modulus
	w     []float64 // weight per unit ln d: (thick + halo) d³ F(limit)
	cum   []float64 // trapezoid cumulative integral of w over ln d
	du    float64
}

func newLOSGrid() *losGrid {
	g := &losGrid{d: make([]float64, losN), dm: make([]float64, losN),
		w: make([]float64, losN), cum: make([]float64, losN)}
	u0, u1 := math.Log(losMin), math.Log(losMax)
	g.du = (u1 - u0) / (losN - 1)
	for j := range g.d {
		g.d[j] = math.Exp(u0 + float64(j)*g.du)
		g.dm[j] = 5*math.Log10(g.d[j]) + 10
	}
	return g
}

// background evaluates the background's line-of-sight weights for one
// configuration.
type background struct {
	dust     *dust.Gaussian
	ext      dust.Extinction
	magLimit float64
	lf       *imfSampler // luminosity function of both components
}

// fill computes the weights along the ICRS direction (ra, dec) into g and
// returns their integral over ln d: the relative number of background stars
// per steradian brighter than the magnitude limit in that direction.
func (bg *background) fill(g *losGrid, ra, dec float64) float64 {
	l, b := sky.ICRSToGalactic(ra, dec)
	gv := unitVec(l, b)
	rate := bg.dust.Rate(ra, dec) // mag per kpc
	for j, d := range g.d {
		p := galCentric(gv, d)
		rho := thickDensity(p) + haloDensity(p)
		mlim := bg.magLimit - g.dm[j] - bg.ext.AG*rate*d
		g.w[j] = rho * d * d * d * bg.lf.fractionBrighter(mlim)
	}
	var c float64
	g.cum[0] = 0
	for j := 1; j < losN; j++ {
		c += 0.5 * (g.w[j-1] + g.w[j]) * g.du
		g.cum[j] = c
	}
	return c
}

// sampleDistance draws a distance (kpc) from the filled grid: the weight is
// taken as linear in ln d between grid points, and the draw is exact for
// that piecewise-linear density.
func (g *losGrid) sampleDistance(r *rand.Rand) float64 {
	total := g.cum[losN-1]
	u := r.Float64() * total
	lo, hi := 0, losN-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if g.cum[mid] <= u {
			lo = mid
		} else {
			hi = mid
		}
	}
	// Within [lo, lo+1]: density w0 + (w1-w0) t for t in [0,1] (in units of du);
	// solve w0 t + (w1-w0) t²/2 = a for the remaining area a, in the form
	// that does not cancel for either sign of w1-w0.
	a := (u - g.cum[lo]) / g.du
	w0, w1 := g.w[lo], g.w[lo+1]
	var t float64
	if den := w0 + math.Sqrt(max(w0*w0+2*(w1-w0)*a, 0)); den > 0 {
		t = 2 * a / den
	}
	t = min(max(t, 0), 1)
	return g.d[lo] * math.Exp(t*g.du)
}
