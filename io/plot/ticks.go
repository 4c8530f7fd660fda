package plot

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// ticks is a plot.Ticker of labelled ticks at 1, 2 or 5 × 10^k spaced
// values, 4 to 10 of them over the range, with unlabelled minor ticks
// between: denser than gonum's default, which often labels only two or
// three values of a colour bar or a magnitude axis.
type ticks struct{}

// Ticks implements plot.Ticker.
func (ticks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo < hi) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	step, minor := tickStep(hi - lo)
	prec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var out []plot.Tick
	for k := math.Ceil(lo / minor); k*minor <= hi+1e-9*minor; k++ {
		v := k * minor
		if math.Abs(v) < 1e-12*step {
			v = 0
		}
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = strconv.FormatFloat(v, 'f', prec, 64)
		}
		out = append(out, t)
	}
	return out
}

// tickStep returns the major step, 1, 2 or 5 × 10^k, that gives 4 to 10
// ticks over span, and the minor step.
func tickStep(span float64) (major, minor float64) {
	p := math.Pow(10, math.Floor(math.Log10(span)))
	for _, m := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10} {
		if s := m * p; span/s <= 10 {
			if m == 0.2 || m == 2 {
				return s, s / 4
			}
			return s, s / 5
		}
	}
	return 10 * p, 2 * p
}

// useTicks sets the tickers of p's axes.
func useTicks(p *plot.Plot) {
	p.X.Tick.Marker = ticks{}
	p.Y.Tick.Marker = ticks{}
}
