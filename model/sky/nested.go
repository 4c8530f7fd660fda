package sky

// NestedPixel returns the HEALPix NESTED index of the direction (lon, lat) in
// degrees at resolution nside (Gorski et al. 2005), or -1 if lon is not
// finite or lat is not in [-90, 90]. It panics if nside is not a power of two
// in [1, 2^29].
func NestedPixel(nside int64, lon, lat float64) int64 {
	checkNestNside(nside)
	p, ok := newLoc(lon, lat)
	if !ok {
		return -1
	}
	face, x, y := faceXY(nside, p)
	return face*nside*nside + interleave(x, y)
}

// NestedCenter returns the centre (lon in [0, 360), lat) in degrees of the
// NESTED pixel pix at resolution nside. It panics if nside is not a power of
// two in [1, 2^29] or pix is outside [0, 12 nside^2).
func NestedCenter(nside int64, pix int64) (lon, lat float64) {
	checkNestNside(nside)
	checkPix(nside, pix)
	face, x, y := nestFaceXY(nside, pix)
	i, k := faceToRing(nside, face, x, y)
	return ringCenter(nside, i, k)
}

// nestFaceXY splits a NESTED index into base pixel and face coordinates.
func nestFaceXY(nside, pix int64) (face, x, y int64) {
	nn := nside * nside
	x, y = deinterleave(pix % nn)
	return pix / nn, x, y
}

// interleave puts the bits of x in the even and those of y in the odd bit
// positions of the result (x, y < 2^29).
func interleave(x, y int64) int64 {
	return int64(spread(uint64(x)) | spread(uint64(y))<<1)
}

// deinterleave is the inverse of interleave.
func deinterleave(v int64) (x, y int64) {
	return int64(compact(uint64(v))), int64(compact(uint64(v) >> 1))
}

// spread moves bit i of v (v < 2^32) to bit 2i.
func spread(v uint64) uint64 {
	v &= 0xffffffff
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// compact moves bit 2i of v to bit i, dropping the odd bits.
func compact(v uint64) uint64 {
	v &= 0x5555555555555555
	v = (v | v>>1) & 0x3333333333333333
	v = (v | v>>2) & 0x0f0f0f0f0f0f0f0f
	v = (v | v>>4) & 0x00ff00ff00ff00ff
	v = (v | v>>8) & 0x0000ffff0000ffff
	v = (v | v>>16) & 0x00000000ffffffff
	return v
}
