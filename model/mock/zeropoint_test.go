package mock

import (
	"math"
	"testing"
)

// TestParallaxZeroPoint: the observed parallaxes are the true ones plus
// DR2's zero point (Lindegren et al. 2018: -0.029 mas) and noise, so the
// pipeline's default correction (+0.029) undoes it; NoParallaxZeroPoint
// leaves them unbiased.
func TestParallaxZeroPoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want float64
	}{
		{"default", Config{Seed: 4, Stars: 20000}, -0.029},
		{"none", Config{Seed: 4, Stars: 20000, NoParallaxZeroPoint: true}, 0},
		{"given", Config{Seed: 4, Stars: 20000, ParallaxZeroPoint: -0.05}, -0.05},
	} {
		shards, err := Shards(tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		// The mean of the pulls' offsets, weighted by 1/sigma^2.
		var sw, swd float64
		for _, sh := range shards {
			b, tr, err := Generate(tc.cfg, sh)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tr {
				w := 1 / (b.ParallaxError[i] * b.ParallaxError[i])
				sw += w
				swd += w * (b.Parallax[i] - tr[i].Parallax)
			}
		}
		got, se := swd/sw, 1/math.Sqrt(sw)
		if math.Abs(got-tc.want) > 5*se {
			t.Errorf("%s: mean observed - true parallax %.4f +- %.4f mas, want %.3f", tc.name, got, se, tc.want)
		}
	}
	if err := (Config{NoParallaxZeroPoint: true, ParallaxZeroPoint: 0.01}).Validate(); err == nil {
		t.Error("NoParallaxZeroPoint with a zero point: no error")
	}
}
