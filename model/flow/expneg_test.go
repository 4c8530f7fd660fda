package flow

import (
	"math"
	"testing"
)

// TestExpNeg compares the vectorised float32 exp(-x) with math.Exp over the
// whole float32 range, including overflow, underflow and NaN.
func TestExpNeg(t *testing.T) {
	var src []float32
	for x := -90.0; x <= 110; x += 0.0137 {
		src = append(src, float32(x))
	}
	src = append(src, 0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), -89, 104, 1e-30)
	dst := make([]float32, len(src))
	expNeg(dst, src)
	for i, x := range src {
		want := math.Exp(-float64(x))
		got := float64(dst[i])
		switch {
		case math.IsNaN(float64(x)):
			if !math.IsNaN(got) {
				t.Errorf("exp(-NaN) = %g", got)
			}
		case want > math.MaxFloat32:
			if !math.IsInf(got, 1) {
				t.Errorf("exp(%g) = %g, want +Inf", -x, got)
			}
		case want < 1e-37: // denormal range: absolute accuracy
			if math.Abs(got-want) > 1e-44 {
				t.Errorf("exp(%g) = %g, want %g", -x, got, want)
			}
		case math.Abs(got-want) > 2.5e-7*want:
			t.Errorf("exp(%g) = %.9g, want %.9g (rel. error %.2g)", -x, got, want, math.Abs(got-want)/want)
		}
	}
}
