package streamio

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream"
)

// FuzzSearchTables reads arbitrary bytes as a search's members.csv and
// rois.csv: an error or a result, never a panic; every member read back
// belongs to a candidate number that its row gave.
//
//	go test -run '^$' -fuzz FuzzSearchTables -fuzztime 5m ./io/streamio
func FuzzSearchTables(f *testing.F) {
	f.Add([]byte("candidate,source_id,r\n0,7,1.5\n1,8,2\n"), []byte("roi,patch\n0,31\n1,32\n"))
	f.Add([]byte("source_id,candidate\n7,x\n"), []byte("patch\n-1\n"))
	f.Add([]byte("candidate,source_id\n\"0\",\"9\"\n0,9\n"), []byte(""))
	f.Add([]byte("a,b\n1\n"), []byte("patch,patch\n1,2\n"))
	f.Fuzz(func(t *testing.T, members, rois []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, MembersCSV), members, 0o644)
		os.WriteFile(filepath.Join(dir, ROIsCSV), rois, 0o644)
		ctx := context.Background()
		if m, err := ReadMembers(ctx, dir); err == nil {
			for c, ids := range m {
				if len(ids) == 0 {
					t.Errorf("candidate %d read with no member", c)
				}
				for id, p := range ids {
					if math.IsNaN(p) {
						t.Errorf("candidate %d, star %d: p_stream NaN", c, id)
					}
				}
			}
		}
		ReadSearchedPatches(ctx, dir)
	})
}

// FuzzLabelledStrip reads arbitrary bytes as a labelled strip (plain CSV;
// gzip is io/gz's, fuzzed there): an error or as many labels as stars.
//
//	go test -run '^$' -fuzz FuzzLabelledStrip -fuzztime 5m ./io/streamio
func FuzzLabelledStrip(f *testing.F) {
	f.Add([]byte("source_id,ra,dec,pmra,pmdec,parallax,vm_gd1_label\n1,150,30,-5,-10,0.1,True\n2,151,31,1,2,0.2,False\n"))
	f.Add([]byte("source_id,ra,dec,pmra,pmdec,parallax\n1,2,3,4,5,6\n"))
	f.Add([]byte("source_id,ra,dec,pmra,pmdec,parallax,vm_gd1_label\n1,x,3,4,5,6,True\n"))
	f.Add([]byte("source_id,ra,dec,pmra,pmdec,parallax,vm_gd1_label\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "strip.csv")
		os.WriteFile(path, data, 0o644)
		b, labels, err := ReadLabelledStrip(context.Background(), path)
		if err == nil && b.Len() != len(labels) {
			t.Errorf("%d stars, %d labels", b.Len(), len(labels))
		}
	})
}

// FuzzCombineSummaries reads arbitrary bytes as two searches' summary.json
// and counts them as one (validate streams --null-run a,b): an error or a
// summary, never a panic; combined, the patches add up and none is listed
// twice.
//
//	go test -run '^$' -fuzz FuzzCombineSummaries -fuzztime 5m ./io/streamio
func FuzzCombineSummaries(f *testing.F) {
	f.Add([]byte(`{"patches": 1, "candidates": 1, "largest_proto_cluster_by_patch": [{"patch": 64, "sigma_tot": 8.2, "n_sr": 3}], "min_sigma": 8, "min_nsr": 3}`),
		[]byte(`{"patches": 2, "searched_patches": [43, 44], "min_sigma": 8, "min_nsr": 3, "search_regions": 3, "cr_epochs": {"min": 4, "mean": 4, "max": 4}}`))
	f.Add([]byte(`{"searched_patches": [1, 1]}`), []byte(`{"min_sigma": 10}`))
	f.Add([]byte(`{"largest_proto_cluster_by_patch": null}`), []byte(`[]`))
	f.Add([]byte(`{"patches": 1, "min_retrainings": 2, "candidates_by_retraining": [1, 0, 2]}`), []byte(`{"patches": 3, "min_retrainings": 2, "candidates_by_retraining": [0, -1]}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		root := t.TempDir()
		for i, js := range [][]byte{a, b} {
			dir := filepath.Join(root, string(rune('a'+i)))
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, SummaryJSON), js, 0o644)
		}
		ctx := context.Background()
		dirs, err := RunDirs(ctx, filepath.Join(root, "*"))
		if err != nil {
			t.Fatal(err)
		}
		var sums []Summary
		for _, d := range dirs {
			s, err := ReadSummary(ctx, d)
			if err != nil {
				return
			}
			sums = append(sums, s)
		}
		all, err := CombineSummaries(dirs, sums)
		if err != nil {
			return
		}
		// What validate streams --null-run makes of them must not panic.
		stream.NullSky(all.Patches, all.Candidates, all.Largest, all.MinSigma, []float64{0.5, 0.9})
		stream.SingleTrainings([]int{sums[0].Patches, sums[1].Patches}, [][]int{sums[0].CandidatesByRetraining, sums[1].CandidatesByRetraining})
		if all.Patches != sums[0].Patches+sums[1].Patches {
			t.Errorf("patches %d, want %d + %d", all.Patches, sums[0].Patches, sums[1].Patches)
		}
		for i := 1; i < len(all.Searched); i++ {
			if all.Searched[i] == all.Searched[i-1] {
				t.Errorf("patch %d listed twice: %v", all.Searched[i], all.Searched)
			}
		}
	})
}
