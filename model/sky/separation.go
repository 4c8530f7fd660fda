package sky

import "math"

// Separation returns the angle in degrees, in [0, 180], between the
// directions (lon1, lat1) and (lon2, lat2) given in degrees in one frame.
// It uses the Vincenty form atan2(|u x v|, u . v), accurate at every angle
// including nearly coincident and nearly antipodal points.
func Separation(lon1, lat1, lon2, lat2 float64) float64 {
	sdl, cdl := math.Sincos((lon2 - lon1) * deg)
	s1, c1 := math.Sincos(lat1 * deg)
	s2, c2 := math.Sincos(lat2 * deg)
	x := c2 * sdl
	y := c1*s2 - s1*c2*cdl
	return math.Atan2(math.Hypot(x, y), s1*s2+c1*c2*cdl) * rad
}
