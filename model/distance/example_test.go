package distance_test

import (
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// noDust is a map without dust that covers the whole sky.
type noDust struct{}

func (noDust) Query(l, b, d float64) (float64, float64, bool, bool) { return 0, 0, true, true }
func (noDust) Samples(dst []float64, l, b, d float64) []float64     { return append(dst[:0], 0) }

// A catalog row for one star with a noisy parallax, with a CMD that puts
// every star at absolute magnitude 4.0 ± 0.1: the photometry pins the
// distance the parallax alone cannot.
func Example() {
	cmd := distance.LogProbFunc(func(g, bprp, bpg float64) float64 {
		z := (g - 4) / 0.1
		return -z * z / 2
	})
	est, err := distance.New(distance.Config{Seed: 1, K: 4096, NoParallaxOffset: true}, cmd, noDust{})
	if err != nil {
		panic(err)
	}
	r := star.NewRow()
	r.SourceID, r.RA, r.Dec, r.L, r.B = 1, 10, 20, 120, -40
	r.Parallax, r.ParallaxError = 0.6, 0.4                            // SNR 1.5
	r.G, r.BP, r.RP, r.BPRP = 4+5*math.Log10(2000)-5, 15.4, 14.4, 1.0 // at 2 kpc
	r.RUWE = 1.0
	var b star.Block
	b.Append(r)

	var counts distance.Counts
	rows := est.CatalogBlock(nil, &b, &counts)
	fmt.Printf("kept %d of %d\n", counts.Kept, counts.In)
	fmt.Printf("distance %.0f ± %.0f pc (Gaia alone: %.0f pc at SNR 1.5)\n", rows.DistMean[0], rows.DistStd[0], 1000/r.Parallax)

	fmt.Printf("model SNR %.0f, flags %v\n", rows.SNR[0], rows.Flags[0])
	// Output:
	// kept 1 of 1
	// distance 2000 ± 92 pc (Gaia alone: 1667 pc at SNR 1.5)
	// model SNR 22, flags 0
}
