package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
)

// TestShearedGridIsNearerTheFlow: for a flow fitted to the mock's true CMD
// (its colours along bp-g = 0.49 bp-rp), CMDGridSpec finds that line and
// the anisotropic layout, and the sheared grid is nearer the flow, where
// the stars are, than the grid of as many nodes on the colours' own axes,
// measured against the flow at random points of the box (flow.Grid's
// MeanErrWeighted; the flow is the reference), and against the true CMD
// (its KL on true draws).
func TestShearedGridIsNearerTheFlow(t *testing.T) {
	cmd := mock.DefaultCMD()
	r := rand.New(rand.NewPCG(1, 2))
	const n = 6000
	x := mat.NewDense(n, 3, nil)
	for i := 0; i < n; i++ {
		g, c1, c2, _ := cmd.Sample(r)
		x.SetRow(i, []float64{g, c1, c2})
	}
	f, err := flow.Fit(x, nil, nil, flow.Config{Blocks: 4, Hidden: []int{32, 32}}, flow.Train{Epochs: 60, Batch: 256, LR: 2e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const nodes = 64
	spec := CMDGridSpec(f, nodes)
	total := spec.N[0] * spec.N[1] * spec.N[2]
	if math.Abs(spec.Shear-0.49) > 0.05 || math.Abs(float64(total)/(nodes*nodes*nodes)-1) > 0.05 || !(spec.N[2] < spec.N[1] && spec.N[2] < spec.N[0]) {
		t.Errorf("grid spec %+v: want a shear near 0.49, about %d nodes, the fewest across the line", spec, nodes*nodes*nodes)
	}
	sheared, err := DistilCMD(f, nodes)
	if err != nil {
		t.Fatal(err)
	}
	if !spec.Matches(sheared) {
		t.Errorf("the distilled grid (%v, %v, %v, %v) is not its spec's", sheared.Lo, sheared.Hi, sheared.N, sheared.Shear)
	}
	lo, hi := cmdBox(f.Standardization())
	cube, err := flow.NewGrid(f, lo, hi, []int{nodes, nodes, nodes}, flow.GridOptions{Outside: math.Inf(-1)})
	if err != nil {
		t.Fatal(err)
	}
	kl := func(g *flow.Grid) float64 {
		rr := rand.New(rand.NewPCG(5, 6))
		return KL(func(p []float64) { p[0], p[1], p[2], _ = cmd.Sample(rr) }, func(p []float64) float64 { return cmd.LogProb(p[0], p[1], p[2]) }, LogProbFunc(func(a, b, c float64) float64 { return g.LogProb([]float64{a, b, c}) }), 20000)
	}
	ks, kc := kl(sheared), kl(cube)
	t.Logf("the flow's KL from the true CMD %.3f", KL(func(p []float64) { p[0], p[1], p[2], _ = cmd.Sample(r) }, func(p []float64) float64 { return cmd.LogProb(p[0], p[1], p[2]) }, FlowDensity{Flow: f}, 20000))
	t.Logf("error where the flow's stars are: sheared %.3f, cube %.3f nats; KL from the true CMD: sheared %.3f, cube %.3f", sheared.MeanErrWeighted, cube.MeanErrWeighted, ks, kc)
	if !(sheared.MeanErrWeighted < 0.8*cube.MeanErrWeighted) || !(ks < kc) {
		t.Errorf("the sheared grid is not nearer: errors %.3f against %.3f, KL %.3f against %.3f", sheared.MeanErrWeighted, cube.MeanErrWeighted, ks, kc)
	}

	// The box the flow's draws fill: narrower than the training data's
	// mean ± 5 sd in g and bp-rp, holding all but a few in 10,000 of
	// other draws of the flow, and its grid nearer the flow than the grid
	// of the same nodes over the wider box.
	wideLo, wideHi := cmdBox(f.Standardization())
	for j := range 2 {
		if !(spec.Lo[j] > wideLo[j] && spec.Hi[j] < wideHi[j]) {
			t.Errorf("axis %d: box [%.2f, %.2f], not inside the mean ± 5 sd [%.2f, %.2f]", j, spec.Lo[j], spec.Hi[j], wideLo[j], wideHi[j])
		}
	}
	draws := f.Sample(nil, 50000, nil, rand.New(rand.NewPCG(9, 10)))
	var out int
	for i := range 50000 {
		if math.IsInf(sheared.LogProb(draws.RawRowView(i)), -1) {
			out++
		}
	}
	if out > 50 {
		t.Errorf("%d of 50,000 draws of the flow outside the grid's box", out)
	}
	wide, err := flow.NewGrid(f, []float64{wideLo[0], wideLo[1], spec.Lo[2]}, []float64{wideHi[0], wideHi[1], spec.Hi[2]}, spec.N, flow.GridOptions{Outside: math.Inf(-1), Shear: spec.Shear})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of 50,000 draws outside; error where the stars are: over the draws' box %.3f, over the wide box %.3f nats", out, sheared.MeanErrWeighted, wide.MeanErrWeighted)
	if !(sheared.MeanErrWeighted < 0.8*wide.MeanErrWeighted) {
		t.Errorf("the grid over the draws' box is not nearer the flow: %.3f against %.3f", sheared.MeanErrWeighted, wide.MeanErrWeighted)
	}
	// The nodes laid out by the flow's curvature (layoutNodes): nearer
	// the flow than as many nodes laid out 2:1 along g and 1:2 across the
	// line (the layout before it), by the flow's own log p at its draws.
	fixed, err := flow.NewGrid(f, spec.Lo, spec.Hi, []int{2 * nodes, nodes, nodes / 2}, flow.GridOptions{Outside: math.Inf(-1), Shear: spec.Shear, ErrPoints: -1})
	if err != nil {
		t.Fatal(err)
	}
	lf := f.LogProb(nil, draws, nil)
	var gapLaid, gapFixed float64
	var in int
	for i := range 50000 {
		a, b := sheared.LogProb(draws.RawRowView(i)), fixed.LogProb(draws.RawRowView(i))
		if math.IsInf(a, -1) || math.IsInf(b, -1) {
			continue
		}
		gapLaid += lf[i] - a
		gapFixed += lf[i] - b
		in++
	}
	gapLaid, gapFixed = gapLaid/float64(in), gapFixed/float64(in)
	t.Logf("nodes %v: log p_flow - log p_grid over the flow's draws %.4f nats, %v: %.4f", spec.N, gapLaid, fixed.N, gapFixed)
	if !(gapLaid < gapFixed) {
		t.Errorf("the laid-out grid %v is not nearer the flow than %v: %.4f against %.4f nats", spec.N, fixed.N, gapLaid, gapFixed)
	}

	// A new flow has no thin line: nodes within a factor 2 of the cube's
	// on every axis.
	g0, err := flow.New(flow.Config{D: 3, Blocks: 2, Hidden: []int{8}}, flow.Orthogonal, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	s0 := CMDGridSpec(g0, nodes)
	for _, v := range s0.N {
		if v < nodes/2 || v > 2*nodes {
			t.Errorf("a new flow's grid spec %+v", s0)
		}
	}
}

// TestLayoutNodesOfAGaussian: for a Gaussian, independent in (g, bp-rp,
// bp-g - s bp-rp) with widths sigma_j, the Fisher information along each
// of the grid's axes is 1/sigma_j², so the nodes go in proportion to
// L_j / sigma_j (the reference is that analytic optimum), about total in
// all; an axis along which the density barely bends gets minLayoutNodes
// and the others share the rest.
func TestLayoutNodesOfAGaussian(t *testing.T) {
	const s = 0.5
	sigma := []float64{0.3, 0.06, 0.03}
	logp := func(dst []float64, x *mat.Dense) []float64 {
		n, _ := x.Dims()
		if dst == nil {
			dst = make([]float64, n)
		}
		for i := range n {
			z := []float64{x.At(i, 0), x.At(i, 1), x.At(i, 2) - s*x.At(i, 1)}
			dst[i] = 0
			for j, v := range z {
				dst[i] -= v * v / (2 * sigma[j] * sigma[j])
			}
		}
		return dst
	}
	r := rand.New(rand.NewPCG(3, 4))
	pts := mat.NewDense(5000, 3, nil)
	for i := range 5000 {
		z0, z1, z2 := sigma[0]*r.NormFloat64(), sigma[1]*r.NormFloat64(), sigma[2]*r.NormFloat64()
		pts.SetRow(i, []float64{z0, z1, z2 + s*z1})
	}
	lo, hi := []float64{-10, -1, -0.2}, []float64{10, 4, 0.5}
	const total = 100 * 100 * 100
	n := layoutNodes(logp, pts, lo, hi, s, total)
	w := []float64{20 / sigma[0], 5 / sigma[1], 0.7 / sigma[2]}
	k := math.Cbrt(total / (w[0] * w[1] * w[2]))
	for j := range n {
		if want := k * w[j]; math.Abs(float64(n[j])-want) > 0.02*want+1 {
			t.Errorf("axis %d: %d nodes, want %.1f (all %v)", j, n[j], want, n)
		}
	}

	// Nearly flat along g: that axis gets the fewest nodes, the others
	// the rest in proportion.
	sigma[0] = 1e4
	n = layoutNodes(logp, pts, lo, hi, s, total)
	if n[0] != minLayoutNodes || math.Abs(float64(n[0]*n[1]*n[2])/total-1) > 0.03 || math.Abs(float64(n[1])/float64(n[2])-w[1]/w[2]) > 0.05*w[1]/w[2] {
		t.Errorf("flat along g: nodes %v, want %d along g and %.2f times as many along bp-rp as across the line", n, minLayoutNodes, w[1]/w[2])
	}
}

// TestColourConditionalOnAShearedGrid: on a sheared grid the colour
// proposal's density is a density in (bp-rp, bp-g) (a Riemann sum over a
// fine grid of the colours gives 1), its draws lie in the cells it gives
// density to, and their share in each half of bp-rp is the density's.
func TestColourConditionalOnAShearedGrid(t *testing.T) {
	const s = 0.5
	g := &flow.Grid{Lo: []float64{0, -1, -0.3}, Hi: []float64{4, 3, 0.3}, N: []int{5, 21, 7}, Outside: math.Inf(-1), Floor: -1000, Shear: s}
	g.Values = make([]float64, 5*21*7)
	for i := range g.Values {
		j1, j2 := i/7%21, i%7
		c1, z2 := -1+0.2*float64(j1), -0.3+0.1*float64(j2)
		g.Values[i] = -0.5*(c1-1)*(c1-1) - z2*z2/(2*0.01)
	}
	c := newColourConditional(g)
	const slice = 2
	var sum float64
	const h = 0.005
	for t1 := -1.2; t1 <= 3.2; t1 += h {
		for t2 := s*t1 - 0.4; t2 <= s*t1+0.4; t2 += h {
			sum += math.Exp(c.logDensity(slice, t1, t2)) * h * h
		}
	}
	if math.Abs(sum-1) > 0.01 {
		t.Errorf("the conditional's density integrates to %.4f", sum)
	}
	r := rand.New(rand.NewPCG(7, 8))
	var low, lowMass float64
	const draws = 100000
	for range draws {
		t1, t2 := c.draw(slice, r.Float64(), r.Float64(), r.Float64())
		if ld := c.logDensity(slice, t1, t2); math.IsInf(ld, -1) {
			t.Fatalf("a draw (%.3f, %.3f) where the density is 0", t1, t2)
		}
		if t1 < 1 {
			low++
		}
	}
	for t1 := -1.2; t1 < 1; t1 += h {
		for t2 := s*t1 - 0.4; t2 <= s*t1+0.4; t2 += h {
			lowMass += math.Exp(c.logDensity(slice, t1, t2)) * h * h
		}
	}
	if math.Abs(low/draws-lowMass) > 0.01 {
		t.Errorf("%.4f of the draws have bp-rp < 1, the density holds %.4f there", low/draws, lowMass)
	}
}
