package flow

import "math"

// expNegConst are the constants of expNegAVX.
var expNegConst = [11]float32{
	math.Log2E, 0.693145751953125, 1.428606765330187e-06, // log2(e); ln 2 = hi + lo, hi exact in 16 bits
	1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
}

// expNegScale are the constants of expNegAVX2's 2^n: the clamp of n, -Inf,
// the float64 exponent bias and +Inf.
var expNegScale = [5]float32{300, -300, float32(math.Inf(-1)), 1023, float32(math.Inf(1))}

// expNeg writes exp(-src[i]) into dst[i]. For float32 every element gets
// the same bits on every machine: the assembly kernels (16 lanes with
// AVX-512, 8 with AVX2) and expNeg32, which does their arithmetic one lane
// at a time, for the rest. For float64 it calls math.Exp.
func expNeg[T float](dst, src []T) {
	dst = dst[:len(src)]
	if s, ok := any(src).([]float32); ok {
		d := any(dst).([]float32)
		start := 0
		if useAsm {
			start = expNegFast(s, d)
		}
		for i := start; i < len(s); i++ {
			d[i] = expNeg32(s[i])
		}
		return
	}
	for i := range src {
		dst[i] = T(math.Exp(-float64(src[i])))
	}
}

// expNeg32 is exp(-x) in float32 exactly as a lane of the kernels computes
// it (gen_kernels.go): n = round(-x log2 e) to even, r = -x - n ln2 with ln2
// in a high and a low part, exp(r) by Horner's rule over 1/k!, k = 7..0, each
// step one fused multiply-add, then the product with 2^n rounded once.
// Relative error below 2.5e-7 over the float32 range (TestExpNeg). A model
// trained on one kind of core is then the same on another (a mixed fleet of
// workers trains the same flows), which math.Exp rounded to float32 is not.
func expNeg32(src float32) float32 {
	c := &expNegConst
	var zero float32
	x := zero - src // as VSUBPS: -(+0) is +0
	n := float32(math.RoundToEven(float64(x * c[0])))
	r := fma32(-n, c[1], x)
	r = fma32(-n, c[2], r)
	p := c[10]
	for k := 6; k >= 0; k-- {
		p = fma32(p, r, c[3+k])
	}
	return scale32(p, n)
}

// scale32 returns p 2^n rounded once to float32, n integral or infinite or
// NaN, as VSCALEFPS does: the product is exact in float64, and past +-300
// the float32 result no longer depends on n. An infinite n follows the
// instruction's table of special cases, in which a NaN p scaled by +Inf
// gives +Inf and by -Inf gives +0 (exp(-x) of x = -Inf and +Inf).
func scale32(p, n float32) float32 {
	inf := float32(math.Inf(1))
	switch {
	case n != n:
		return n
	case n == inf:
		switch {
		case p != p:
			return inf
		case p == 0:
			return inf - inf
		}
	case n == -inf:
		switch {
		case p != p:
			return 0
		case p == inf || p == -inf:
			return inf - inf
		}
		return p * 0
	}
	k := int(max(min(n, 300), -300))
	return float32(math.Ldexp(float64(p), k))
}

// expNegAlpha writes exp(-alpha) of rows rows of o (rows x 2D: mu, alpha)
// into the alpha positions of e. With the float32 kernels it transforms all
// of o, mu included, since 8 or 16 lanes at a time cost less than picking.
func expNegAlpha[T float](e, o []T, rows, d int) {
	if _, ok := any(o).([]float32); ok && useAsm {
		expNeg(e[:rows*2*d], o[:rows*2*d])
		return
	}
	for r := 0; r < rows; r++ {
		expNeg(e[r*2*d+d:(r+1)*2*d], o[r*2*d+d:(r+1)*2*d])
	}
}
