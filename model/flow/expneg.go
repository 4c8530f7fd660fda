package flow

import "math"

// expNegConst are the constants of expNegAVX.
var expNegConst = [11]float32{
	math.Log2E, 0.693145751953125, 1.428606765330187e-06, // log2(e); ln 2 = hi + lo, hi exact in 16 bits
	1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
}

// expNeg writes exp(-src[i]) into dst[i]. For float32 with the assembly
// kernels it runs 16 lanes at a time to float32 accuracy; otherwise, and
// always for float64, it calls math.Exp.
func expNeg[T float](dst, src []T) {
	dst = dst[:len(src)]
	start := 0
	if s, ok := any(src).([]float32); ok && useAsm {
		start = len(s) &^ 15
		if !expNegFast(start, any(dst).([]float32), s) {
			start = 0
		}
	}
	for i := start; i < len(src); i++ {
		dst[i] = T(math.Exp(-float64(src[i])))
	}
}

// expNegAlpha writes exp(-alpha) of rows rows of o (rows x 2D: mu, alpha)
// into the alpha positions of e. With the float32 kernel it transforms all
// of o, mu included, since 16 lanes at a time cost less than picking.
func expNegAlpha[T float](e, o []T, rows, d int) {
	if _, ok := any(o).([]float32); ok && useAsm && isa == isaAVX512 {
		expNeg(e[:rows*2*d], o[:rows*2*d])
		return
	}
	for r := 0; r < rows; r++ {
		for j := d; j < 2*d; j++ {
			e[r*2*d+j] = T(math.Exp(-float64(o[r*2*d+j])))
		}
	}
}
