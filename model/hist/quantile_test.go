package hist

import (
	"math"
	"testing"
)

// TestQuantileType7 against numpy.quantile's default (linear, type 7):
// numpy.quantile([1, 2, 4, 8], [0, 0.25, 0.5, 0.9, 1]) = [1, 1.75, 3, 6.8, 8].
func TestQuantileType7(t *testing.T) {
	s := []float64{1, 2, 4, 8}
	for _, c := range []struct{ p, want float64 }{{0, 1}, {0.25, 1.75}, {0.5, 3}, {0.9, 6.8}, {1, 8}} {
		if got := Quantile(s, c.p); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := QuantileOf([]float64{8, 1, 4, 2}, 0.5); got != 3 {
		t.Errorf("QuantileOf unsorted = %v, want 3", got)
	}
	if !math.IsNaN(QuantileOf(nil, 0.5)) {
		t.Error("QuantileOf(nil) is not NaN")
	}
}
