package main

import (
	"encoding/json"
	"flag"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
)

// TestValidateStreamsHough runs the Hough part of `validate streams`:
// injected lines of 30 stars among 70 uniform ones are recovered, and the
// noise quantiles of sigma_L are printed (model/stream documents 3.3 for the
// median with the tiles and 100 stars).
func TestValidateStreamsHough(t *testing.T) {
	code, out, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "100")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"## Hough", "recovered (theta within a bin, rho within 0.3 deg): 100 of 100", "| sigma_L |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// writeNullSummary writes the summary.json of a search of one patch of a
// sky without streams, as the search writes it, with extra fields added.
func writeNullSummary(t *testing.T, dir string, patch, candidates int, sigma float64, extra map[string]any) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fields := map[string]any{
		"search_regions":                 17,
		"rois":                           500,
		"candidates":                     candidates,
		"patches":                        1,
		"largest_proto_cluster_by_patch": []map[string]any{{"patch": patch, "sigma_tot": sigma, "n_sr": 3}},
		"min_sigma":                      8,
		"min_nsr":                        3,
		"cr_epochs":                      map[string]any{"min": 20, "mean": 20, "max": 20},
	}
	maps.Copy(fields, extra)
	js, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestValidateNullSkyWithRetrainings: searches with three retrainings
