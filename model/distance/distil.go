package distance

import (
	"errors"
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// DefaultGridNodes is the CMD grid's nodes per dimension: 128^3 nodes over
// ±5 standard deviations of the training data put a node every 0.08
// standard deviations, finer than the photometric errors of the stars the
// catalog serves.
const DefaultGridNodes = 128

// DistilCMD evaluates the CMD flow f (3 data columns, no condition) on a
// grid of nodes (0: DefaultGridNodes) per dimension over its training
// data's mean ± 5 standard deviations, -Inf outside: the density the
// catalog queries millions of times per partition, at the cost of one
// trilinear interpolation each.
func DistilCMD(f *flow.Flow, nodes int) (*flow.Grid, error) {
	if f.D() == 3 && f.C() == 1 {
		return nil, errors.New("a CMD conditioned on the distance (traincmd --distance-context) has no 3-D grid: evaluate the flow itself (distances --exact)")
	}
	if f.D() != 3 || f.C() != 0 {
		return nil, fmt.Errorf("a CMD model has 3 data columns (g, bp-rp, bp-g) and no condition, this one %d and %d", f.D(), f.C())
	}
	if nodes == 0 {
		nodes = DefaultGridNodes
	}
	lo, hi := cmdBox(f.Standardization())
	return flow.NewGrid(f, lo, hi, []int{nodes, nodes, nodes}, flow.GridOptions{Outside: math.Inf(-1)})
}

// cmdBox is where a CMD flow is a density: its training data's mean ± 5
// standard deviations in each of g, bp-rp and bp-g (the grid's box; the
// density is zero outside).
func cmdBox(st flow.Standardization) (lo, hi []float64) {
	lo, hi = make([]float64, 3), make([]float64, 3)
	for j := range lo {
		lo[j], hi[j] = st.XMean[j]-5*st.XScale[j], st.XMean[j]+5*st.XScale[j]
	}
	return lo, hi
}
