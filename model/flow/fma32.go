package flow

import "math"

// fma32 returns a*b + c rounded once to float32, as the FMA instructions
// of the kernels compute it. Go has no float32 fused multiply-add, and
// float32(float64(a)*float64(b) + float64(c)) rounds twice: the product is
// exact in float64 (48 significant bits), but the sum is rounded to 53 bits
// and then to 24, which can land on the wrong side of a float32 tie. So the
// sum is rounded to odd instead (its last bit set whenever it is inexact),
// after which one more rounding to float32 is correct (Boldo and Melquiond,
// "Emulation of FMA and correctly rounded sums: proved algorithms using
// rounding to odd", IEEE TC 2008: odd rounding to p+2 or more bits, then
// nearest to p bits, is nearest to p bits).
func fma32(a, b, c float32) float32 {
	p := float64(a) * float64(b) // exact
	q := float64(c)
	s := p + q
	// TwoSum (Knuth): s + e = p + q exactly, for finite p and q.
	bv := s - p
	e := (p - (s - bv)) + (q - bv)
	if e != 0 && !math.IsInf(s, 0) && !math.IsNaN(e) {
		bits := math.Float64bits(s)
		if bits&1 == 0 {
			// s was rounded to even; the odd neighbour on the side of the
			// exact sum is the odd rounding.
			if (e > 0) == (s > 0) {
				bits++
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return float32(s)
}