// report, beside the candidates a majority kept, those of each training
// alone, counted over patches x trainings (Gehrels 1986: 6.296 for two).
func TestValidateNullSkyWithRetrainings(t *testing.T) {
	root := t.TempDir()
	r3 := func(by ...int) map[string]any {
		return map[string]any{"min_retrainings": 2, "candidates_by_retraining": by}
	}
	writeNullSummary(t, filepath.Join(root, "r3-69"), 69, 0, 8.4, r3(1, 0, 0))
	writeNullSummary(t, filepath.Join(root, "r3-70"), 70, 0, 8.1, r3(0, 0, 1))
	writeNullSummary(t, filepath.Join(root, "r3-71"), 71, 0, 7.0, r3(0, 0, 0))
	out := filepath.Join(root, "report")
	code, stdout, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "1", "--out", out, "--null-run", filepath.Join(root, "r3-*"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, want := range []string{
		"0 candidates above the cuts (sigma_tot > 8, N_SR >= 3) in 3 patches of 3 searches",
		"each training alone, as a search without retrainings (of a confirming search its first alone): 2 candidates in 9 patch-trainings: 0.222 per patch, at most 0.700 (95 %, Poisson)",
		"| " + filepath.Join(root, "r3-69") + " | 69 | - | 17 | 500 | 0 (each training alone: 1, 0, 0) | 8.4 (3) | - |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	var rep struct {
		NullSky struct {
			Single struct {
				PatchTrainings int `json:"patch_trainings"`
				Candidates     int `json:"candidates"`
			} `json:"single_trainings"`
		} `json:"null_sky"`
	}
	readJSON(t, filepath.Join(out, "validation_streams.json"), &rep)
	if s := rep.NullSky.Single; s.PatchTrainings != 9 || s.Candidates != 2 {
		t.Errorf("validation_streams.json single trainings: %+v", s)
	}
}

// TestValidateNullSkyWithConfirmingSearches: a confirming search (streams
// --confirm) counts its first training alone among the single trainings,
// once per patch, and its row says how many regions it retrained.
func TestValidateNullSkyWithConfirmingSearches(t *testing.T) {
	root := t.TempDir()
	writeNullSummary(t, filepath.Join(root, "r3-69"), 69, 0, 8.4, map[string]any{"min_retrainings": 2, "candidates_by_retraining": []int{1, 0, 0}})
	writeNullSummary(t, filepath.Join(root, "r3-70"), 70, 0, 8.1, map[string]any{"min_retrainings": 2, "candidates_by_retraining": []int{1},
		"confirmed": true, "confirmation_regions": 14})
	out := filepath.Join(root, "report")
	code, stdout, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "1", "--out", out, "--null-run", filepath.Join(root, "r3-*"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, want := range []string{
		"2 candidates in 4 patch-trainings: 0.500 per patch",
		"| " + filepath.Join(root, "r3-70") + " | 70 | - | 17 | 500 | 0 (the first training alone: 1; 14 regions retrained to confirm) | 8.1 (3) | - |",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
}

// TestValidateNullSkyOfSeveralRuns: a sky without streams searched a
// patch at a time is counted as one search: the false positives of all the
// patches, their 95 % Poisson upper limit (Gehrels 1986: 4.744 for one
// count), and the same patch in two runs is refused.
func TestValidateNullSkyOfSeveralRuns(t *testing.T) {
	root := t.TempDir()
	write := func(name string, patch, candidates int, sigma float64) {
		writeNullSummary(t, filepath.Join(root, name), patch, candidates, sigma, nil)
	}
	write("null-63", 63, 0, 6.3)
	write("null-64", 64, 1, 8.2)
	write("null-65", 65, 0, 7.0)
	write("pair", 43, 0, 7.5)
	// One run keeps the tally its search wrote, as every run does; the
	// others stand for folders copied without it.
	counts := `{"patch.stars": 1419950, "sr.scored": 17, "sr.train_cpu_ms": 2958000, "rows_in": 15152180}`
	if err := os.WriteFile(filepath.Join(root, "null-64", "counts.json"), []byte(counts), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "report")
	code, stdout, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "1", "--out", out,
		"--null-run", filepath.Join(root, "null-*")+","+filepath.Join(root, "pair"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	want := "1 candidates above the cuts (sigma_tot > 8, N_SR >= 3) in 4 patches of 4 searches: 0.250 false positives per patch, at most 1.186 (95 %, Poisson)"
	if !strings.Contains(stdout, want) {
		t.Errorf("report lacks %q:\n%s", want, stdout)
	}
	for _, row := range []string{
		"| " + filepath.Join(root, "null-64") + " | 64 | 1419950 | 17 | 500 | 1 | 8.2 (3) | 174 |",
		"| " + filepath.Join(root, "pair") + " | 43 | - | 17 | 500 | 0 | 7.5 (3) | - |",
	} {
		if !strings.Contains(stdout, row) {
			t.Errorf("report lacks the row %q:\n%s", row, stdout)
		}
	}
	var rep struct {
		NullSky struct {
			Runs    []string `json:"runs"`
			Upper   float64  `json:"false_positives_per_patch_95"`
			Largest []struct {
				Patch int `json:"patch"`
			} `json:"largest_proto_cluster_by_patch"`
		} `json:"null_sky"`
	}
	readJSON(t, filepath.Join(out, "validation_streams.json"), &rep)
	if n := rep.NullSky; len(n.Runs) != 4 || math.Abs(n.Upper-4.744/4) > 0.001 || len(n.Largest) != 4 || n.Largest[0].Patch != 43 {
		t.Errorf("validation_streams.json: %+v", n)
	}

	write("again-64", 64, 0, 7.1)
	code, _, errOut = gaiaflow(t, "validate", "streams", "--hough-trials", "1", "--null-run", filepath.Join(root, "null-64")+","+filepath.Join(root, "again-64"))
	if code == 0 || !strings.Contains(errOut, "patch 64 was searched in") {
		t.Errorf("the same patch twice: exit %d: %s", code, errOut)
	}

	// A search that scored no region, and a damaged summary: clear errors.
	writeNullSummary(t, filepath.Join(root, "empty"), 0, 0, 0, map[string]any{"patches": 0, "largest_proto_cluster_by_patch": []any{}})
	writeNullSummary(t, filepath.Join(root, "damaged"), 66, 0, 6, map[string]any{"min_retrainings": 2, "candidates_by_retraining": []int{0, -1, 0}})
	for dir, want := range map[string]string{"empty": "no search region was scored", "damaged": "is negative"} {
		code, _, errOut = gaiaflow(t, "validate", "streams", "--hough-trials", "1", "--null-run", filepath.Join(root, dir))
		if code == 0 || !strings.Contains(errOut, want) || strings.Contains(errOut, "panic") {
			t.Errorf("%s: exit %d: %s", dir, code, errOut)
		}
	}
}

func TestStreamsNeedsInputAndOut(t *testing.T) {
	code, _, errOut := gaiaflow(t, "streams", "--out", t.TempDir())
	if code == 0 || !strings.Contains(errOut, "--input and --out are required") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = gaiaflow(t, "streams", "--input", "x", "--out", t.TempDir(), "--sr-range", "5:1")
	if code == 0 || !strings.Contains(errOut, "--sr-range") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = gaiaflow(t, "streams", "--input", "x", "--out", t.TempDir(), "--method", "curtains")
	if code == 0 || !strings.Contains(errOut, "--method") || !strings.Contains(errOut, "cathode") {
		t.Errorf("--method curtains: exit %d: %s", code, errOut)
	}
	code, _, errOut = gaiaflow(t, "streams", "--input", "x", "--out", t.TempDir(), "--patience", "-5")
	if code == 0 || !strings.Contains(errOut, "--patience") {
		t.Errorf("--patience -5: exit %d: %s", code, errOut)
	}
	code, _, errOut = gaiaflow(t, "streams", "--input", "x", "--out", t.TempDir(), "--share-cr", "3", "--method", "cathode")
	if code == 0 || !strings.Contains(errOut, "--share-cr") {
		t.Errorf("--share-cr 3 --method cathode: exit %d: %s", code, errOut)
	}
	code, _, errOut = gaiaflow(t, "streams", "--input", "x", "--out", t.TempDir(), "--patches", "31", "--confirm")
	if code == 0 || !strings.Contains(errOut, "--confirm") || !strings.Contains(errOut, "--retrainings") {
		t.Errorf("--confirm without retrainings: exit %d: %s", code, errOut)
	}
}

// TestValidateStreamsGD1Strip runs ANODE without photometry and the Hough
// finder on the real Gaia DR2 stars of the GD-1 strip (testdata; 236 stars
// labelled GD-1 by an independent selection, Price-Whelan & Bonaca 2018 via
// Via Machinae): R must rank the labelled members high, and the Hough line
// must follow the line of the labelled members themselves.
func TestValidateStreamsGD1Strip(t *testing.T) {
	out := t.TempDir()
	code, stdout, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "20", "--gd1", "testdata/gd1_data.centerline_df.csv.gz", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	data, err := os.ReadFile(filepath.Join(out, "validation_streams.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		GD1 struct {
			AUC, DTheta, DRho   float64
			TopK, TopLabelled   []int
			SRStars, SRLabelled int
			Top50               anode.TopAnatomy
		} `json:"gd1_strip"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	g := r.GD1
	t.Logf("GD-1 strip: AUC %.3f; Hough line %.2f deg and %.2f deg from the members' line; top-500 labelled %d", g.AUC, g.DTheta*180/math.Pi, g.DRho, g.TopLabelled[len(g.TopLabelled)-1])
	if g.AUC < 0.75 {
		t.Errorf("AUC of R for the labelled members %.3f, want > 0.75", g.AUC)
	}
	if g.DTheta*180/math.Pi > 5 || g.DRho > 0.5 {
		t.Errorf("the Hough line is %.2f deg and %.2f deg from the members' line", g.DTheta*180/math.Pi, g.DRho)
	}
	// Why the very top of R is not GD-1 (issue 12 §4): the 50 highest R
	// are mostly proper-motion outliers and stars at the strip's edges,
	// where both flows' densities are poorly known; inside the members'
	// own mu_phi* window (what an ROI looks at) R does pick them out.
	a := g.Top50
	t.Logf("top 50: %d proper-motion outliers, %d at the edge; in the members' window %d labelled (%.1f at random)", a.PMTail, a.Edge, a.Hit, a.Expected)
	if a.K != 50 || a.PMTail+a.Edge < 25 || float64(a.Hit) < 1.2*a.Expected {
		t.Errorf("top-50 anatomy %+v: want most of them outliers or at the edge, and the window's top 50 above chance", a)
	}
	random := float64(g.TopK[len(g.TopK)-1]) * float64(g.SRLabelled) / float64(g.SRStars)
	if got := float64(g.TopLabelled[len(g.TopLabelled)-1]); got < 2*random {
		t.Errorf("%.0f labelled members among the top %d R, %.1f at random", got, g.TopK[len(g.TopK)-1], random)
	}
}

// TestFaintStreamSensitivity: the faint, short stream of the README (300
// Pal 5 stars at 19-22 kpc along the galstreams track, sky seed 11, the
// demo's scaled-down flows), searched with CATHODE and with ANODE and
// measured by `validate streams` against the truth. The members on the
// candidate's coherent proper-motion track must reach issue 12's target of
// purity and completeness (over the stream stars inside the fiducial cuts)
// >= 0.65 with CATHODE; ANODE, the default, is held to 0.6 so that a
// regression of either shows.
func TestFaintStreamSensitivity(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a 400,000-star sky and searches four patches twice")
	}
	dir := t.TempDir()
	sky := filepath.Join(dir, "pal5")
	if code, out, errOut := gaiaflow(t, "simulate", "--stars", "400000", "--background", "--no-dust", "--stream",
		"../../model/mock/testdata/track.st.Pal5.pricewhelan2019.ecsv:300", "--seed", "11", "--out", sky); code != 0 {
		t.Fatalf("simulate: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, c := range []struct {
		method string
		min    float64
	}{{"cathode", 0.65}, {"anode", 0.6}} {
		run := filepath.Join(dir, c.method)
		if code, out, errOut := gaiaflow(t, "streams", "--input", filepath.Join(sky, "GaiaSource_*.csv.gz"), "--out", run,
			"--patches", "40,59,60,61", "--features", "full", "--quick", "--epochs", "4", "--blocks", "4", "--hidden", "16",
			"--min-sr-stars", "300", "--min-roi-stars", "50", "--min-sigma", "8", "--min-nsr", "3", "--seed", "1",
			"--method", c.method, "--no-plots"); code != 0 {
			t.Fatalf("streams --method %s: exit %d\n%s\n%s", c.method, code, out, errOut)
		}
		vout := filepath.Join(dir, "validate-"+c.method)
		if code, out, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "1", "--sky", sky, "--run", run,
			"--label", "Pal5.pricewhelan2019", "--out", vout); code != 0 {
			t.Fatalf("validate streams: exit %d\n%s\n%s", code, out, errOut)
		}
		data, err := os.ReadFile(filepath.Join(vout, "validation_streams.json"))
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Sky skyReport `json:"end_to_end"`
		}
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		s := r.Sky
		t.Logf("%s: %d candidates; coherent members %d, %d Pal 5: purity %.3f, completeness %.3f of %d in the cuts",
			c.method, s.Candidates, s.CoherentMembers, s.CoherentTrue, s.CoherentPurity, s.CoherentCompleteness, s.InCuts)
		if s.CoherentPurity < c.min || s.CoherentCompleteness < c.min {
			t.Errorf("%s: coherent purity %.3f, completeness %.3f, want both >= %.2f", c.method, s.CoherentPurity, s.CoherentCompleteness, c.min)
		}
	}
}

// streamOptions parses the streams command's flags args and returns its
// options.
func streamOptions(t *testing.T, args []string) streams.Options {
	t.Helper()
	fs := flag.NewFlagSet("streams", flag.ContinueOnError)
	f := &streamFlags{}
	f.declare(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	o, err := f.options()
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return o
}

// TestStreamsShareCRDefault: one CR flow for anode.DefaultShareCR regions
// over the whole sky at the paper's schedule, the paper's one per region in
// a targeted search, the scaled-down schedule and CATHODE, and what is asked
// for when it is asked.
func TestStreamsShareCRDefault(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{nil, anode.DefaultShareCR},
		{[]string{"--patches", "31,32"}, 1},
		{[]string{"--quick"}, 1},
		{[]string{"--method", "cathode"}, 1},
		{[]string{"--share-cr", "1"}, 1},
		{[]string{"--share-cr", "2"}, 2},
		{[]string{"--patches", "31", "--share-cr", "3"}, 3},
	} {
		o := streamOptions(t, c.args)
		if got := o.Search.ShareCR; got != c.want {
			t.Errorf("%v: share-cr %d, want %d", c.args, got, c.want)
		}
	}
}

// TestStreamsRetrainingsDefault: over the whole sky at the paper's schedule
// three trainings confirm what the first finds (--confirm); a targeted
// search (--patches) and the scaled-down schedule train once, and what is
// asked for is what runs.
func TestStreamsRetrainingsDefault(t *testing.T) {
	for _, c := range []struct {
		args    []string
		want    int
		confirm bool
	}{
		{nil, 3, true},
		{[]string{"--confirm"}, 3, true},
		{[]string{"--patches", "31,32"}, 1, false},
		{[]string{"--quick"}, 1, false},
		{[]string{"--retrainings", "1"}, 1, false},
		{[]string{"--retrainings", "3"}, 3, false},
		{[]string{"--retrainings", "5", "--confirm"}, 5, true},
		{[]string{"--patches", "31", "--retrainings", "3", "--confirm"}, 3, true},
	} {
		o := streamOptions(t, c.args)
		if got := o.Search; got.Retrainings != c.want || got.Confirm != c.confirm {
			t.Errorf("%v: %d retrainings, confirm %v; want %d, %v", c.args, got.Retrainings, got.Confirm, c.want, c.confirm)
		}
	}
}

// TestStreamsPatienceDefault: at the paper's schedule streams stops each
// ANODE CR flow early by default (anode.DefaultPatience, measured on four
// dense skies); with --quick or CATHODE it trains every epoch unless told,
// and --patience 0 restores the paper's schedule.
func TestStreamsPatienceDefault(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{nil, anode.DefaultPatience},
		{[]string{"--quick"}, 0},
		{[]string{"--method", "cathode"}, 0},
		{[]string{"--method", "cathode", "--patience", "5000"}, 5000},
		{[]string{"--patience", "0"}, 0},
		{[]string{"--patience", "800"}, 800},
		{[]string{"--quick", "--patience", "800"}, 800},
	} {
		o := streamOptions(t, c.args)
		if got := o.Search.Score.Patience; got != c.want {
			t.Errorf("%v: patience %d, want %d", c.args, got, c.want)
		}
	}
}
