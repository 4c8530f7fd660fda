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

// TestNoColourFraction: the share of stars without BP/RP is the one asked
// for, within its binomial error, and those stars keep G and a parallax.
func TestNoColourFraction(t *testing.T) {
	cfg := Config{Seed: 2, Stars: 20000, NoColourFraction: 0.2}
	shards, err := Shards(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var n, none float64
	for _, sh := range shards {
		b, _, err := Generate(cfg, sh)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.SourceID {
			n++
			if math.IsNaN(b.BP[i]) {
				none++
				if !math.IsNaN(b.RP[i]) || !math.IsNaN(b.BPRP[i]) || math.IsNaN(b.G[i]) || math.IsNaN(b.Parallax[i]) {
					t.Fatalf("star %d: BP %g RP %g bp_rp %g G %g parallax %g", b.SourceID[i], b.BP[i], b.RP[i], b.BPRP[i], b.G[i], b.Parallax[i])
				}
			}
		}
	}
	if f, se := none/n, math.Sqrt(0.2*0.8/n); math.Abs(f-0.2) > 5*se {
		t.Errorf("%.4f of the stars without BP/RP, want 0.2", f)
	}
}
