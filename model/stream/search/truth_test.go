package search

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/stream"
)

// TestMatchTruthByHand: the candidate with the most stream stars wins, the
// lower number on a tie; purity is its share of stream stars.
func TestMatchTruthByHand(t *testing.T) {
	truth := map[int64]bool{1: true, 2: true, 3: true, 4: true}
	members := map[int]map[int64]bool{
		0: {1: true, 9: true},
		1: {2: true, 3: true, 10: true, 11: true},
		2: {1: true, 4: true},
	}
	m := MatchTruth(members, truth)
	if m.Best != 1 || m.True != 2 || m.Members != 4 || m.Purity() != 0.5 {
		t.Errorf("%+v purity %g, want candidate 1 with 2 of 4", m, m.Purity())
	}
	if m := MatchTruth(map[int]map[int64]bool{0: {9: true}}, truth); m.Best != -1 || m.Purity() != 0 {
		t.Errorf("no stream star: %+v", m)
	}
}

// TestCoherentSubsetOfTheBestCandidate: Above keeps the members at or over
// a p_stream; Of counts them for the candidate MatchTruth chose.
func TestCoherentSubsetOfTheBestCandidate(t *testing.T) {
	truth := map[int64]bool{1: true, 2: true, 3: true}
	ps := map[int]map[int64]float64{0: {1: 0.9, 2: 0.2, 9: 0.6, 10: 0.1}, 1: {3: 0.7}}
	m := MatchTruth(Above(ps, 0), truth)
	if m.Best != 0 || m.Members != 4 || m.True != 2 {
		t.Fatalf("%+v", m)
	}
	if c := m.Of(Above(ps, 0.5), truth); c.Best != 0 || c.Members != 2 || c.True != 1 || c.Purity() != 0.5 {
		t.Errorf("coherent %+v", c)
	}
	if c := (Match{Best: -1}).Of(Above(ps, 0.5), truth); c.Members != 0 {
		t.Errorf("no candidate: %+v", c)
	}
}

// TestReachIsTheInnerDiskOfSearchedPatches: a star at a searched patch's
// centre with parallax < 1 mas is reachable; one 12 degrees away, one with
// parallax 1.5 mas, and any star when nothing was searched are not.
func TestReachIsTheInnerDiskOfSearchedPatches(t *testing.T) {
	p := sky.NewGrid(sky.GridConfig{}).Patches[10]
	ra, dec := p.Frame().ToICRS(0, 0)
	r := NewReach(map[int64]bool{p.Pixel: true}, stream.ROIConfig{})
	if !r.Reachable(ra, dec, 0.2) {
		t.Error("the patch centre is not reachable")
	}
	if r.Reachable(ra, dec, 1.5) {
		t.Error("a foreground star (parallax 1.5 mas) is reachable")
	}
	ra2, dec2 := p.Frame().ToICRS(12, 0)
	if r.Reachable(ra2, dec2, 0.2) && math.Abs(dec2) < 89 {
		t.Error("a star 12 degrees from the centre is reachable")
	}
	if NewReach(nil, stream.ROIConfig{}).Reachable(ra, dec, 0.2) {
		t.Error("reachable with no patch searched")
	}
	// Inside the cuts: a star at the centre moving 5 mas/yr in a frame
	// axis, of g = 19 and b-r = 0.7; fainter than 20.2, too red, or moving
	// under 2 mas/yr in both axes, it is not.
	f := p.Frame()
	raP, decP := f.ToICRS(0, 0)
	pm := func(pmPhi, pmLam float64) (float64, float64) {
		// Proper motions in ICRS for the frame's (mu_phi*, mu_lambda) by
		// a finite step along the frame's axes.
		const h = 1e-4
		ra1, dec1 := f.ToICRS(h*pmPhi, h*pmLam)
		return (ra1 - raP) / h * math.Cos(decP*math.Pi/180), (dec1 - decP) / h
	}
	pra, pdec := pm(5, 0)
	if !r.InCuts(raP, decP, pra, pdec, 0.2, 19, 0.7) {
		t.Error("a star inside the fiducial cuts is not counted")
	}
	for name, c := range map[string][3]float64{"faint": {20.5, 0.7, 5}, "red": {19, 1.2, 5}, "slow": {19, 0.7, 1}} {
		pra, pdec := pm(c[2], 0)
		if r.InCuts(raP, decP, pra, pdec, 0.2, c[0], c[1]) {
			t.Errorf("%s star counted inside the cuts", name)
		}
	}
}
