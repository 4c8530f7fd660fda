package dust_test

import (
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// A one-pixel Bayestar17 map with two samples on a grid of three distance
// moduli, queried at 1 kpc (DM 10, between the grid points 8 and 12).
func ExampleBayestar() {
	m, err := dust.NewBayestar(dust.Grid{
		Version: "bayestar2017",
		DM:      []float64{4, 8, 12},
		NSide:   []int32{256}, Pixel: []int64{sky.NestedPixel(256, 90, 10)},
		DMReliableMin: []float32{6}, DMReliableMax: []float32{14}, Converged: []bool{true},
		NumSamples: 2,
		Samples:    []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, // [DM][sample]
		Best:       []float32{0.15, 0.35, 0.55},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := m.At(90, 10, 1000, dust.DrawFor(1, 2))
	fmt.Printf("median %.2f std %.2f sample %d = %.2f best %.2f reliable %v\n",
		p.Median, p.Std, p.Index, p.Sample, p.Best, p.Flags&dust.Reliable != 0)
	aG, eBPRP, _ := dust.Extinction{}.Gaia(p.Median, m.Units())
	fmt.Printf("A_G %.3f E(BP-RP) %.3f\n", aG, eBPRP)
	q := m.At(0, -80, 1000, 0) // a hole
	fmt.Println(q.Flags&dust.Covered != 0, math.IsNaN(q.Median))
	// Output:
	// median 0.45 std 0.05 sample 1 = 0.50 best 0.45 reliable true
	// A_G 1.099 E(BP-RP) 0.345
	// false true
}
