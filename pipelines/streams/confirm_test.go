package streams_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
	tstreams "github.com/gaiaflow/gaiaflow/transforms/streams"
)

// TestConfirmRetrainsAroundTheFirstTraining: on the GD-1 sky of
// TestRetrainingsKeepGD1, a confirming search (three retrainings, the
// second and third only around the first training's proto-clusters that
// pass the cuts) trains fewer regions than the search that retrains every
// region, every ROI of its retrained regions is that search's ROI bit for
// bit (the same work, the same seeds), and it keeps GD-1 as the one
// candidate, found by all three trainings, with the same pole.
func TestConfirmRetrainsAroundTheFirstTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and trains about 180 + 120 search regions")
	}
	dir := t.TempDir()
	skyDir := writeSky(t, dir, mock.Config{Seed: 3, Stars: 400000, NoCMD: true, Background: true, Streams: []mock.Stream{mock.GD1Stream(3000)}})
	so := anode.QuickOptions()
	so.Epochs, so.Blocks, so.Hidden = 4, 4, 16
	search := func(out string, confirm bool) (star.Tally, []streamio.CandidateOut, streamio.Summary, map[string]bool) {
		opt := streams.Options{Inputs: []string{filepath.Join(skyDir, "GaiaSource_*.csv.gz")}, Search: tstreams.Options{
			Pixels: gd1Patches, Regions: anode.RegionOptions{MinStars: 300}, SRRange: &anode.Window{Lo: -20, Hi: 5},
			Score: so, Search: stream.Config{ROI: stream.ROIConfig{MinStars: 50}}, Out: out,
			Retrainings: 3, Confirm: confirm,
		}}
		pl, err := build(t, opt)
		if err != nil {
			t.Fatal(err)
		}
		c := runCounts(t, pl, opt)
		if err := c.Reconcile(); err != nil {
			t.Error(err)
		}
		sum, err := streamio.ReadSummary(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		rois := map[string]bool{}
		for _, r := range readCSV(t, filepath.Join(out, streamio.ROIsCSV))[1:] {
			rois[strings.Join(r[1:], ",")] = true // all but the row number
		}
		return c, readCandidates(t, out), sum, rois
	}
	all, allCands, allSum, allROIs := search(filepath.Join(dir, "every-region"), false)
	c, cands, sum, rois := search(filepath.Join(dir, "confirm"), true)

	kept, again := c[tstreams.SRPrefix+"kept"], c[tstreams.SRConfirmations]
	t.Logf("%d regions kept; retrained everywhere: %d scored; confirming: %d scored, %d of them confirmations", kept, all[tstreams.SRScored], c[tstreams.SRScored], again)
	if c[tstreams.SRScored] != kept+again || again == 0 || again >= 2*kept || again%2 != 0 {
		t.Errorf("confirming: %d regions kept, %d scored, %d confirmations: want the kept ones once and fewer than all of them twice more", kept, c[tstreams.SRScored], again)
	}
	if !sum.Confirmed || sum.ConfirmationRegions != int(again) || len(sum.CandidatesByRetraining) != 1 || sum.CandidatesByRetraining[0] != allSum.CandidatesByRetraining[0] {
		t.Errorf("summary: confirmed %v, %d confirmation regions, by retraining %v; want true, %d, [%d] (the first training's)",
			sum.Confirmed, sum.ConfirmationRegions, sum.CandidatesByRetraining, again, allSum.CandidatesByRetraining[0])
	}
	missing := 0
	for r := range rois {
		if !allROIs[r] {
			missing++
		}
	}
	if missing > 0 || len(rois) >= len(allROIs) {
		t.Errorf("%d of the confirming search's %d ROIs are not among the %d of the search that retrains every region", missing, len(rois), len(allROIs))
	}
	if len(cands) != 1 || len(allCands) != 1 || cands[0].Retrainings != 3 {
		t.Fatalf("candidates: confirming %+v, retraining everywhere %+v; want GD-1 alone, found by all three trainings", cands, allCands)
	}
	if d := axisDeg(cands[0].PoleRA, cands[0].PoleDec, allCands[0].PoleRA, allCands[0].PoleDec); d > 0.5 {
		t.Errorf("GD-1's pole (%.2f, %.2f) confirming, (%.2f, %.2f) retraining everywhere", cands[0].PoleRA, cands[0].PoleDec, allCands[0].PoleRA, allCands[0].PoleDec)
	}
}
