// Package anodetest makes patches for the tests of the packages that carry
// them (the streams' transforms, their storage, the search of one region).
package anodetest

import (
	"math"
	"math/rand/v2"

	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// UniformPatch returns patch 31 of n stars spread uniformly over a
// 30-degree square, with Gaussian proper motions (5 mas/yr in each axis),
// b-r in [0.5, 1.5] and g in [15, 20], and proper-motion errors growing
// with g as Gaia DR2's do (0.07 mas/yr at g = 15, 0.7 at 20); seed keys
// the draws.
func UniformPatch(n int, seed uint64) *anode.Patch {
	rng := rand.New(rand.NewPCG(seed, 9))
	p := &anode.Patch{ID: 31}
	for i := 0; i < n; i++ {
		p.SourceID = append(p.SourceID, rng.Int64())
		p.Phi = append(p.Phi, rng.Float64()*30-15)
		p.Lambda = append(p.Lambda, rng.Float64()*30-15)
		p.PMPhi = append(p.PMPhi, rng.NormFloat64()*5)
		p.PMLambda = append(p.PMLambda, rng.NormFloat64()*5)
		p.BPRP = append(p.BPRP, 0.5+rng.Float64())
		p.G = append(p.G, 15+rng.Float64()*5)
		p.PMError = append(p.PMError, 0.07*math.Pow(10, 0.2*(p.G[i]-15)))
	}
	return p
}
