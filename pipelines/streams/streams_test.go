package streams_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/klauspost/compress/gzip"

	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/simulate"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
	tstreams "github.com/gaiaflow/gaiaflow/transforms/streams"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// gd1Patches are four overlapping nside-6 patches along the GD-1 track
// (ra 140-170, dec 30-50).
var gd1Patches = []int64{31, 32, 49, 50}

// TestSearchFindsInjectedGD1 runs the whole search on a small mock sky
// (400,000 halo and thick-disk stars over the sky, 3,000 GD-1 stars) over
// four patches along GD-1 with a scaled-down ANODE (4 blocks of 16 units, 4
// epochs): the counts reconcile, the outputs exist, and the stream comes out
// as one candidate across the patches whose members are GD-1 stars.
func TestSearchFindsInjectedGD1(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains about 60 search regions")
	}
	searchGD1(t, nil, 1, 1, anode.ANODE)
}

// TestBothScansFindGD1AsOneCandidate: with both proper-motion scans (Via
// Machinae 2.0) the same sky's phi scan trains its own search regions
// (mu_phi* windows), finds GD-1 as well (its ROIs' sigma_L reach that of the
// lambda scan's), and its proto-clusters merge with the lambda scan's into
// the one candidate: the stream is not reported twice.
func TestBothScansFindGD1AsOneCandidate(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains about 110 search regions")
	}
	searchGD1(t, []stream.Scan{stream.ScanLambda, stream.ScanPhi}, 1, 1, anode.ANODE)
}

// TestRetrainingsKeepGD1: with each search region trained three times
// (different seeds), GD-1 is found by a majority of the retrainings (it is
// kept), and its members say how many retrainings selected them: most of
// its GD-1 members more than one.
func TestRetrainingsKeepGD1(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains about 180 search regions")
	}
	searchGD1(t, nil, 3, 1, anode.ANODE)
}

// TestSharedCRFindsGD1: with one control-region flow for every three
// consecutive search regions (--share-cr 3), every kept region is still
// scored once, and GD-1 comes out as one candidate with the same checks.
func TestSharedCRFindsGD1(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains about 60 search regions")
	}
	searchGD1(t, nil, 1, 3, anode.ANODE)
}

// TestCathodeFindsGD1: the search of TestSearchFindsInjectedGD1 with
// CATHODE's classifier (a smaller one: 3 x 32, 4 epochs) in place of the SR
// flow finds GD-1 the same way: one candidate across the patches, GD-1's
// pole, and most GD-1 members on the coherent track.
func TestCathodeFindsGD1(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains about 60 search regions with 5 classifiers each")
	}
	searchGD1(t, nil, 1, 1, anode.Cathode)
}

