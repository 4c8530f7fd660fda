package sky

import (
	"math"
	"slices"
)

// RingDisc returns, in ascending order, the RING indices at resolution nside
// of the pixels whose centres lie within radius degrees (inclusive) of the
// direction (lon, lat) in degrees. The test is on pixel centres, not on
// overlap: a pixel that the disc only partly covers is returned if and only
// if its centre is inside. The result is appended to dst[:0]. A negative or
// NaN radius, a non-finite lon or a lat outside [-90, 90] give no pixels, a
// radius of 180 or more all of them. It panics if nside is outside [1, 2^29].
func RingDisc(dst []int64, nside int64, lon, lat, radius float64) []int64 {
	checkNside(nside)
	dst = dst[:0]
	if _, ok := newLoc(lon, lat); !ok || !(radius >= 0) {
		return dst
	}
	if radius >= 180 {
		for p := range 12 * nside * nside {
			dst = append(dst, p)
		}
		return dst
	}
	c := unitVec(lon, lat)
	// Inside iff the chord to the centre is at most 2 sin(radius/2): the chord
	// keeps full precision for small radii, where 1 - cos does not.
	maxChord2 := 2 * math.Sin(radius*deg/2)
	maxChord2 *= maxChord2
	sLat, cLat := math.Sincos(lat * deg)
	cosR := math.Cos(radius * deg)

	// Rings whose centre latitude can be in [lat - radius, lat + radius]: a
	// point's own ring is within one ring of any ring at its latitude.
	first, _ := ringOf(nside, RingPixel(nside, lon, min(lat+radius, 90)))
	last, _ := ringOf(nside, RingPixel(nside, lon, max(lat-radius, -90)))
	first, last = max(first-1, 1), min(last+1, 4*nside-1)
	for i := first; i <= last; i++ {
		rLat := ringLat(nside, i)
		// The margin keeps rings whose centres lie on the circle; the chord
		// test below decides.
		if rLat > lat+radius+1e-9 || rLat < lat-radius-1e-9 {
			continue
		}
		nr, shift := ringShape(nside, i)
		n := 4 * nr // pixels in the ring
		width := 360 / float64(n)
		// Longitude half-width of the disc on this ring, from
		// cos r = sin lat sin rLat + cos lat cos rLat cos dLon.
		sR, cR := math.Sincos(rLat * deg)
		half := 180.0
		if den := cLat * cR; den > 1e-300 {
			x := (cosR - sLat*sR) / den
			switch {
			case x >= 1:
				half = 0
			case x > -1:
				half = math.Acos(x) * rad
			}
		}
		// Candidates: centres at (k + shift/2) width within lon +- half, widened
		// by one pixel each side against rounding; each is tested exactly.
		lo := int64(math.Floor((lon-half)/width-0.5*float64(shift))) - 1
		hi := int64(math.Ceil((lon+half)/width-0.5*float64(shift))) + 1
		if hi-lo+1 >= n {
			lo, hi = 0, n-1
		}
		start := ringStart(nside, i)
		for k := lo; k <= hi; k++ {
			kk := ((k % n) + n) % n
			pLon, _ := ringCenter(nside, i, kk)
			p := unitVec(pLon, rLat)
			dx, dy, dz := p[0]-c[0], p[1]-c[1], p[2]-c[2]
			if dx*dx+dy*dy+dz*dz <= maxChord2 {
				dst = append(dst, start+kk)
			}
		}
	}
	slices.Sort(dst)
	return dst
}

// NestedDisc is RingDisc in the NESTED scheme: the NESTED indices, ascending,
// of the pixels whose centres lie within radius degrees of (lon, lat). It
// panics if nside is not a power of two in [1, 2^29].
func NestedDisc(dst []int64, nside int64, lon, lat, radius float64) []int64 {
	checkNestNside(nside)
	dst = RingDisc(dst, nside, lon, lat, radius)
	for j, p := range dst {
		dst[j] = RingToNested(nside, p)
	}
	slices.Sort(dst)
	return dst
}
