package dust

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLineIsAt: a map's answers along a line of sight (Liner) are its
// answers to the same queries one by one, for Bayestar (covered and
// uncovered directions, distances inside, before and past its grid, 0,
// negative and NaN) and for the exact Gaussian map and another field.
func TestLineIsAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	bay, err := NewBayestar(randomGrid(rng, 16, 128, 5, 120))
	if err != nil {
		t.Fatal(err)
	}
	maps := map[string]Map{
		"bayestar": bay,
		"gaussian": NewExact(&Gaussian{RA: 240, Dec: -10, SigmaRA: 40, SigmaDec: 25, Peak: 0.2, Base: 0.01}),
		"field":    NewExact(squareField{}),
	}
	for name, m := range maps {
		liner, ok := m.(Liner)
		if !ok {
			t.Fatalf("%s is not a Liner", name)
		}
		for i := 0; i < 300; i++ {
			l, b := 360*rng.Float64(), 180*rng.Float64()-90
			ln := liner.Line(l, b)
			for _, d := range []float64{0, -3, math.NaN(), 1, 30, math.Pow(10, 1+4*rng.Float64()), 1e6} {
				draw := rng.Uint64()
				if got, want := ln.At(d, draw), m.At(l, b, d, draw); !samePoint(got, want) {
					t.Fatalf("%s at (%g, %g, %g): Line %+v, At %+v", name, l, b, d, got, want)
				}
			}
		}
	}
}

// squareField is a field that is not linear in distance.
type squareField struct{}

func (squareField) E(ra, dec, distPC float64) float64 {
	return 1e-7 * distPC * distPC * (1 + math.Cos(ra*math.Pi/180))
}
