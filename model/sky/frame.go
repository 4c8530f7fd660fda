package sky

import (
	"fmt"
	"math"
)

// Frame is the patch frame of Via Machinae (Shih et al. 2022, sec. 2): the
// ICRS rotated so that a patch centre (RA0, Dec0) goes to (phi, lambda) =
// (0, 0), phi growing to the east (increasing ra) and lambda to the north.
// The rotation is R = Ry(+Dec0) Rz(-RA0) acting on unit vectors; it is the
// frame astropy's SkyOffsetFrame(origin=ICRS(RA0, Dec0)) defines. Build one
// per patch with NewFrame; a Frame is read-only and safe for concurrent use.
type Frame struct {
	RA0, Dec0 float64 // patch centre, ICRS, degrees
	r         mat3    // ICRS unit vector -> patch-frame unit vector
}

// NewFrame returns the patch frame centred on the ICRS direction (ra0, dec0)
// in degrees.
func NewFrame(ra0, dec0 float64) *Frame {
	sa, ca := math.Sincos(ra0 * deg)
	sd, cd := math.Sincos(dec0 * deg)
	// Ry(dec0) Rz(-ra0): the centre (cd ca, cd sa, sd) goes to (1, 0, 0).
	return &Frame{RA0: ra0, Dec0: dec0, r: mat3{
		{cd * ca, cd * sa, sd},
		{-sa, ca, 0},
		{-sd * ca, -sd * sa, cd},
	}}
}

// Position returns the patch-frame coordinates of the ICRS direction
// (ra, dec): phi in (-180, 180] and lambda in [-90, 90], all in degrees.
func (f *Frame) Position(ra, dec float64) (phi, lambda float64) {
	return framePos(f.r.mulVec(unitVec(ra, dec)))
}

// Star returns the patch-frame position (phi in (-180, 180], lambda; degrees)
// and proper motion (pmPhi = mu_phi cos(lambda), pmLambda; mas/yr) of a star
// at ICRS (ra, dec) in degrees with proper motion pmRA = mu_ra cos(dec) and
// pmDec in mas/yr (Gaia's pmra, pmdec). The proper motion is rotated as a
// tangent vector, so the result is exact for any separation from the centre;
// it is NaN at the frame's poles (lambda = +-90), where it has no meaning.
func (f *Frame) Star(ra, dec, pmRA, pmDec float64) (phi, lambda, pmPhi, pmLambda float64) {
	sa, ca := math.Sincos(ra * deg)
	sd, cd := math.Sincos(dec * deg)
	p := f.r.mulVec(vec{cd * ca, cd * sa, sd})
	// Velocity on the sphere: pmRA along east (-sa, ca, 0), pmDec along north.
	v := f.r.mulVec(vec{-pmRA*sa - pmDec*sd*ca, pmRA*ca - pmDec*sd*sa, pmDec * cd})
	rho := math.Sqrt(p[0]*p[0] + p[1]*p[1]) // cos(lambda)
	phi, lambda = framePos(p)
	// Project on the frame's east (-sin phi, cos phi, 0) and north
	// (-sin lambda cos phi, -sin lambda sin phi, cos lambda) at the star.
	pmPhi = (p[0]*v[1] - p[1]*v[0]) / rho
	pmLambda = v[2]*rho - p[2]*(p[0]*v[0]+p[1]*v[1])/rho
	return phi, lambda, pmPhi, pmLambda
}

// Stars converts columns of stars as Star does, writing into the caller's
// phi, lambda, pmPhi, pmLambda. It does not allocate. pmPhi, pmLambda, pmRA
// and pmDec may all be nil to convert positions only. It panics if the
// lengths differ (a nil proper-motion set counts as absent, not as length 0).
func (f *Frame) Stars(phi, lambda, pmPhi, pmLambda, ra, dec, pmRA, pmDec []float64) {
	n := len(ra)
	if len(dec) != n || len(phi) != n || len(lambda) != n {
		panic(fmt.Sprintf("sky: Frame.Stars: position lengths phi %d, lambda %d, ra %d, dec %d differ",
			len(phi), len(lambda), n, len(dec)))
	}
	if pmPhi == nil && pmLambda == nil && pmRA == nil && pmDec == nil {
		for i := range ra {
			phi[i], lambda[i] = f.Position(ra[i], dec[i])
		}
		return
	}
	if len(pmPhi) != n || len(pmLambda) != n || len(pmRA) != n || len(pmDec) != n {
		panic(fmt.Sprintf("sky: Frame.Stars: proper-motion lengths pmPhi %d, pmLambda %d, pmRA %d, pmDec %d differ from %d stars",
			len(pmPhi), len(pmLambda), len(pmRA), len(pmDec), n))
	}
	for i := range ra {
		phi[i], lambda[i], pmPhi[i], pmLambda[i] = f.Star(ra[i], dec[i], pmRA[i], pmDec[i])
	}
}

// ToICRS is the inverse of Position: it returns the ICRS (ra in [0, 360),
// dec) in degrees of the patch-frame direction (phi, lambda) in degrees.
func (f *Frame) ToICRS(phi, lambda float64) (ra, dec float64) {
	return lonLat(f.r.mulTVec(unitVec(phi, lambda)))
}

// framePos returns (phi in (-180, 180], lambda) in degrees of a unit vector
// in the patch frame.
func framePos(p vec) (phi, lambda float64) {
	phi = math.Atan2(p[1], p[0]) * rad
	if phi == -180 {
		phi = 180
	}
	return phi, math.Atan2(p[2], math.Sqrt(p[0]*p[0]+p[1]*p[1])) * rad
}
