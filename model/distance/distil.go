package distance

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"gonum.org/v1/gonum/mat"
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
	Tail   *GridSpec // of the grid's flow.Grid.Tail, nil for none
}

// Matches reports whether g was made to s: the same box, nodes, shear and
// tail.
func (s GridSpec) Matches(g *flow.Grid) bool {
	if !slices.Equal(s.Lo, g.Lo) || !slices.Equal(s.Hi, g.Hi) || !slices.Equal(s.N, g.N) || s.Shear != g.Shear {
		return false
	}
	if s.Tail == nil || g.Tail == nil {
		return s.Tail == nil && g.Tail == nil
	}
	return s.Tail.Matches(g.Tail)
}

// CMDGridSpec returns the grid of size nodes (0: DefaultGridNodes; nodes^3
// in all) for the CMD flow f, over the box its draws fill (drawBox: drawn
// from f, so the grid depends on f alone) on axes g, bp-rp and, along the
// line the colours lie on, bp-g - s (bp-rp), with the nodes spread over
// the axes where the flow's density bends (layoutNodes; a cube where the
// draws do not tell). Measured on the 200,000-star paper-000 sky
// (README): the true CMD is 0.072 nats from a trained flow and 0.269 from
// its grid of 128 nodes on each unsheared axis over the training data's
// mean ± 5 standard deviations, 0.255 with the shear alone, 0.167 with the
// shear and 256 x 128 x 64 nodes; and the grid of the box the draws fill
// is half as far from the flow as the grid of that wider box. Beyond the
// box, where a few in 100,000 of the true CMD's stars are, the grid's tail
// (nodes/4 a side, unsheared) covers the wider box.
func CMDGridSpec(f *flow.Flow, nodes int) GridSpec {
	if nodes == 0 {
		nodes = DefaultGridNodes
	}
	wideLo, wideHi := cmdBox(f.Standardization())
	shear, lo, hi, draws := drawBox(f)
	n := []int{nodes, nodes, nodes}
	if draws != nil {
		logp := func(dst []float64, x *mat.Dense) []float64 { return f.LogProb(dst, x, nil) }
		m, _ := draws.Dims()
		n = layoutNodes(logp, draws.Slice(0, min(m, layoutDraws), 0, 3).(*mat.Dense), lo, hi, shear, nodes*nodes*nodes)
	}
	tn := max(nodes/4, 2)
	tail := &GridSpec{Lo: wideLo, Hi: wideHi, N: []int{tn, tn, tn}}
	return GridSpec{Lo: lo, Hi: hi, N: n, Shear: shear, Tail: tail}
}

// DistilCMD evaluates the CMD flow f (3 data columns, no condition) on the
// grid of size nodes (0: DefaultGridNodes) that CMDGridSpec lays out, and
// its tail, -Inf outside that: the density the catalog queries millions
// of times per partition, at the cost of one trilinear interpolation each.
func DistilCMD(f *flow.Flow, nodes int) (*flow.Grid, error) {
	return distilCMD(f, nodes, 0)
}

// distilCMD is DistilCMD with errPoints random points at which the grid's
// error against the flow is measured (flow.GridOptions.ErrPoints: 0 the
// default, negative none). The training distils a grid at every pass and
// reads no error off it: 100,000 flow evaluations a pass that it skips.
func distilCMD(f *flow.Flow, nodes, errPoints int) (*flow.Grid, error) {
	if f.D() == 3 && f.C() == 1 {
		return nil, errors.New("a CMD conditioned on the distance (traincmd --distance-context) has no 3-D grid: evaluate the flow itself (distances --exact)")
	}
	if f.D() != 3 || f.C() != 0 {
		return nil, fmt.Errorf("a CMD model has 3 data columns (g, bp-rp, bp-g) and no condition, this one %d and %d", f.D(), f.C())
	}
	s := CMDGridSpec(f, nodes)
	g, err := flow.NewGrid(f, s.Lo, s.Hi, s.N, flow.GridOptions{Outside: math.Inf(-1), Shear: s.Shear, ErrPoints: errPoints})
	if err != nil || s.Tail == nil {
		return g, err
	}
	t := s.Tail
	g.Tail, err = flow.NewGrid(f, t.Lo, t.Hi, t.N, flow.GridOptions{Outside: math.Inf(-1), Shear: t.Shear, ErrPoints: -1})
	return g, err
}

