package sky

import "math"

// RingPixel returns the HEALPix RING index of the direction (lon, lat) in
// degrees at resolution nside (Gorski et al. 2005), or -1 if lon is not
// finite or lat is not in [-90, 90]. Any nside in [1, 2^29] is allowed; it
// panics otherwise.
func RingPixel(nside int64, lon, lat float64) int64 {
	checkNside(nside)
	p, ok := newLoc(lon, lat)
	if !ok {
		return -1
	}
	face, x, y := faceXY(nside, p)
	i, k := faceToRing(nside, face, x, y)
	return ringStart(nside, i) + k
}

// RingCenter returns the centre (lon in [0, 360), lat) in degrees of the RING
// pixel pix at resolution nside. It panics if nside is outside [1, 2^29] or
// pix outside [0, 12 nside^2).
func RingCenter(nside int64, pix int64) (lon, lat float64) {
	checkNside(nside)
	checkPix(nside, pix)
	i, k := ringOf(nside, pix)
	return ringCenter(nside, i, k)
}

// RingToNested returns the NESTED index of the RING pixel pix. It panics if
// nside is not a power of two in [1, 2^29] or pix is outside [0, 12 nside^2).
func RingToNested(nside int64, pix int64) int64 {
	checkNestNside(nside)
	checkPix(nside, pix)
	i, k := ringOf(nside, pix)
	face, x, y := ringToFace(nside, i, k)
	return face*nside*nside + interleave(x, y)
}

// NestedToRing returns the RING index of the NESTED pixel pix. It panics if
// nside is not a power of two in [1, 2^29] or pix is outside [0, 12 nside^2).
func NestedToRing(nside int64, pix int64) int64 {
	checkNestNside(nside)
	checkPix(nside, pix)
	face, x, y := nestFaceXY(nside, pix)
	i, k := faceToRing(nside, face, x, y)
	return ringStart(nside, i) + k
}

// ringOf returns the ring (1 .. 4 nside - 1) of RING pixel pix and its index
// within the ring.
func ringOf(nside, pix int64) (i, k int64) {
	ncap := 2 * nside * (nside - 1)
	npix := 12 * nside * nside
	switch {
	case pix < ncap: // north cap: ring i starts at 2 i (i - 1)
		i = capRing(pix)
		return i, pix - 2*i*(i-1)
	case pix >= npix-ncap: // south cap, mirrored
		j := capRing(npix - 1 - pix)
		i = 4*nside - j
		return i, pix - ringStart(nside, i)
	}
	q := pix - ncap
	return nside + q/(4*nside), q % (4 * nside)
}

// capRing returns the ring i >= 1 with 2 i (i - 1) <= p < 2 i (i + 1): the
// ring of pixel p counted from the nearer pole within a polar cap.
func capRing(p int64) int64 {
	i := int64((1 + math.Sqrt(float64(1+2*p))) / 2)
	for 2*i*(i-1) > p {
		i--
	}
	for 2*i*(i+1) <= p {
		i++
	}
	return i
}
