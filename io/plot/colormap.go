package plot

import (
	"image/color"
	"math"
)

var (
	white       = color.NRGBA{255, 255, 255, 255}
	transparent = color.NRGBA{}
)

// viridisStops are nine evenly spaced colours of the viridis colour map
// (perceptually uniform, readable in grey and by colour-blind readers).
var viridisStops = [...][3]float64{
	{0x44, 0x01, 0x54}, {0x47, 0x2c, 0x7a}, {0x3b, 0x51, 0x8b}, {0x2c, 0x71, 0x8e},
	{0x21, 0x90, 0x8d}, {0x27, 0xad, 0x81}, {0x5c, 0xc8, 0x63}, {0xaa, 0xdc, 0x32},
	{0xfd, 0xe7, 0x25},
}

// viridis returns the colour at t in [0, 1] (clamped), interpolating the
// stops linearly.
func viridis(t float64) color.NRGBA {
	t = min(max(t, 0), 1)
	s := t * float64(len(viridisStops)-1)
	i := min(int(s), len(viridisStops)-2)
	f := s - float64(i)
	a, b := viridisStops[i], viridisStops[i+1]
	ch := func(k int) uint8 { return uint8(math.Round(a[k] + f*(b[k]-a[k]))) }
	return color.NRGBA{ch(0), ch(1), ch(2), 255}
}

// scale maps values to colours over [lo, hi]: NaN and -Inf (the log of an
// empty bin) are transparent (the white background shows), finite values
// below lo get the lowest colour (or are transparent too if blankBelow) and
// values above hi the top one.
type scale struct {
	lo, hi     float64
	blankBelow bool
}

func (s scale) colour(v float64) color.NRGBA {
	if math.IsNaN(v) || math.IsInf(v, -1) || (s.blankBelow && v < s.lo) {
		return transparent
	}
	return viridis((v - s.lo) / (s.hi - s.lo))
}

// rangeOf returns the least and greatest finite values of vs, or ok = false
// if there are none.
func rangeOf(vs ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	return lo, hi, lo <= hi
}

// safeRange returns a usable colour range from lo, hi: [0, 1] if none is
// known, widened around the value if lo == hi.
func safeRange(lo, hi float64, ok bool) scale {
	if !ok || math.IsNaN(lo) || math.IsNaN(hi) {
		return scale{lo: 0, hi: 1}
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		// One value (one stream candidate, say): centre it in a bar wide
		// enough for readable ticks.
		d := max(math.Abs(lo)*0.1, 0.5)
		return scale{lo: lo - d, hi: hi + d}
	}
	return scale{lo: lo, hi: hi}
}