// boxDraws is how many draws of the flow drawBox reads, and layoutDraws
// how many of them layoutNodes reads: its Fisher informations are means,
// to a per cent or so from 2,000 draws, and the training lays out its grid
// at every pass (7 flow evaluations a draw).
const (
	boxDraws    = 20000
	layoutDraws = 2000
)

// boxMargin is how far, in magnitudes, the grid's box reaches beyond the
// 0.01 % and 99.99 % points of the flow's draws along g, bp-rp and
// bp-g - s (bp-rp): the tails, with a tenth of a per cent of the stars,
// and a margin for the interpolation at the box's edge, about a sequence's
// width (the residual from the colours' line is a few hundredths).
var boxMargin = [3]float64{1, 0.3, 0.15}

// drawBox fits the line the flow's colours lie on, bp-g = s (bp-rp) + c,
// by least squares over boxDraws draws of f (a fixed seed), and returns s
// and the box of (g, bp-rp, r = bp-g - s (bp-rp)) that the draws fill:
// boxMargin beyond their 0.01 % and 99.99 % points (r is skewed: the red
// dwarfs lie below the line), of the draws inside cmdBox, and never beyond
// that box in g and bp-rp. The training data's mean ± 5 standard
// deviations, cmdBox, is twice as wide as the CMD in g (its stars from
// M_G -4 to 16 over a box of 40 mag) and half as wide again in bp-rp:
// a grid over it spends half its nodes where the flow has no stars. A flow
// that has not learned the line (a new one is a Gaussian) gives s near 0,
// and one with a tenth of its draws or fewer inside cmdBox gives s = 0
// and cmdBox itself.
func drawBox(f *flow.Flow) (s float64, lo, hi []float64, draws *mat.Dense) {
	lo3, hi3 := cmdBox(f.Standardization())
	x := f.Sample(nil, boxDraws, nil, rand.New(rand.NewPCG(0x636f6c, 0x6c696e65)))
	var rows []float64
	for i := range boxDraws {
		row := x.RawRowView(i)
		// Only the draws inside the wide box: a flow early in its
		// training draws a few points far outside, which would set the
		// line.
		in := true
		for j, v := range row {
			in = in && v >= lo3[j] && v <= hi3[j]
		}
		if in {
			rows = append(rows, row...)
		}
	}
	n := len(rows) / 3
	if n < boxDraws/10 {
		return 0, lo3, hi3, nil
	}
	draws = mat.NewDense(n, 3, rows)
	c := [3][]float64{mat.Col(nil, 0, draws), mat.Col(nil, 1, draws), mat.Col(nil, 2, draws)}
	m1, m2 := stat.Mean(c[1], nil), stat.Mean(c[2], nil)
	var sxy, sxx float64
	for i := range c[1] {
		sxy += (c[1][i] - m1) * (c[2][i] - m2)
		sxx += (c[1][i] - m1) * (c[1][i] - m1)
	}
	if sxx > 0 {
		s = sxy / sxx
	}
	for i := range c[2] {
		c[2][i] -= s * c[1][i]
	}
	lo, hi = make([]float64, 3), make([]float64, 3)
	for j := range c {
		sort.Float64s(c[j])
		lo[j] = stat.Quantile(1e-4, stat.Empirical, c[j], nil) - boxMargin[j]
		hi[j] = stat.Quantile(1-1e-4, stat.Empirical, c[j], nil) + boxMargin[j]
		if j < 2 {
			lo[j], hi[j] = max(lo[j], lo3[j]), min(hi[j], hi3[j])
		}
	}
	return s, lo, hi, draws
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
