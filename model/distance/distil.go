package distance

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// DefaultGridNodes is the CMD grid's size: DefaultGridNodes^3 nodes (2.1
// million), laid out by CMDGridSpec.
const DefaultGridNodes = 128

// GridSpec is where a CMD grid's nodes are (flow.NewGrid's box, nodes per
// axis and shear).
type GridSpec struct {
	Lo, Hi []float64
	N      []int
	Shear  float64
}

// Matches reports whether g was made to s: the same box, nodes and shear.
func (s GridSpec) Matches(g *flow.Grid) bool {
	return slices.Equal(s.Lo, g.Lo) && slices.Equal(s.Hi, g.Hi) && slices.Equal(s.N, g.N) && s.Shear == g.Shear
}

// CMDGridSpec returns the grid of size nodes (0: DefaultGridNodes; nodes^3
// in all) for the CMD flow f: over its training data's mean ± 5 standard
// deviations in g and bp-rp, and on a third axis along the line the
// colours lie on, bp-g - s (bp-rp), over the box of colourLine (drawn from
// f, so the grid depends on f alone). Where that axis's box is at most half
// as wide as bp-g's own, the nodes go 2 nodes along g, nodes along bp-rp
// and nodes/2 along it; otherwise nodes along each. A CMD's sequences are
// narrower in g at a given colour (a few tenths of a magnitude, over a box
// of 40) than in bp-rp, and across the line a few hundredths of a
// magnitude. Measured on the 200,000-star paper-000 sky (README): the true
// CMD is 0.072 nats from a trained flow and 0.269 from its grid of 128
// nodes on each unsheared axis, 0.255 with the shear alone, 0.167 with the
// shear and the layout.
func CMDGridSpec(f *flow.Flow, nodes int) GridSpec {
	if nodes == 0 {
		nodes = DefaultGridNodes
	}
	lo, hi := cmdBox(f.Standardization())
	shear, lo2, hi2 := colourLine(f)
	n := []int{nodes, nodes, nodes}
	if hi2-lo2 <= 0.5*(hi[2]-lo[2]) {
		n = []int{2 * nodes, nodes, max(nodes/2, 2)}
	}
	lo[2], hi[2] = lo2, hi2
	return GridSpec{Lo: lo, Hi: hi, N: n, Shear: shear}
}

// DistilCMD evaluates the CMD flow f (3 data columns, no condition) on the
// grid of size nodes (0: DefaultGridNodes) that CMDGridSpec lays out, -Inf
// outside: the density the catalog queries millions of times per
// partition, at the cost of one trilinear interpolation each.
func DistilCMD(f *flow.Flow, nodes int) (*flow.Grid, error) {
	if f.D() == 3 && f.C() == 1 {
		return nil, errors.New("a CMD conditioned on the distance (traincmd --distance-context) has no 3-D grid: evaluate the flow itself (distances --exact)")
	}
	if f.D() != 3 || f.C() != 0 {
		return nil, fmt.Errorf("a CMD model has 3 data columns (g, bp-rp, bp-g) and no condition, this one %d and %d", f.D(), f.C())
	}
	s := CMDGridSpec(f, nodes)
	return flow.NewGrid(f, s.Lo, s.Hi, s.N, flow.GridOptions{Outside: math.Inf(-1), Shear: s.Shear})
}

// colourLineDraws is how many draws of the flow colourLine fits.
const colourLineDraws = 20000

// colourLine fits the line the flow's colours lie on, bp-g = s (bp-rp) +
// c, by least squares over colourLineDraws draws of f (a fixed seed), and
// returns s and the box of the residual r = bp-g - s (bp-rp): 0.15 mag
// beyond its 0.01 % and 99.99 % points (the residual is skewed: the red
// dwarfs lie below the line), of the draws inside the unsheared box. A flow that has
// not learned the line (a new one is a Gaussian) gives s near 0 and the box
// of bp-g itself, and so does one with a tenth of its draws or fewer inside
// the box.
func colourLine(f *flow.Flow) (s, lo, hi float64) {
	lo3, hi3 := cmdBox(f.Standardization())
	x := f.Sample(nil, colourLineDraws, nil, rand.New(rand.NewPCG(0x636f6c, 0x6c696e65)))
	var c1, c2 []float64
	for i := range colourLineDraws {
		row := x.RawRowView(i)
		// Only the draws inside the unsheared box: a flow early in its
		// training draws a few points far outside, which would set the
		// line.
		in := true
		for j, v := range row {
			in = in && v >= lo3[j] && v <= hi3[j]
		}
		if in {
			c1, c2 = append(c1, row[1]), append(c2, row[2])
		}
	}
	if len(c1) < colourLineDraws/10 {
		return 0, lo3[2], hi3[2]
	}
	m1, m2 := stat.Mean(c1, nil), stat.Mean(c2, nil)
	var sxy, sxx float64
	for i := range c1 {
		sxy += (c1[i] - m1) * (c2[i] - m2)
		sxx += (c1[i] - m1) * (c1[i] - m1)
	}
	if sxx > 0 {
		s = sxy / sxx
	}
	r := make([]float64, len(c1))
	for i := range r {
		r[i] = c2[i] - s*c1[i]
	}
	sort.Float64s(r)
	qlo, qhi := stat.Quantile(1e-4, stat.Empirical, r, nil), stat.Quantile(1-1e-4, stat.Empirical, r, nil)
	return s, qlo - 0.15, qhi + 0.15
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
