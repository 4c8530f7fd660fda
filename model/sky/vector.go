package sky

import "math"

const (
	deg = math.Pi / 180 // radians per degree
	rad = 180 / math.Pi // degrees per radian
)

// vec is a Cartesian unit vector.
type vec [3]float64

// mat3 is a 3x3 rotation matrix, row-major.
type mat3 [3][3]float64

// unitVec returns the unit vector of the direction (lon, lat) in degrees.
func unitVec(lon, lat float64) vec {
	sl, cl := math.Sincos(lon * deg)
	sb, cb := math.Sincos(lat * deg)
	return vec{cb * cl, cb * sl, sb}
}

// lonLat returns the direction of v (any length > 0) in degrees, lon in
// [0, 360), lat in [-90, 90].
func lonLat(v vec) (lon, lat float64) {
	lon = math.Atan2(v[1], v[0]) * rad
	if lon < 0 {
		lon += 360
		if lon == 360 { // -tiny + 360 rounds to 360
			lon = 0
		}
	}
	lat = math.Atan2(v[2], math.Hypot(v[0], v[1])) * rad
	return lon, lat
}

// mulVec returns m v.
func (m *mat3) mulVec(v vec) vec {
	return vec{
		m[0][0]*v[0] + m[0][1]*v[1] + m[0][2]*v[2],
		m[1][0]*v[0] + m[1][1]*v[1] + m[1][2]*v[2],
		m[2][0]*v[0] + m[2][1]*v[1] + m[2][2]*v[2],
	}
}

// mulTVec returns m^T v, the inverse rotation.
func (m *mat3) mulTVec(v vec) vec {
	return vec{
		m[0][0]*v[0] + m[1][0]*v[1] + m[2][0]*v[2],
		m[0][1]*v[0] + m[1][1]*v[1] + m[2][1]*v[2],
		m[0][2]*v[0] + m[1][2]*v[1] + m[2][2]*v[2],
	}
}

// mul returns m n.
func (m *mat3) mul(n *mat3) mat3 {
	var p mat3
	for i := range 3 {
		for j := range 3 {
			p[i][j] = m[i][0]*n[0][j] + m[i][1]*n[1][j] + m[i][2]*n[2][j]
		}
	}
	return p
}

// frameRot returns the matrix that rotates the coordinate frame (not the
// vector) by angle degrees about axis 0 (x), 1 (y) or 2 (z): the components of
// a fixed vector in the new frame are frameRot(a, k) v.
func frameRot(angle float64, axis int) mat3 {
	s, c := math.Sincos(angle * deg)
	switch axis {
	case 0:
		return mat3{{1, 0, 0}, {0, c, s}, {0, -s, c}}
	case 1:
		return mat3{{c, 0, -s}, {0, 1, 0}, {s, 0, c}}
	default:
		return mat3{{c, s, 0}, {-s, c, 0}, {0, 0, 1}}
	}
}
