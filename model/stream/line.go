package stream

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

const (
	deg = math.Pi / 180 // radians per degree
	rad = 180 / math.Pi // degrees per radian
)

// Line is a straight line in the (phi, lambda) plane of a patch frame, in the
// Hough parametrisation of Via Machinae (Shih et al. 2022, eq. 5):
//
//	rho = phi sin(theta) - lambda cos(theta)
//
// with phi, lambda and rho in degrees and theta in radians. By eq. 5 theta is
// the angle from the phi axis to the line's direction (cos theta, sin theta),
// and the foot of the perpendicular from the origin is rho (sin theta,
// -cos theta). (The paper's text calls theta the angle of that perpendicular;
// eq. 5, which the authors' code also uses, makes it theta - pi/2. We follow
// eq. 5.) (theta, rho) and (theta + pi, -rho) are the same line; the
// canonical form has theta in [0, pi).
type Line struct {
	Theta float64 // radians, [0, pi) when canonical
	Rho   float64 // degrees
}

// Canonical returns the same line with Theta in [0, pi).
func (l Line) Canonical() Line {
	t := math.Mod(l.Theta, 2*math.Pi)
	if t < 0 {
		t += 2 * math.Pi
	}
	r := l.Rho
	if t >= math.Pi {
		t -= math.Pi
		r = -r
	}
	if t >= math.Pi { // rounding just below 2 pi
		t = 0
	}
	return Line{Theta: t, Rho: r}
}

// Diff returns the differences theta - o.theta (radians) and rho - o.rho
// (degrees) between l and the image of o, (o.Theta + k pi, (-1)^k o.Rho),
// whose theta is nearest l's: the comparison of Hough parameters modulo the
// periodicity of Hough space (Shih et al. 2022, footnote 9).
func (l Line) Diff(o Line) (dTheta, dRho float64) {
	k := math.Round((l.Theta - o.Theta) / math.Pi)
	dTheta = l.Theta - (o.Theta + k*math.Pi)
	r := o.Rho
	if math.Mod(k, 2) != 0 {
		r = -r
	}
	return dTheta, l.Rho - r
}

// Agrees reports whether l and o are concordant: |d theta| < maxTheta
// (radians) and |d rho| < maxRho (degrees), d as Diff computes it. Via
// Machinae uses pi/10 and 2 degrees (Shih et al. 2022, footnote 11).
func (l Line) Agrees(o Line, maxTheta, maxRho float64) bool {
	dt, dr := l.Diff(o)
	return math.Abs(dt) < maxTheta && math.Abs(dr) < maxRho
}

// Foot returns the foot of the perpendicular from the patch centre to the
// line, (phi, lambda) = rho (sin theta, -cos theta), in degrees.
func (l Line) Foot() (phi, lambda float64) {
	s, c := math.Sincos(l.Theta)
	return l.Rho * s, -l.Rho * c
}

// Point returns the point of the line at signed distance t (degrees) from
// the foot along the direction (cos theta, sin theta), in patch-frame
// degrees.
func (l Line) Point(t float64) (phi, lambda float64) {
	s, c := math.Sincos(l.Theta)
	return l.Rho*s + t*c, -l.Rho*c + t*s
}

// Chord returns the two points, (phi1, lambda1) first along the line's
// direction, where the line crosses the circle of the given radius (degrees)
// about the patch centre, and false if it misses the circle (|rho| >=
// radius).
func (l Line) Chord(radius float64) (phi1, lambda1, phi2, lambda2 float64, ok bool) {
	if math.Abs(l.Rho) >= radius {
		return 0, 0, 0, 0, false
	}
	h := math.Sqrt(radius*radius - l.Rho*l.Rho)
	phi1, lambda1 = l.Point(-h)
	phi2, lambda2 = l.Point(h)
	return phi1, lambda1, phi2, lambda2, true
}

// Ends returns the ICRS end points (degrees) of the line's chord across the
// circle of the given radius (degrees) about the centre of frame f, and
// false if the line misses the circle.
func (l Line) Ends(f *sky.Frame, radius float64) (ra1, dec1, ra2, dec2 float64, ok bool) {
	p1, l1, p2, l2, ok := l.Chord(radius)
	if !ok {
		return 0, 0, 0, 0, false
	}
	ra1, dec1 = f.ToICRS(p1, l1)
	ra2, dec2 = f.ToICRS(p2, l2)
	return ra1, dec1, ra2, dec2, true
}

// Pole returns the ICRS direction (ra in [0, 360), dec; degrees) of the pole
// of the great circle that the patch-frame line l of frame f stands for: the
// great circle through the line's two points at distance span (degrees) on
// either side of its foot, Point(-span) and Point(+span). It is oriented so
// that the line's direction runs counter-clockwise about it (the pole is
// Point(-span) x Point(+span)); (-pole) is the same circle. Any span in (0,
// 90) gives the same circle for a line through the centre or along a
// meridian of the frame; Via Machinae lines live in a 10-degree disk, and
// PoleSpan (10) is the default the rest of the package uses. It panics if
// span is not in (0, 90).
func (l Line) Pole(f *sky.Frame, span float64) (ra, dec float64) {
	return lonLat(l.poleVec(f, span))
}

// PoleGalactic is Pole in Galactic coordinates (l in [0, 360), b; degrees).
func (l Line) PoleGalactic(f *sky.Frame, span float64) (gl, gb float64) {
	ra, dec := l.Pole(f, span)
	return sky.ICRSToGalactic(ra, dec)
}

// PoleSpan is the half-length (degrees) of the segment whose end points fix
// the great circle of a patch-frame line (Line.Pole): the radius of the Via
// Machinae fiducial disk.
const PoleSpan = 10.0

// poleVec returns the unit ICRS pole vector of Pole.
func (l Line) poleVec(f *sky.Frame, span float64) vec {
	if !(span > 0 && span < 90) {
		panic("stream: Line.Pole: span must be in (0, 90) degrees")
	}
	p1, l1 := l.Point(-span)
	p2, l2 := l.Point(span)
	a := unit(f.ToICRS(p1, l1))
	b := unit(f.ToICRS(p2, l2))
	return a.cross(b).normalized()
}

// vec is a 3-vector, a direction on the sphere when normalised.
type vec [3]float64

// unit returns the unit vector of the direction (lon, lat) in degrees.
func unit(lon, lat float64) vec {
	so, co := math.Sincos(lon * deg)
	sa, ca := math.Sincos(lat * deg)
	return vec{ca * co, ca * so, sa}
}

// lonLat returns (lon in [0, 360), lat) in degrees of a non-zero vector.
func lonLat(v vec) (lon, lat float64) {
	lon = math.Atan2(v[1], v[0]) * rad
	if lon < 0 {
		lon += 360
	}
	if lon >= 360 {
		lon = 0
	}
	return lon, math.Atan2(v[2], math.Hypot(v[0], v[1])) * rad
}

func (a vec) dot(b vec) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func (a vec) cross(b vec) vec {
	return vec{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func (a vec) normalized() vec {
	n := math.Sqrt(a.dot(a))
	return vec{a[0] / n, a[1] / n, a[2] / n}
}

// angle returns the angle in degrees, in [0, 180], between unit vectors.
func angle(a, b vec) float64 {
	return math.Atan2(math.Sqrt(a.cross(b).dot(a.cross(b))), a.dot(b)) * rad
}

// axisAngle returns the angle in degrees, in [0, 90], between the axes
// through unit vectors a and b (a and -a are the same axis).
func axisAngle(a, b vec) float64 {
	t := angle(a, b)
	return math.Min(t, 180-t)
}