func searchGD1(t *testing.T, scans []stream.Scan, retrainings, shareCR int, method anode.Method) {
	dir := t.TempDir()
	skyDir := writeSky(t, dir, mock.Config{Seed: 3, Stars: 400000, NoCMD: true, Background: true, Streams: []mock.Stream{mock.GD1Stream(3000)}})
	out := filepath.Join(dir, "run")
	so := anode.QuickOptions()
	so.Epochs, so.Blocks, so.Hidden = 4, 4, 16
	so.Method, so.Cathode = method, anode.CathodeOptions{Hidden: 32, Epochs: 4}
	opt := streams.Options{Inputs: []string{filepath.Join(skyDir, "GaiaSource_*.csv.gz")}, Search: tstreams.Options{
		Pixels:  gd1Patches,
		Regions: anode.RegionOptions{MinStars: 300},
		SRRange: &anode.Window{Lo: -20, Hi: 5},
		Score:   so,
		Search:  stream.Config{ROI: stream.ROIConfig{MinStars: 50}},
		Out:     out, Plots: true,
	}}
	opt.Search.Scans, opt.Search.Retrainings, opt.Search.ShareCR = scans, retrainings, shareCR
	pl, err := build(t, opt)
	if err != nil {
		t.Fatal(err)
	}
	c := runCounts(t, pl, opt)
	if err := c.Reconcile(); err != nil {
		t.Error(err)
	}
	if c[star.RowsIn] != 403000 || c[tstreams.Patches] != 4 || c[tstreams.PatchMembers] < c[star.StarsOut] {
		t.Errorf("counters: %v", c)
	}
	// Every kept region is scored once per retraining.
	if c[tstreams.SRScored] != int64(retrainings)*c[tstreams.SRPrefix+"kept"] || c[tstreams.SRScored] == 0 {
		t.Errorf("%d regions kept, %d scored", c[tstreams.SRPrefix+"kept"], c[tstreams.SRScored])
	}
	// One CR flow per region, or per run of up to shareCR consecutive
	// kept regions.
	if cr, sc := c[tstreams.CRFlows], c[tstreams.SRScored]; shareCR == 1 && cr != sc || shareCR > 1 && !(cr < sc && cr*int64(shareCR) >= sc) {
		t.Errorf("%d CR flows for %d regions scored, sharing by %d", cr, sc, shareCR)
	}
	t.Logf("counts %v", c)
	for _, f := range []string{streamio.CandidatesJSON, streamio.CandidatesCSV, streamio.MembersCSV, streamio.ROIsCSV,
		streamio.SummaryJSON, plot.Fig5Name, plot.Fig7Name, plot.Fig8Name, plot.Fig12Name, plot.Fig13Name} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("output %s: %v", f, err)
		}
	}
	cands := readCandidates(t, out)
	if len(cands) != 1 || len(cands[0].Patches) < 3 {
		t.Fatalf("want GD-1 as one candidate across at least 3 patches, got %+v", cands)
	}
	// GD-1's orbital pole (Koposov et al. 2010): (ra, dec) = (34.5987,
	// 29.7331); the mock's track is galstreams', so a few degrees.
	if d := axisDeg(cands[0].PoleRA, cands[0].PoleDec, 34.5987, 29.7331); d > 5 {
		t.Errorf("candidate pole (%.1f, %.1f) is %.1f deg from GD-1's", cands[0].PoleRA, cands[0].PoleDec, d)
	}
	gd1 := truthIDs(t, skyDir, "GD-1")
	rows := readCSV(t, filepath.Join(out, streamio.MembersCSV))
	seen := map[int64]bool{}
	n, good := 0, 0
	for _, r := range rows[1:] {
		id, _ := strconv.ParseInt(r[1], 10, 64)
		if seen[id] {
			continue
		}
		seen[id] = true
		n++
		if gd1[id] {
			good++
		}
	}
	t.Logf("candidate: sigma_tot %.1f, N_SR %d, patches %v, %d members, %d GD-1", cands[0].SigmaTot, cands[0].NSR, cands[0].Patches, n, good)
	// The members on the candidate's coherent proper-motion track
	// (p_stream >= 0.5): most GD-1 members are, and they are at least as
	// pure as the whole candidate.
	pCol := slices.Index(rows[0], "p_stream")
	coherent, coherentGood := map[int64]bool{}, 0
	for _, r := range rows[1:] {
		id, _ := strconv.ParseInt(r[1], 10, 64)
		if p, err := strconv.ParseFloat(r[pCol], 64); err == nil && p >= 0.5 && !coherent[id] {
			coherent[id] = true
			if gd1[id] {
				coherentGood++
			}
		}
	}
	t.Logf("on the coherent proper-motion track: %d members, %d GD-1", len(coherent), coherentGood)
	if pCol < 0 || 2*coherentGood < good || float64(coherentGood)/float64(len(coherent)) < float64(good)/float64(n) {
		t.Errorf("coherent track: %d members, %d GD-1, against %d and %d in the candidate", len(coherent), coherentGood, n, good)
	}
	if retrainings > 1 {
		selCol := slices.Index(rows[0], "selected")
		multi, gd1Rows := 0, map[int64]bool{}
		for _, r := range rows[1:] {
			id, _ := strconv.ParseInt(r[1], 10, 64)
			if !gd1[id] || gd1Rows[id] {
				continue
			}
			gd1Rows[id] = true
			if k, _ := strconv.Atoi(r[selCol]); k > 1 {
				multi++
			}
		}
		t.Logf("found by %d of %d retrainings; %d of its %d GD-1 members selected by more than one", cands[0].Retrainings, retrainings, multi, len(gd1Rows))
		if cands[0].Retrainings < retrainings/2+1 || multi < len(gd1Rows)/2 {
			t.Errorf("GD-1 found by %d of %d retrainings, %d of %d GD-1 members selected more than once", cands[0].Retrainings, retrainings, multi, len(gd1Rows))
		}
		// Each training that found it makes it a candidate alone too.
		sum, err := streamio.ReadSummary(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		alone := 0
		for _, k := range sum.CandidatesByRetraining {
			if k > 0 {
				alone++
			}
		}
		if len(sum.CandidatesByRetraining) != retrainings || alone < cands[0].Retrainings {
			t.Errorf("candidates of each training alone %v, want %d trainings, at least %d with a candidate", sum.CandidatesByRetraining, retrainings, cands[0].Retrainings)
		}
	}
	if len(scans) < 2 {
		return
	}
	// Both scans: regions of each scored, GD-1 in each, one candidate.
	rr := readCSV(t, filepath.Join(out, streamio.ROIsCSV))
	col := func(name string) int { return slices.Index(rr[0], name) }
	best := map[string]float64{}
	for _, r := range rr[1:] {
		v, _ := strconv.ParseFloat(r[col("sigma_l")], 64)
		best[r[col("scan")]] = math.Max(best[r[col("scan")]], v)
	}
	byScan := map[string]int{}
	for _, r := range rows[1:] {
		byScan[r[slices.Index(rows[0], "scan")]]++
	}
	t.Logf("largest sigma_L by scan %v; member rows by scan %v", best, byScan)
	if best["phi"] < 0.5*best["lambda"] || byScan["phi"] == 0 || byScan["lambda"] == 0 {
		t.Errorf("the phi scan should find GD-1 too and merge into its candidate: largest sigma_L %v, member rows %v", best, byScan)
	}
	if n != cands[0].Members || float64(good) < 0.8*float64(n) || good < 200 {
		t.Errorf("%d distinct members (json says %d), %d of them GD-1: want at least 200 and 80%%", n, cands[0].Members, good)
	}
}

