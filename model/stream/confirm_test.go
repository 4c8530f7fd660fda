package stream

import (
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// TestConfirmSpans: the regions a confirming search retrains are those of
// the proto-clusters that pass the cuts, widened by the N_SR cut on each
// side and joined where they meet, per patch and scan; proto-clusters below
// either cut add nothing.
func TestConfirmSpans(t *testing.T) {
	f := sky.NewFrame(150, 20)
	var rois []ROI
	add := func(patch int, scan Scan, pm, sr0, n int, theta, sigma float64) {
		for sr := sr0; sr < sr0+n; sr++ {
			r := roiRow(f, patch, sr, pm, theta, 1, sigma)
			r.Scan = scan
			rois = append(rois, r)
		}
	}
	add(1, ScanLambda, 0, 0, 3, 1.0, 6)   // sigma_tot 10.4, N_SR 3: passes
	add(1, ScanLambda, 8, 6, 3, 2.5, 6)   // passes; its span meets the first's
	add(1, ScanLambda, 20, 20, 2, 0.3, 9) // N_SR 2: stopped by the N_SR cut
	add(2, ScanLambda, 0, 10, 3, 1.0, 3)  // sigma_tot 5.2: stopped by the sigma cut
	add(2, ScanLambda, 0, 30, 3, 1.0, 6)  // passes
	add(1, ScanPhi, 0, 0, 3, 1.0, 6)      // the other scan of patch 1: its own span
	got := ConfirmSpans(rois, MergeConfig{})
	want := []SRSpan{{1, ScanLambda, -3, 11}, {1, ScanPhi, -3, 5}, {2, ScanLambda, 27, 35}}
	if !slices.Equal(got, want) {
		t.Errorf("ConfirmSpans = %v, want %v", got, want)
	}
	// With N_SR >= 2 the short one passes too, widened by 2.
	got = ConfirmSpans(rois, MergeConfig{MinNSR: 2})
	want = []SRSpan{{1, ScanLambda, -2, 10}, {1, ScanLambda, 18, 23}, {1, ScanPhi, -2, 4}, {2, ScanLambda, 28, 34}}
	if !slices.Equal(got, want) {
		t.Errorf("ConfirmSpans with N_SR >= 2 = %v, want %v", got, want)
	}
	if got := ConfirmSpans(nil, MergeConfig{}); len(got) != 0 {
		t.Errorf("ConfirmSpans of no ROI = %v", got)
	}
	for _, c := range []struct {
		patch       int
		scan        Scan
		first, last int
		want        bool
	}{
		{1, ScanLambda, 11, 13, true}, {1, ScanLambda, 12, 14, false}, {1, ScanLambda, -5, -3, true}, {1, ScanLambda, -6, -4, false},
		{1, ScanPhi, 6, 8, false}, {3, ScanLambda, 0, 2, false}, {2, ScanLambda, 12, 14, false}, {2, ScanLambda, 24, 27, true},
	} {
		if got := Overlaps(ConfirmSpans(rois, MergeConfig{}), c.patch, c.scan, c.first, c.last); got != c.want {
			t.Errorf("Overlaps(patch %d, %v, %d..%d) = %v, want %v", c.patch, c.scan, c.first, c.last, got, c.want)
		}
	}
}
