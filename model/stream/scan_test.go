package stream

import (
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// TestScansMergeByLine: ROIs of the two proper-motion scans of one patch
// never share a seed or a proto-cluster (their SR and window numbers count
// different coordinates), but proto-clusters of the two scans whose lines
// agree are one stream candidate; a line of the other scan 30 degrees
// askew stays a candidate of its own.
func TestScansMergeByLine(t *testing.T) {
	f := sky.NewFrame(150, 20)
	var rois []ROI
	add := func(scan Scan, pm int, theta, rho float64) {
		for sr := range 3 {
			r := roiRow(f, 1, sr, pm, theta, rho, 6)
			r.Scan = scan
			rois = append(rois, r)
		}
	}
	add(ScanLambda, 0, 1.0, 2.0)
	add(ScanPhi, 0, 1.05, 2.3) // the same stream seen by the other scan
	add(ScanPhi, 5, 1.0+0.52, -4)
	seeds := Seeds(rois, MergeConfig{})
	want := [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}}
	if got := seedROIs(seeds); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("seeds %v, want %v: one per scan and line", got, want)
	}
	pcs := ProtoClusters(rois, seeds, MergeConfig{})
	if len(pcs) != 3 {
		t.Fatalf("%d proto-clusters, want 3", len(pcs))
	}
	cands := Candidates(rois, seeds, pcs, MergeConfig{})
	var got [][]int
	for _, c := range cands {
		got = append(got, c.ProtoClusters)
	}
	if want := [][]int{{0, 1}, {2}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("candidates by proto-cluster %v, want %v", got, want)
	}
	if p := cands[0].Patches; !slices.Equal(p, []int{1}) {
		t.Errorf("merged candidate's patches %v, want [1]", p)
	}
}

func TestParseScans(t *testing.T) {
	for in, want := range map[string][]Scan{
		"lambda": {ScanLambda}, "phi": {ScanPhi}, "both": {ScanLambda, ScanPhi}, "phi,lambda,phi": {ScanPhi, ScanLambda},
	} {
		got, err := ParseScans(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseScans(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseScans("mu"); err == nil {
		t.Error("ParseScans(mu): no error")
	}
}
