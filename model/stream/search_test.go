package stream

import (
	"math"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// simPatches returns the centres of the first n default-grid patches along
// the great circle of ICRS pole (34, 36).
func simPatches(n int) [][2]float64 {
	g := sky.NewGrid(sky.GridConfig{})
	var centres [][2]float64
	for _, i := range CirclePatches(g, 34, 36, 6)[:n] {
		centres = append(centres, [2]float64{g.Patches[i].RA, g.Patches[i].Dec})
	}
	return centres
}

func TestSearchRecoversStream(t *testing.T) {
	// Four overlapping patches of the grid along a great circle, 60 stream
	// stars in each inner disk among 2000 background stars per search
	// region, seven search regions per patch.
	sim := Simulate(SimConfig{Centres: simPatches(4), PoleRA: 34, PoleDec: 36, PMRA: -5, PMDec: -12,
		StreamStars: 60, BackgroundPerSR: 2000, SRsBelow: 3, SRsAbove: 3, Seed: 2})
	res := Search(sim.Regions, Config{ROI: ROIConfig{Skip: CutMag | CutColour}})
	rep := sim.Evaluate(res)
	t.Log(rep)
	if rep.Best != 0 || !slices.Equal(rep.Patches, []int{0, 1, 2, 3}) {
		t.Errorf("the stream is not the first candidate across all four patches: %v", rep)
	}
	if rep.PoleError > 0.5 || rep.Recall < 0.8 || float64(rep.StreamMembers) < 0.25*float64(rep.Members) {
		t.Errorf("poor recovery: %v", rep)
	}
	if got := res.Cuts.Kept + res.Cuts.NoR + res.Cuts.Radius + res.Cuts.PMZero; got == 0 {
		t.Error("no stars counted")
	}
	// Every ROI's members are among its region's stars and in its window.
	for _, r := range res.ROIs {
		st := &sim.Regions[r.Region].Stars
		if len(r.Members) != r.Fit.N {
			t.Fatalf("ROI %+v: %d members, %d curves through the box", r.Fit, len(r.Members), r.Fit.N)
		}
		for _, m := range r.Members {
			if pm := st.PMPhi[m]; pm < r.PMPhiMin || pm >= r.PMPhiMax {
				t.Fatalf("member with mu_phi* %v outside [%v, %v)", pm, r.PMPhiMin, r.PMPhiMax)
			}
		}
	}
	// Member positions on the sky are the frame's.
	cd := &res.Candidates[0]
	for _, m := range cd.Members(res.ROIs, res.Seeds, res.ProtoClusters, sim.Regions)[:20] {
		st := &sim.Regions[m.Region].Stars
		reg := &sim.Regions[m.Region]
		p, q := sky.NewFrame(reg.RA0, reg.Dec0).Position(m.RA, m.Dec)
		if math.Abs(p-st.Phi[m.Star]) > 1e-9 || math.Abs(q-st.Lambda[m.Star]) > 1e-9 || m.SourceID != st.SourceID[m.Star] || m.R != st.R[m.Star] {
			t.Fatalf("member %+v does not match its star", m)
		}
	}
}

func TestSearchNoise(t *testing.T) {
	// The same patches without a stream: no candidate spans two patches.
	sim := Simulate(SimConfig{Centres: simPatches(4), PoleRA: 34, PoleDec: 36, PMRA: -5, PMDec: -12,
		StreamStars: -1, BackgroundPerSR: 2000, SRsBelow: 3, SRsAbove: 3, Seed: 2})
	res := Search(sim.Regions, Config{ROI: ROIConfig{Skip: CutMag | CutColour}})
	for _, c := range res.Candidates {
		if len(c.Patches) > 1 {
			t.Errorf("noise candidate across patches %v (sigma %.1f, N_SR %d)", c.Patches, c.Sigma, c.NSR)
		}
	}
	if rep := sim.Evaluate(res); rep.Best != -1 {
		t.Errorf("stream members without a stream: %v", rep)
	}
}
