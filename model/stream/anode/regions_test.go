package anode

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// uniformPatch returns n stars uniform in the disc of radius 15 degrees,
// with mu_lambda uniform in [muLo, muHi] and Gaussian mu_phi*, b-r and g.
func uniformPatch(n int, muLo, muHi float64, seed uint64) *Patch {
	rng := rand.New(rand.NewPCG(seed, 99))
	p := &Patch{ID: int64(seed)}
	for len(p.Phi) < n {
		x, y := 30*rng.Float64()-15, 30*rng.Float64()-15
		if x*x+y*y > 225 {
			continue
		}
		p.SourceID = append(p.SourceID, int64(len(p.Phi)))
		p.Phi = append(p.Phi, x)
		p.Lambda = append(p.Lambda, y)
		p.PMPhi = append(p.PMPhi, 3*rng.NormFloat64())
		p.PMLambda = append(p.PMLambda, muLo+(muHi-muLo)*rng.Float64())
		p.BPRP = append(p.BPRP, 1+0.3*rng.NormFloat64())
		p.G = append(p.G, 18+rng.NormFloat64())
	}
	return p
}

func TestRegionsGrid(t *testing.T) {
	p := uniformPatch(30000, -20.5, 9.5, 1)
	regs := Regions(p, RegionOptions{MinStars: 4000, MaxStars: 7000})
	// Windows [k, k+6] holding stars of mu in [-20.5, 9.5): k = -26 .. 9,
	// the paper's eq. 1 grid.
	if len(regs) != 36 || regs[0].Lo != -26 || regs[len(regs)-1].Lo != 9 {
		t.Fatalf("got %d regions from %v to %v, want 36 from [-26, -20] to [9, 15]", len(regs), regs[0].Window, regs[len(regs)-1].Window)
	}
	for k, r := range regs {
		if r.Hi-r.Lo != 6 || r.Lo != float64(-26+k) {
			t.Errorf("region %d is %v", k, r.Window)
		}
		n := len(p.Members(nil, r.Window))
		if r.Stars != n || r.Control != p.Len()-n {
			t.Errorf("%v: %d SR, %d CR stars, brute force %d", r.Window, r.Stars, r.Control, n)
		}
		want := Kept
		switch {
		case n < 4000:
			want = TooFew
		case n > 7000:
			want = TooMany
		}
		if r.Veto != want {
			t.Errorf("%v (%d stars): veto %v, want %v (cluster %+v)", r.Window, n, r.Veto, want, r.Cluster)
		}
	}
}

func TestClusterVeto(t *testing.T) {
	// A smooth SR of 40,000 stars: mean 40000/14400 = 2.8 per bin (the
	// corners outside the disc are empty), no veto.
	p := uniformPatch(40000, -3, 3, 2)
	w := Window{Lo: -3, Hi: 3}
	c := ClusterStat(p.Phi, p.Lambda, p.Members(nil, w), ClusterOptions{})
	if c.Vetoes || c.Max > 20 {
		t.Errorf("uniform patch: %+v", c)
	}
	if !scalar.EqualWithinAbs(c.Mean, 40000.0/14400, 1e-12) {
		t.Errorf("mean %v, want %v", c.Mean, 40000.0/14400)
	}
	// A globular cluster: 60 stars in one 0.25-degree bin.
	for range 60 {
		p.Phi = append(p.Phi, 3.1)
		p.Lambda = append(p.Lambda, -7.9)
		p.PMPhi = append(p.PMPhi, 0)
		p.PMLambda = append(p.PMLambda, 0)
		p.BPRP = append(p.BPRP, 1)
		p.G = append(p.G, 18)
		p.SourceID = append(p.SourceID, -1)
	}
	c = ClusterStat(p.Phi, p.Lambda, p.Members(nil, w), ClusterOptions{})
	if !c.Vetoes || c.Max < 60 || math.Abs(c.Phi-3.125) > 1e-9 || math.Abs(c.Lambda+7.875) > 1e-9 {
		t.Errorf("cluster not found: %+v", c)
	}
	regs := Regions(p, RegionOptions{MinStars: 100})
	for _, r := range regs {
		if r.Window == w && r.Veto != GlobularCluster {
			t.Errorf("%v: veto %v", r.Window, r.Veto)
		}
	}
	if c := ClusterStat(p.Phi, p.Lambda, p.Members(nil, w), ClusterOptions{Off: true}); c.Vetoes {
		t.Errorf("veto with Off")
	}
	// The same bin with 25 stars is not enough (N_max > 25 is required).
	q := &Patch{}
	for range 25 {
		q.Phi = append(q.Phi, 0.1)
		q.Lambda = append(q.Lambda, 0.1)
	}
	if c := ClusterStat(q.Phi, q.Lambda, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}, ClusterOptions{}); c.Vetoes || c.Max != 25 {
		t.Errorf("25 stars: %+v", c)
	}
}
