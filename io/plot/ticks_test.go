package plot

import (
	"strings"
	"testing"
)

func TestTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string // labelled ticks
	}{
		{-5, 17, "-5 0 5 10 15"},
		{-0.5, 3.5, "-0.5 0.0 0.5 1.0 1.5 2.0 2.5 3.0 3.5"},
		{-7.3, 0.4, "-7 -6 -5 -4 -3 -2 -1 0"},
		{0, 3.14159, "0.0 0.5 1.0 1.5 2.0 2.5 3.0"},
		{1e-3, 4.2e-3, "0.0010 0.0015 0.0020 0.0025 0.0030 0.0035 0.0040"},
		{100, 1000, "100 200 300 400 500 600 700 800 900 1000"},
	} {
		var got []string
		for _, tk := range (ticks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("[%g, %g]: %q, want %q", c.lo, c.hi, g, c.want)
		}
	}
}

// TestSafeRangeOneValue: a colour scale over one value (one stream
// candidate) is centred on it and wide enough to label; it read ±1e-10.
func TestSafeRangeOneValue(t *testing.T) {
	for _, v := range []float64{0, 3, -250} {
		s := safeRange(v, v, true)
		if !(s.lo < v && s.hi > v) || s.hi-s.lo < 1 || (s.lo+s.hi)/2 != v {
			t.Errorf("value %g: scale [%g, %g]", v, s.lo, s.hi)
		}
	}
}