// axisDeg is the angle in degrees between two directions taken as axes.
func axisDeg(ra1, dec1, ra2, dec2 float64) float64 {
	r := math.Pi / 180
	c := math.Sin(dec1*r)*math.Sin(dec2*r) + math.Cos(dec1*r)*math.Cos(dec2*r)*math.Cos((ra1-ra2)*r)
	return math.Acos(math.Min(1, math.Abs(c))) / r
}

func truthIDs(t *testing.T, skyDir, label string) map[int64]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(skyDir, mockio.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var man mockio.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, f := range man.Files {
		r, err := os.Open(filepath.Join(skyDir, f.Truth))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		rows, _, err := mockio.ReadTruth(zr, f.Truth)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if rows[i].Label(man.Config.Defaults().Streams) == label {
				ids[rows[i].SourceID] = true
			}
		}
	}
	return ids
}

// TestNoStreamNoCandidate: the same sky and search as
// TestSearchFindsInjectedGD1, without the stream, gives no candidate above
// the paper's cuts (N_SR >= 3, sigma_tot > 8), with ANODE and with CATHODE
// (the classifier of TestCathodeFindsGD1).
func TestNoStreamNoCandidate(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains its search regions")
	}
	dir := t.TempDir()
	skyDir := writeSky(t, dir, mock.Config{Seed: 3, Stars: 400000, NoCMD: true, Background: true})
	for _, method := range []anode.Method{anode.ANODE, anode.Cathode} {
		t.Run(method.String(), func(t *testing.T) { searchNoStream(t, skyDir, filepath.Join(dir, "run-"+method.String()), method) })
	}
}

func searchNoStream(t *testing.T, skyDir, out string, method anode.Method) {
	so := anode.QuickOptions()
	so.Epochs, so.Blocks, so.Hidden = 4, 4, 16
	so.Method, so.Cathode = method, anode.CathodeOptions{Hidden: 32, Epochs: 4}
	opt := streams.Options{Inputs: []string{filepath.Join(skyDir, "GaiaSource_*.csv.gz")}, Search: tstreams.Options{
		Pixels: gd1Patches, Regions: anode.RegionOptions{MinStars: 300}, SRRange: &anode.Window{Lo: -20, Hi: 5},
		Score: so, Search: stream.Config{ROI: stream.ROIConfig{MinStars: 50}}, Out: out, Plots: true,
	}}
	pl, err := build(t, opt)
	if err != nil {
		t.Fatal(err)
	}
	c := runCounts(t, pl, opt)
	// The figures of a search without a candidate are drawn all the same.
	for _, f := range []string{plot.Fig5Name, plot.Fig12Name} {
		if fi, err := os.Stat(filepath.Join(out, f)); err != nil || fi.Size() == 0 {
			t.Errorf("figure %s with no candidate: %v", f, err)
		}
	}
	cands := readCandidates(t, out)
	t.Logf("%d regions scored, %d ROIs, %d candidates", c[tstreams.SRScored], c[tstreams.ROIs], len(cands))
	if len(cands) != 0 {
		t.Errorf("a sky without a stream gave %d candidates: %+v", len(cands), cands)
	}
}

// readCandidates reads the candidates.json a search wrote to out.
func readCandidates(t *testing.T, out string) []streamio.CandidateOut {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, streamio.CandidatesJSON))
	if err != nil {
		t.Fatal(err)
	}
	var cands []streamio.CandidateOut
	if err := json.Unmarshal(data, &cands); err != nil {
		t.Fatal(err)
	}
	return cands
}

