package anode_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// A patch of 6,000 stars with mu_lambda in [-6, 6): the search regions of
// the paper's grid, with size limits scaled down, then ANODE on one of them
// with a small flow.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	p := &anode.Patch{ID: 42}
	for len(p.Phi) < 6000 {
		x, y := 30*rng.Float64()-15, 30*rng.Float64()-15
		if x*x+y*y > 225 {
			continue
		}
		p.Phi = append(p.Phi, x)
		p.Lambda = append(p.Lambda, y)
		p.PMPhi = append(p.PMPhi, 3*rng.NormFloat64())
		p.PMLambda = append(p.PMLambda, 12*rng.Float64()-6)
		p.BPRP = append(p.BPRP, 1+0.3*rng.NormFloat64())
		p.G = append(p.G, 18+rng.NormFloat64())
	}
	regions := anode.Regions(p, anode.RegionOptions{MinStars: 2000, MaxStars: 3000})
	var kept []anode.Region
	for _, r := range regions {
		fmt.Printf("%v %d stars: %v\n", r.Window, r.Stars, r.Veto)
		if r.Veto == anode.Kept {
			kept = append(kept, r)
		}
	}

	// One (patch, region) pair: the unit of training work.
	opt := anode.Options{Blocks: 2, Hidden: 16, Epochs: 3, Average: 2, LR: 1e-2, Seed: 7}
	res, err := anode.Score(p, kept[0].Window, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v: log R of %d stars, %d in the control region\n", res.Window, len(res.LogR), res.CRStars)
	// Output:
	// [-11, -5] 493 stars: too_few
	// [-10, -4] 1023 stars: too_few
	// [-9, -3] 1502 stars: too_few
	// [-8, -2] 1983 stars: too_few
	// [-7, -1] 2483 stars: kept
	// [-6, 0] 3007 stars: too_many
	// [-5, 1] 2961 stars: kept
	// [-4, 2] 2916 stars: kept
	// [-3, 3] 2927 stars: kept
	// [-2, 4] 3006 stars: too_many
	// [-1, 5] 3013 stars: too_many
	// [0, 6] 2993 stars: kept
	// [1, 7] 2546 stars: kept
	// [2, 8] 2061 stars: kept
	// [3, 9] 1571 stars: too_few
	// [4, 10] 1011 stars: too_few
	// [5, 11] 504 stars: too_few
	// [-7, -1]: log R of 2483 stars, 3517 in the control region
}
