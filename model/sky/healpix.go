package sky

import (
	"fmt"
	"math"
)

// MaxNside is the largest nside this package accepts (2^29), so that every
// pixel index fits in an int64 and, in the NESTED scheme, two 29-bit face
// coordinates interleave into 58 bits.
const MaxNside = 1 << 29

// NPix returns the number of HEALPix pixels at resolution nside, 12 nside^2.
// It panics if nside is outside [1, MaxNside].
func NPix(nside int64) int64 {
	checkNside(nside)
	return 12 * nside * nside
}

// checkNside panics unless 1 <= nside <= MaxNside.
func checkNside(nside int64) {
	if nside < 1 || nside > MaxNside {
		panic(fmt.Sprintf("sky: nside %d outside [1, 2^29]", nside))
	}
}

// checkNestNside panics unless nside is a power of two in [1, MaxNside].
func checkNestNside(nside int64) {
	checkNside(nside)
	if nside&(nside-1) != 0 {
		panic(fmt.Sprintf("sky: NESTED nside %d is not a power of two", nside))
	}
}

// checkPix panics unless 0 <= pix < 12 nside^2.
func checkPix(nside, pix int64) {
	if pix < 0 || pix >= 12*nside*nside {
		panic(fmt.Sprintf("sky: pixel %d outside [0, %d) for nside %d", pix, 12*nside*nside, nside))
	}
}

// loc is a direction in the variables of Gorski et al. 2005: z = cos(theta),
// t = 2 phi / pi in [0, 4), and the latitude in degrees, from which the polar
// caps compute sqrt(3 (1 - |z|)) with full precision near a pole.
type loc struct {
	z, t, lat float64
}

// newLoc returns the loc of (lon, lat) in degrees, and false if lon is not
// finite or lat is not in [-90, 90] (NaN included).
func newLoc(lon, lat float64) (loc, bool) {
	if !(lat >= -90 && lat <= 90) || math.IsNaN(lon) || math.IsInf(lon, 0) {
		return loc{}, false
	}
	t := math.Mod(lon/90, 4)
	if t < 0 {
		t += 4
		if t == 4 {
			t = 0
		}
	}
	return loc{z: math.Sin(lat * deg), t: t, lat: lat}, true
}

// polar reports whether the loc is in a polar cap, |z| > 2/3.
func (p loc) polar() bool { return math.Abs(p.z) > 2.0/3 }

// Face layout (Gorski et al. 2005, Fig. 4): for base pixel f, faceRing[f] is
// the ring of its southern corner in units of nside, and faceLon[f] the
// longitude of its centre in units of pi/4.
var (
	faceRing = [12]int64{2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4}
	faceLon  = [12]int64{1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7}
)

// faceXY returns the base pixel and the face coordinates (x towards the
// north-east, y towards the north-west, both in [0, nside)) of a loc.
func faceXY(nside int64, p loc) (face, x, y int64) {
	n := float64(nside)
	if !p.polar() {
		// Pixel edges are the lines t - 3z/4 = const and t + 3z/4 = const.
		a := int64(n * (0.5 + p.t - 0.75*p.z)) // ascending index, >= 0
		d := int64(n * (0.5 + p.t + 0.75*p.z)) // descending index, >= 0
		return faceFromEdges(nside, a, d)
	}
	q := min(int64(p.t), 3)
	tp := p.t - float64(q)
	// n sqrt(3 (1 - |z|)), with 1 - |z| = 2 sin^2(a/2), a the angle from the
	// nearer pole.
	r := n * math.Sqrt(6) * math.Sin((90-math.Abs(p.lat))*deg/2)
	a := min(int64(tp*r), nside-1)
	d := min(int64((1-tp)*r), nside-1)
	if p.z > 0 {
		return q, nside - 1 - d, nside - 1 - a
	}
	return q + 8, a, d
}

// faceToRing returns the ring i (1 .. 4 nside - 1, from the north pole) and
// the index k (from 0, eastwards from lon 0) within that ring of the pixel at
// face coordinates (x, y) of base pixel face. A pixel centre in ring i is at
// t = 2 phi / pi = (k + shift/2) / nr, nr = the ring's pixels per quadrant.
func faceToRing(nside, face, x, y int64) (i, k int64) {
	i = faceRing[face]*nside - x - y - 1
	nr, shift := ringShape(nside, i)
	// The centre is at t = (faceLon nr + x - y) / (2 nr) (Gorski et al. 2005,
	// sec. 4); the numerator below is always even.
	k = (faceLon[face]*nr + x - y - shift) / 2
	if k < 0 {
		k += 4 * nr
	} else if k >= 4*nr {
		k -= 4 * nr
	}
	return i, k
}

// ringToFace is the inverse of faceToRing.
func ringToFace(nside, i, k int64) (face, x, y int64) {
	nr, shift := ringShape(nside, i)
	switch {
	case i < nside: // north cap: x grows along the ring, y falls
		face, m := k/nr, k%nr
		return face, nside - i + m, nside - 1 - m
	case i > 3*nside: // south cap
		face, m := k/nr, k%nr
		return face + 8, m, nr - 1 - m
	}
	// Equatorial belt: the ascending and descending edge indices of the centre.
	a := k + (shift+i-nside-1)/2
	d := k + (shift+3*nside-i-1)/2
	return faceFromEdges(nside, a, d)
}

// faceFromEdges returns the base pixel and face coordinates of the pixel
// between ascending edges a, a+1 and descending edges d, d+1 of the
// equatorial belt (a, d in [0, 5 nside)).
func faceFromEdges(nside, a, d int64) (face, x, y int64) {
	fa, fd := a/nside, d/nside
	switch {
	case fa == fd:
		face = fa%4 + 4
	case fa < fd:
		face = fa % 4
	default:
		face = fd%4 + 8
	}
	return face, d % nside, nside - 1 - a%nside
}

// ringShape returns the number of pixels per quadrant of ring i and its
// shift: 1 if the first centre is half a pixel east of lon 0, else 0.
func ringShape(nside, i int64) (nr, shift int64) {
	switch {
	case i < nside:
		return i, 1
	case i > 3*nside:
		return 4*nside - i, 1
	}
	return nside, (i - nside + 1) & 1
}

// ringStart returns the RING index of the first pixel of ring i.
func ringStart(nside, i int64) int64 {
	switch {
	case i < nside:
		return 2 * i * (i - 1)
	case i > 3*nside:
		j := 4*nside - i
		return 12*nside*nside - 2*j*(j+1)
	}
	return 2*nside*(nside-1) + (i-nside)*4*nside
}

// ringCenter returns the centre (lon in [0, 360), lat) in degrees of pixel k
// of ring i.
func ringCenter(nside, i, k int64) (lon, lat float64) {
	nr, shift := ringShape(nside, i)
	lon = (float64(k) + 0.5*float64(shift)) * 90 / float64(nr)
	return lon, ringLat(nside, i)
}

// ringLat returns the latitude in degrees of ring i (1 .. 4 nside - 1): in a
// polar cap z = 1 - i^2 / (3 nside^2), i.e. the angle from the pole is
// 2 asin(i / (nside sqrt 6)); in the equatorial belt z = 4/3 - 2i / (3 nside).
func ringLat(nside, i int64) float64 {
	n := float64(nside)
	switch {
	case i < nside:
		return 90 - 2*math.Asin(float64(i)/(n*math.Sqrt(6)))*rad
	case i > 3*nside:
		return -90 + 2*math.Asin(float64(4*nside-i)/(n*math.Sqrt(6)))*rad
	default:
		return math.Asin(float64(2*nside-i)*2/(3*n)) * rad
	}
}
