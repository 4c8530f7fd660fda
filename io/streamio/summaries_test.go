package streamio

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream"
)

// nullRunSummary is summary.json of a search, written by hand as the
// search writes it.
func nullRunSummary(t *testing.T, dir, largest string, regions, rois, candidates, patches int, epochs, maxSigmaL, minSigma string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	js := `{"search_regions": ` + strconv.Itoa(regions) + `, "rois": ` + strconv.Itoa(rois) + `, "rois_vetoed": 1, "seeds": 10, "proto_clusters": 5,
  "candidates": ` + strconv.Itoa(candidates) + `, "anode_seconds": 100, "cr_epochs": ` + epochs + `, "max_sigma_l": ` + maxSigmaL + `,
  "patches": ` + strconv.Itoa(patches) + `, "largest_proto_cluster_by_patch": ` + largest + `,
  "min_sigma": ` + minSigma + `, "min_nsr": 3, "min_retrainings": 0,
  "fiducial_cuts": {"radius_deg": 10, "g_max": 20.2, "pm_zero": 2, "bp_rp_min": 0.5, "bp_rp_max": 1, "photometric_cuts": true}}`
	if err := os.WriteFile(filepath.Join(dir, SummaryJSON), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
}

// addSearched adds the list of searched patches to the summary in dir.
func addSearched(t *testing.T, dir, list string) {
	t.Helper()
	p := filepath.Join(dir, SummaryJSON)
	js, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	js = append(bytes.TrimSuffix(bytes.TrimSpace(js), []byte("}")), []byte(`, "searched_patches": `+list+"}")...)
	if err := os.WriteFile(p, js, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCombineSummariesOfANullSky: a null sky searched a patch at a time
// is counted as one search of all its patches; the folders come from a
// list of globs; a patch searched twice, different cuts and a folder
// without a search are errors.
func TestCombineSummariesOfANullSky(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	nullRunSummary(t, filepath.Join(root, "null-64"), `[{"patch": 64, "sigma_tot": 8.2, "n_sr": 3}]`, 17, 557, 1, 1, `{"min": 20, "mean": 20, "max": 20}`, "5.7", "8")
	nullRunSummary(t, filepath.Join(root, "null-63"), `[{"patch": 63, "sigma_tot": 6.3, "n_sr": 2}]`, 13, 424, 0, 1, `{"min": 12, "mean": 16, "max": 20}`, "5.1", "8")
	nullRunSummary(t, filepath.Join(root, "pair"), `[{"patch": 43, "sigma_tot": 7, "n_sr": 4}, {"patch": 44, "sigma_tot": 5, "n_sr": 1}]`, 30, 1000, 0, 3, `{"min": 10, "mean": 11, "max": 14}`, "6.0", "8")
	// Patch 45 was searched and made no proto-cluster: only the list says so.
	addSearched(t, filepath.Join(root, "pair"), "[43, 44, 45]")

	dirs, err := RunDirs(ctx, filepath.Join(root, "null-*")+", "+filepath.Join(root, "pair"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{filepath.Join(root, "null-63"), filepath.Join(root, "null-64"), filepath.Join(root, "pair")}; !slices.Equal(dirs, want) {
		t.Fatalf("RunDirs = %v, want %v", dirs, want)
	}
	var sums []Summary
	for _, d := range dirs {
		s, err := ReadSummary(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	all, err := CombineSummaries(dirs, sums)
	if err != nil {
		t.Fatal(err)
	}
	wantLargest := []stream.PatchSigma{{Patch: 43, Sigma: 7, NSR: 4}, {Patch: 44, Sigma: 5, NSR: 1}, {Patch: 63, Sigma: 6.3, NSR: 2}, {Patch: 64, Sigma: 8.2, NSR: 3}}
	// CR epochs: (13 x 16 + 17 x 20 + 30 x 11) / 60 regions.
	if all.Patches != 5 || !slices.Equal(all.Searched, []int64{43, 44, 45, 63, 64}) || all.Candidates != 1 || all.SearchRegions != 60 || all.ROIs != 1981 || all.Vetoed != 3 || all.TrainSeconds != 300 ||
		all.MaxSigmaL != 6 || all.MinSigma != 8 || all.CREpochs.Min != 10 || all.CREpochs.Max != 20 || all.CREpochs.Mean != (13*16+17*20+30*11)/60.0 ||
		!slices.Equal(all.Largest, wantLargest) {
		t.Errorf("combined %+v", all)
	}

	nullRunSummary(t, filepath.Join(root, "again-64"), `[{"patch": 64, "sigma_tot": 7.9, "n_sr": 3}]`, 7, 200, 0, 1, `{"min": 20, "mean": 20, "max": 20}`, "5.0", "8")
	nullRunSummary(t, filepath.Join(root, "again-45"), `[]`, 7, 200, 0, 1, `{"min": 20, "mean": 20, "max": 20}`, "5.0", "8")
	addSearched(t, filepath.Join(root, "again-45"), "[45]")
	nullRunSummary(t, filepath.Join(root, "cut-10"), `[{"patch": 65, "sigma_tot": 7.9, "n_sr": 3}]`, 7, 200, 0, 1, `{"min": 20, "mean": 20, "max": 20}`, "5.0", "10")
	for _, c := range []struct{ list, want string }{
		{filepath.Join(root, "null-64") + "," + filepath.Join(root, "again-64"), "patch 64 was searched in"},
		{filepath.Join(root, "pair") + "," + filepath.Join(root, "again-45"), "patch 45 was searched in"},
		{filepath.Join(root, "null-64") + "," + filepath.Join(root, "cut-10"), "are not those of"},
	} {
		dirs, err := RunDirs(ctx, c.list)
		if err != nil {
			t.Fatal(err)
		}
		sums = sums[:0]
		for _, d := range dirs {
			s, _ := ReadSummary(ctx, d)
			sums = append(sums, s)
		}
		if _, err := CombineSummaries(dirs, sums); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.list, err, c.want)
		}
	}
	for _, list := range []string{filepath.Join(root, "none-*"), filepath.Join(root, "missing"), " , "} {
		if dirs, err := RunDirs(ctx, list); err == nil {
			t.Errorf("RunDirs(%q) = %v, want an error", list, dirs)
		}
	}
}

// TestCombineSummariesAddsEachTrainingsCandidates: the candidates of each
// training alone add up by retraining number, whatever the searches'
// numbers of retrainings.
func TestCombineSummariesAddsEachTrainingsCandidates(t *testing.T) {
	var sums []Summary
	for _, by := range [][]int{{1, 0, 0}, {0, 2, 1, 1}, nil} {
		sums = append(sums, Summary{MinSigma: 8, MinNSR: 3, Patches: 1, CandidatesByRetraining: by, Searched: []int64{int64(len(sums))}})
	}
	all, err := CombineSummaries([]string{"a", "b", "c"}, sums)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 1, 1}; !slices.Equal(all.CandidatesByRetraining, want) {
		t.Errorf("combined candidates by retraining %v, want %v", all.CandidatesByRetraining, want)
	}
}

// TestCombineSummariesRefusesNegativeCounts: a summary.json with a negative
// count (no search writes one) is an error naming its folder, not a panic
// of the Poisson limit downstream.
func TestCombineSummariesRefusesNegativeCounts(t *testing.T) {
	for _, bad := range []Summary{{Candidates: -1}, {Patches: -2}, {CandidatesByRetraining: []int{0, -2, 0}}} {
		_, err := CombineSummaries([]string{"damaged"}, []Summary{bad})
		if err == nil || !strings.Contains(err.Error(), "damaged: ") || !strings.Contains(err.Error(), "negative") {
			t.Errorf("%+v: error %v, want one naming the folder and the negative count", bad, err)
		}
	}
}
