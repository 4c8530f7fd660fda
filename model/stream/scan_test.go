package stream

import (
	"math"
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

// TestRetrainingsMajority: with three retrainings, a line found by two of
// them in one patch is one candidate found twice (kept with the majority
// cut of 2), a line found by only one is dropped; the members of the kept
// one count the retrainings that selected them.
func TestRetrainingsMajority(t *testing.T) {
	f := sky.NewFrame(150, 20)
	var rois []ROI
	add := func(retraining, pm int, theta, rho float64) {
		for sr := range 3 {
			r := roiRow(f, 1, sr, pm, theta, rho, 6)
			r.Retraining = retraining
			r.Region = 0
			r.Members = []int32{int32(retraining), 5}
			rois = append(rois, r)
		}
	}
	add(0, 0, 1.0, 2.0)
	add(2, 0, 1.02, 2.2) // the same stream, another seed
	add(1, 4, 2.5, -3)   // another line, one retraining only
	seeds := Seeds(rois, MergeConfig{})
	pcs := ProtoClusters(rois, seeds, MergeConfig{})
	all := Candidates(rois, seeds, pcs, MergeConfig{})
	if len(all) != 2 {
		t.Fatalf("%d candidates without the majority cut, want 2", len(all))
	}
	cands := Candidates(rois, seeds, pcs, MergeConfig{MinRetrainings: 2})
	if len(cands) != 1 || cands[0].Retrainings != 2 || len(cands[0].ProtoClusters) != 2 {
		t.Fatalf("with the majority cut: %+v, want one candidate of 2 retrainings", cands)
	}
	region := Region{Stars: Stars{Phi: make([]float64, 6), Lambda: make([]float64, 6), R: make([]float64, 6),
		SourceID: []int64{100, 101, 102, 103, 104, 105}}}
	sel := Selections(cands[0].Members(rois, seeds, pcs, []Region{region}))
	// Star 5 (source 105) is in both retrainings' lines; stars 0 and 2 in one each.
	if sel[105] != 2 || sel[100] != 1 || sel[102] != 1 || len(sel) != 3 {
		t.Errorf("selections %v, want 105: 2, 100: 1, 102: 1", sel)
	}
}

// TestCandidatesByRetraining: each training's candidates counted as if it
// had searched alone. Retraining 0 finds two lines above the cuts, 1 one
// of them, 2 only a line too faint (sigma_tot 3 sqrt 3 < 8); a majority of
// the three keeps the one line two trainings found.
func TestCandidatesByRetraining(t *testing.T) {
	f := sky.NewFrame(150, 20)
	var rois []ROI
	add := func(retraining, pm int, theta, rho, sigma float64) {
		for sr := range 3 {
			r := roiRow(f, 1, sr, pm, theta, rho, sigma)
			r.Retraining = retraining
			rois = append(rois, r)
		}
	}
	add(0, 0, 1.0, 2.0, 6)
	add(0, 8, 2.5, -3, 6)
	add(1, 0, 1.02, 2.2, 6)
	add(2, 8, 2.5, -3, 3)
	seeds := Seeds(rois, MergeConfig{})
	pcs := ProtoClusters(rois, seeds, MergeConfig{})
	cfg := MergeConfig{MinRetrainings: 2}
	if got := CandidatesByRetraining(rois, seeds, pcs, cfg); !slices.Equal(got, []int{2, 1, 0}) {
		t.Errorf("CandidatesByRetraining = %v, want [2 1 0]", got)
	}
	if cands := Candidates(rois, seeds, pcs, cfg); len(cands) != 1 || cands[0].Retrainings != 2 {
		t.Errorf("with the majority cut: %+v, want one candidate of 2 retrainings", cands)
	}
	// Without retrainings the one count is the search's own.
	one := rois[:6]
	s1 := Seeds(one, MergeConfig{})
	p1 := ProtoClusters(one, s1, MergeConfig{})
	if got, all := CandidatesByRetraining(one, s1, p1, MergeConfig{}), Candidates(one, s1, p1, MergeConfig{}); !slices.Equal(got, []int{len(all)}) || len(all) != 2 {
		t.Errorf("one training: CandidatesByRetraining = %v, Candidates %d; want [2] and 2", got, len(all))
	}
}

// TestNullSkySummary: the largest proto-cluster per patch, and the false
// positives per patch with the quantiles of those maxima (patches without
// a proto-cluster count as 0), checked by hand.
func TestNullSkySummary(t *testing.T) {
	pcs := []ProtoCluster{{Patch: 3, Sigma: 4, NSR: 2}, {Patch: 1, Sigma: 9, NSR: 3}, {Patch: 3, Sigma: 7, NSR: 4}, {Patch: 1, Sigma: 2}}
	largest := LargestByPatch(pcs)
	if want := []PatchSigma{{1, 9, 3}, {3, 7, 4}}; !slices.Equal(largest, want) {
		t.Fatalf("LargestByPatch = %v, want %v", largest, want)
	}
	fp := NullSky(4, 1, largest, 8, []float64{0, 0.5, 1})
	// Maxima over 4 patches: 0, 0, 7, 9.
	if fp.PerPatch != 0.25 || fp.AboveSigma != 1 || fp.Max != 9 || !slices.Equal(fp.Sigma, []float64{0, 3.5, 9}) {
		t.Errorf("NullSky = %+v", fp)
	}
	// One false positive in 4 patches: mu <= 4.744 at 95 %.
	if math.Abs(fp.UpperPerPatch-4.744/4) > 0.001 {
		t.Errorf("NullSky upper limit per patch %g, want %g", fp.UpperPerPatch, 4.744/4)
	}
}

// TestSingleTrainings: two searches with three trainings (4 and 2 patches)
// and one without retrainings, which is left out: 18 patch-trainings, 3
// candidates, at most 7.754 (Gehrels 1986) / 18 at 95 %; a confirming
// search counts its first training only.
func TestSingleTrainings(t *testing.T) {
	fp, ok := SingleTrainings([]int{4, 5, 2}, [][]int{{1, 0, 1}, nil, {0, 1, 0}})
	if !ok || fp.PatchTrainings != 18 || fp.Candidates != 3 || fp.PerPatch != 3.0/18 {
		t.Errorf("SingleTrainings = %+v, %v; want 18 patch-trainings, 3 candidates", fp, ok)
	}
	if math.Abs(fp.UpperPerPatch-7.754/18) > 0.001 {
		t.Errorf("upper limit %g, want %g", fp.UpperPerPatch, 7.754/18)
	}
	if _, ok := SingleTrainings([]int{3}, [][]int{nil}); ok {
		t.Error("SingleTrainings of a search without retrainings: ok")
	}
	// A confirming search gives its first training's count alone: its
	// patches count once.
	fp, ok = SingleTrainings([]int{4, 3}, [][]int{{1, 0, 1}, {2}})
	if !ok || fp.PatchTrainings != 15 || fp.Candidates != 4 {
		t.Errorf("SingleTrainings with a confirming search = %+v, %v; want 15 patch-trainings, 4 candidates", fp, ok)
	}
}

// TestPoissonUpper: the 95 % upper limits of Gehrels (1986, ApJ 303, 336,
// Table 1, to the table's digits), and each limit's defining tail,
// summed term by term: P(X <= k | mu) = 1 - CL.
func TestPoissonUpper(t *testing.T) {
	gehrels := []float64{2.996, 4.744, 6.296, 7.754, 9.154, 10.51, 11.84, 13.15, 14.43, 15.71, 16.96}
	for k, want := range gehrels {
		mu := PoissonUpper(k, 0.95)
		if math.Abs(mu-want) > 0.006 {
			t.Errorf("PoissonUpper(%d, 0.95) = %.4f, Gehrels %g", k, mu, want)
		}
		term, sum := math.Exp(-mu), 0.0
		for i := 0; i <= k; i++ {
			sum += term
			term *= mu / float64(i+1)
		}
		if math.Abs(sum-0.05) > 1e-9 {
			t.Errorf("k = %d: P(X <= k | %.4f) = %.12f, want 0.05", k, mu, sum)
		}
	}
	if mu := PoissonUpper(0, 0.8413); math.Abs(mu-1.841) > 0.001 {
		t.Errorf("PoissonUpper(0, 0.8413) = %.4f, Gehrels 1.841", mu)
	}
}