// readCSV reads every row of a CSV file, its header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// writeSky simulates the mock sky cfg into dir/sky and returns that folder.
func writeSky(t *testing.T, dir string, cfg mock.Config) string {
	t.Helper()
	skyDir := filepath.Join(dir, "sky")
	p, s := beam.NewPipelineWithRoot()
	simulate.Write(s, cfg, skyDir)
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	return skyDir
}

// runCounts runs the search pl built from opt and returns its tally.
func runCounts(t testing.TB, pl *beam.Pipeline, opt streams.Options) star.Tally {
	t.Helper()
	ctx := context.Background()
	if _, err := runners.Run(ctx, pl, stars.Namespace); err != nil {
		t.Fatal(err)
	}
	c, err := stars.ReadTally(ctx, opt.CountsPath())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// build prepares opt and builds its pipeline, as the CLI does.
func build(t testing.TB, opt streams.Options) (*beam.Pipeline, error) {
	t.Helper()
	opt, err := streams.Prepare(context.Background(), opt)
	if err != nil {
		return nil, err
	}
	return streams.Build(opt)
}

// TestIncrementalSearch: a search builds on an earlier one (Since): after
// one partition is rewritten (the same stars, a new modification time),
// only the patches its stars fall in are searched again, the others' results
// are taken over, and the candidates are those of the full search; a
// partition gone makes its patches searched again.
func TestIncrementalSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("three small searches")
	}
	dir := t.TempDir()
	skyDir := writeSky(t, dir, mock.Config{Seed: 6, Stars: 40000, NoCMD: true, Background: true, ShardLevel: 2, Streams: []mock.Stream{mock.GD1Stream(600)}})
	so := anode.QuickOptions()
	so.Epochs, so.Blocks, so.Hidden = 2, 2, 8
	search := func(out, since string) (star.Tally, *tstreams.Run, []byte) {
		opt := streams.Options{Inputs: []string{filepath.Join(skyDir, "GaiaSource_*.csv.gz")}, Since: since, Search: tstreams.Options{
			Pixels: gd1Patches, Regions: anode.RegionOptions{MinStars: 50}, SRRange: &anode.Window{Lo: -12, Hi: 0},
			Score: so, Search: stream.Config{ROI: stream.ROIConfig{MinStars: 20}}, Out: out,
		}}
		pl, err := build(t, opt)
		if err != nil {
			t.Fatal(err)
		}
		c := runCounts(t, pl, opt)
		run, _, err := tstreams.ReadRun(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		cands, err := os.ReadFile(filepath.Join(out, streamio.CandidatesJSON))
		if err != nil {
			t.Fatal(err)
		}
		rois, err := os.ReadFile(filepath.Join(out, streamio.ROIsCSV))
		if err != nil {
			t.Fatal(err)
		}
		return c, run, append(cands, rois...)
	}
	full, run1, cands1 := search(filepath.Join(dir, "full"), "")
	if len(run1.Searched) != 0 || full[tstreams.SRScored] == 0 || full[tstreams.ROIs] == 0 {
		t.Fatalf("full search: searched %v (want all, listed as none), %d regions scored", run1.Searched, full[tstreams.SRScored])
	}
	// A partition whose stars fall in some of the patches, not all.
	var pick tstreams.RunInput
	for _, in := range run1.Inputs {
		if len(in.Patches) > 0 && len(in.Patches) < len(gd1Patches) {
			pick = in
			break
		}
	}
	if pick.Path == "" {
		t.Fatal("no partition touches only some of the patches")
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(pick.Path, later, later)
	inc, run2, cands2 := search(filepath.Join(dir, "inc"), filepath.Join(dir, "full"))
	if !slices.Equal(run2.Searched, pick.Patches) {
		t.Errorf("searched %v again, want the patches of %s: %v", run2.Searched, filepath.Base(pick.Path), pick.Patches)
	}
	if inc[tstreams.PatchesReused] != int64(len(gd1Patches)-len(pick.Patches)) || inc[tstreams.SRScored] >= full[tstreams.SRScored] {
		t.Errorf("incremental: %d patches reused, %d regions scored (full: %d)", inc[tstreams.PatchesReused], inc[tstreams.SRScored], full[tstreams.SRScored])
	}
	if !bytes.Equal(cands1, cands2) {
		t.Errorf("the candidates and ROIs differ from the full search's:\n%s\n%s", cands1, cands2)
	}
	os.Remove(pick.Path)
	_, run3, _ := search(filepath.Join(dir, "gone"), filepath.Join(dir, "inc"))
	if !slices.Equal(run3.Searched, pick.Patches) {
		t.Errorf("after %s went: searched %v, want %v", filepath.Base(pick.Path), run3.Searched, pick.Patches)
	}
}
