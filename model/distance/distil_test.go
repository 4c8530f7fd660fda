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
	if math.Abs(spec.Shear-0.49) > 0.05 || spec.N[0] != 2*nodes || spec.N[1] != nodes || spec.N[2] != nodes/2 {
		t.Errorf("grid spec %+v: want a shear near 0.49 and nodes %d, %d, %d", spec, 2*nodes, nodes, nodes/2)
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

	// A new flow has no thin line: no anisotropy.
	g0, err := flow.New(flow.Config{D: 3, Blocks: 2, Hidden: []int{8}}, flow.Orthogonal, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if s0 := CMDGridSpec(g0, nodes); s0.N[0] != nodes || s0.N[2] != nodes {
		t.Errorf("a new flow's grid spec %+v", s0)
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
