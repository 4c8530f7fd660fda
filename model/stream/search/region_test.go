package search

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/anode/anodetest"
)

// TestSearchRegionPhiScan: in the phi scan the search sees the patch with
// its proper motions exchanged (ScanView) and the region cuts mu_phi*; what
// it returns is in the frame's coordinates again: the stars' mu_phi* and
// mu_lambda as staged, and each ROI's mu_phi* window the search region's,
// its mu_lambda window one of the ROI windows.
func TestSearchRegionPhiScan(t *testing.T) {
	p := anodetest.UniformPatch(20000, uint64(20000))
	sr := anode.Window{Lo: -2, Hi: 4}
	view := ScanView(p, stream.ScanPhi)
	if &view.PMLambda[0] != &p.PMPhi[0] || &view.PMPhi[0] != &p.PMLambda[0] {
		t.Fatal("ScanView(phi) does not exchange the proper-motion columns (sharing the storage)")
	}
	res := &anode.Result{Members: view.Members(nil, sr)}
	rng := rand.New(rand.NewPCG(1, 2))
	for range res.Members {
		res.LogR = append(res.LogR, rng.NormFloat64())
	}
	k := Key{Pixel: 31, RA0: 150, Dec0: 30, Scan: stream.ScanPhi, SR: 3, Window: sr}
	roiCfg := stream.ROIConfig{MinStars: 20}
	out := SearchRegion(stream.NewSearcher(stream.Config{ROI: roiCfg}), stream.NewSelector(roiCfg), k, &view, res)
	if len(out.ROIs) == 0 {
		t.Fatal("no ROI")
	}
	for _, r := range out.ROIs {
		if r.Scan != stream.ScanPhi || r.PMPhiMin != sr.Lo || r.PMPhiMax != sr.Hi || !(r.PMLambdaMax-r.PMLambdaMin == 6) {
			t.Fatalf("ROI windows mu_phi* [%g, %g], mu_lambda [%g, %g], scan %v: want mu_phi* the region's %v",
				r.PMPhiMin, r.PMPhiMax, r.PMLambdaMin, r.PMLambdaMax, r.Scan, sr)
		}
	}
	st := &out.Region.Stars
	byID := map[int64]int{}
	for i, id := range p.SourceID {
		byID[id] = i
	}
	for k, id := range st.SourceID {
		i := byID[id]
		if st.PMPhi[k] != p.PMPhi[i] || st.PMLambda[k] != p.PMLambda[i] || !(sr.Contains(st.PMPhi[k])) {
			t.Fatalf("star %d: mu_phi* %g, mu_lambda %g; staged %g, %g (the region cuts mu_phi* in %v)", id, st.PMPhi[k], st.PMLambda[k], p.PMPhi[i], p.PMLambda[i], sr)
		}
	}
	if math.IsNaN(out.Region.PMLambdaMin) {
		t.Error("region window missing")
	}
}
