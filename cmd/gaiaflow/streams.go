package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
	"github.com/gaiaflow/gaiaflow/runners"
)

// streamFlags are the flags of `gaiaflow streams`.
type streamFlags struct {
	inputs     listFlag
	out        string
	rejects    string
	block      int
	patches    listFlag
	dropDusty  bool
	published  bool
	features   string
	distances  string
	minDist    float64
	quick      bool
	epochs     int
	blocks     int
	hidden     int
	seed       uint64
	workers    int
	minSR      int
	maxSR      int
	srRange    string
	minROI     int
	minSigma   float64
	minNSR     int
	ring       bool
	writeR     bool
	noPlots    bool
	noClusterV bool
	since      string
	scans      string
	retrain    int
	confirm    bool
	shareCR    int
	method     string
	clsEpochs  int
	oversample int
	patience   int
	minDelta   float64
}

func (f *streamFlags) declare(fs *flag.FlagSet) {
	fs.Var(&f.inputs, "input", "Gaia partitions, paths or globs, local or gs:// (repeat or comma-separate)")
	fs.StringVar(&f.out, "out", "", "output folder, local or gs://")
	fs.StringVar(&f.rejects, "rejects", "", "where rejected rows go (default <out>/rejects.csv)")
	fs.IntVar(&f.block, "block-size", 4096, "stars per block")
	alias(fs, "block", "block-size")
	fs.Var(&f.patches, "patches", "search only these patches: nside-6 Galactic RING pixels (comma-separated; default all)")
	fs.BoolVar(&f.dropDusty, "drop-dusty", false, "leave out the 36 patches the paper marks as dusty")
	fs.BoolVar(&f.published, "published", false, "the published list of 200 patches instead of the 202 of the default grid")
	fs.StringVar(&f.distances, "distances", "", "a published distance catalog of the same partitions ('gaiaflow distances'): a star it holds is foreground when its model distance dist_q50 is at most --min-distance, instead of when its parallax is at least 1 mas (stars the catalog cut keep the parallax cut)")
	fs.Float64Var(&f.minDist, "min-distance", 1000, "with --distances: the foreground's far limit, pc (1000: the distance of the paper's parallax cut)")
	fs.StringVar(&f.features, "features", "full", "ANODE features: full (phi, lambda, mu_phi*, b-r, g) or astrometric (no photometry; the colour and magnitude cuts are skipped)")
	fs.BoolVar(&f.quick, "quick", false, "scaled-down ANODE (anode.QuickOptions: 20 epochs, batch 128, lr 1e-3, Stretch) instead of the paper's 150 epochs")
	fs.StringVar(&f.method, "method", "anode", "how each search region's R is formed: anode (two flows, the paper's) or cathode (Via Machinae 3.0: samples of the control-region flow at the region's mu_lambda against its stars, a classifier between them)")
	fs.IntVar(&f.clsEpochs, "classifier-epochs", 0, "with --method cathode: epochs of each fold's classifier (0: CATHODE's 100, or --epochs with --quick)")
	fs.IntVar(&f.oversample, "oversample", 0, "with --method cathode: samples of the control-region flow per search-region star (0: CATHODE's 4)")
	fs.IntVar(&f.epochs, "epochs", 0, "ANODE epochs per flow (0: the paper's 150, or 20 with --quick)")
	fs.IntVar(&f.patience, "patience", autoPatience, fmt.Sprintf("end each control-region flow's training once the loss of 10%% of its stars, held out, has not fallen by --min-delta for this many optimiser steps (batches; 5000 is about 9 epochs of a 340,000-star patch), and not before the epochs of an average; %d (the default): %d for ANODE at the paper's schedule, 0 with --quick or --method cathode; 0: the paper's, train every epoch", autoPatience, anode.DefaultPatience))
	fs.Float64Var(&f.minDelta, "min-delta", 0.002, "with --patience: the smallest fall of the held-out loss, nats per star, that counts as learning")
	fs.IntVar(&f.blocks, "blocks", 0, "flow blocks (0: 20, the paper's)")
	alias(fs, "flow-blocks", "blocks")
	fs.IntVar(&f.hidden, "hidden", 0, "hidden units per layer (0: 64, the paper's)")
	alias(fs, "flow-hidden", "hidden")
	fs.Uint64Var(&f.seed, "seed", 0, "run seed: with the patch and search region it keys every flow's draws")
	fs.IntVar(&f.workers, "anode-workers", 1, "goroutines per search region's training")
	fs.IntVar(&f.minSR, "min-sr-stars", 20000, "fewest stars in a search region (the paper's 20,000; lower it for small skies)")
	fs.IntVar(&f.maxSR, "max-sr-stars", 1000000, "most stars in a search region")
	fs.StringVar(&f.srRange, "sr-range", "", "search only the regions whose window (mu_lambda, or mu_phi* in the phi scan) lies inside LO:HI mas/yr (default all)")
	fs.IntVar(&f.retrain, "retrainings", autoRetrainings, fmt.Sprintf("train each search region's ANODE this many times with different seeds; a candidate must be found by a majority of them, and members.csv says how many selected each star (Porto & Shih 2025); %d (the default): %d with --confirm over the whole sky at the paper's schedule, 1 with --patches or --quick", autoRetrainings, defaultRetrainings))
	fs.BoolVar(&f.confirm, "confirm", false, "with --retrainings N: train every search region once, then the other N-1 times only around the proto-clusters that pass the cuts (their regions widened by --min-nsr on each side); a candidate of the first training must still be found by a majority, for the cost of retraining its regions instead of the sky; on with --retrainings' whole-sky default")
	fs.IntVar(&f.shareCR, "share-cr", autoShareCR, fmt.Sprintf("train one control-region flow for this many consecutive search regions, on the stars outside all of them, instead of one per region (the paper's, 1): the CR flow is nearly all of a region's cost; ANODE only; %d (the default): %d over the whole sky for ANODE at the paper's schedule, 1 with --patches, --quick or --method cathode", autoShareCR, anode.DefaultShareCR))
	fs.StringVar(&f.scans, "scans", "auto", "proper-motion scans: lambda (search regions in mu_lambda, ROIs in mu_phi*: Via Machinae 1.0), phi (the transpose), both (Via Machinae 2.0), or auto: both over the whole sky, lambda with --patches")
	fs.IntVar(&f.minROI, "min-roi-stars", 200, "fewest stars in a region of interest after the fiducial cuts")
	fs.Float64Var(&f.minSigma, "min-sigma", 8, "candidate cut: sigma_tot above this")
	fs.IntVar(&f.minNSR, "min-nsr", 3, "candidate cut: N_SR at least this (the paper's, 3: its text prints N_SR > 3, but its counts of proto-clusters with N_SR = 1, 2 and \"> 3\" add up to all of them, so \">\" is >=)")
	fs.BoolVar(&f.ring, "ring-background", false, "the Hough background of the paper's text (ring) instead of the authors' tiles (see model/stream)")
	fs.BoolVar(&f.writeR, "write-r", false, "write the R of every search-region star to <out>/r/")
	fs.BoolVar(&f.noPlots, "no-plots", false, "no figures")
	fs.BoolVar(&f.noClusterV, "no-cluster-veto", false, "no globular-cluster veto of search regions")
	fs.StringVar(&f.since, "since", "", "build on an earlier search's output folder (same options): search again only the patches that hold a partition new, rewritten or gone since, and take the other patches' results from it")
}

// autoShareCR is --share-cr's default: anode.DefaultShareCR over the whole
// sky for ANODE at the paper's schedule, where the CR flows are nearly all
// of the cost, and the paper's one CR flow per region for a targeted
// search (--patches), the scaled-down schedule and CATHODE.
const autoShareCR = 0

// autoRetrainings is --retrainings' default: defaultRetrainings with
// --confirm over the whole sky at the paper's schedule, where a false
// candidate costs an astronomer's time and its confirmation a few regions'
// training (on a sky of real density without streams, one first training
// in eight patches has a candidate above the cuts, and a majority of
// three has none), and the paper's one training for a targeted search
// (--patches) and the scaled-down schedule.
const autoRetrainings = 0

// defaultRetrainings is the number of trainings of the whole-sky default.
const defaultRetrainings = 3

// autoPatience is --patience's default: anode.DefaultPatience for ANODE
// at the paper's schedule, 0 with --quick or CATHODE. (A streamFlags made
// in code, as the demo's, has 0: every epoch.)
const autoPatience = -1

func (f *streamFlags) options() (streams.Options, error) {
	fs, err := anode.ParseFeatures(f.features)
	if err != nil {
		return streams.Options{}, err
	}
	so := anode.Options{}
	if f.quick {
		so = anode.QuickOptions()
	}
	so.Features, so.Seed, so.Workers = fs, f.seed, f.workers
	if f.epochs > 0 {
		so.Epochs = f.epochs
	}
	so.Blocks, so.Hidden = f.blocks, f.hidden
	if so.Method, err = anode.ParseMethod(f.method); err != nil {
		return streams.Options{}, fmt.Errorf("--method: %w", err)
	}
	if f.clsEpochs < 0 || f.oversample < 0 {
		return streams.Options{}, fmt.Errorf("--classifier-epochs %d, --oversample %d: want at least 1 (0: the default)", f.clsEpochs, f.oversample)
	}
	so.Cathode.Epochs, so.Cathode.Oversample = f.clsEpochs, f.oversample
	if f.patience < autoPatience || f.patience != 0 && !(f.minDelta >= 0) {
		return streams.Options{}, fmt.Errorf("--patience %d, --min-delta %g: want a patience >= 0 (or %d, the default) and a delta >= 0", f.patience, f.minDelta, autoPatience)
	}
	so.Patience, so.MinDelta = f.patience, f.minDelta
	if f.patience == autoPatience {
		// The early stop was measured at the paper's schedule (the
		// scaled-down one trains 20 epochs and keeps every star), and
		// CATHODE, which samples the CR flow, lost sensitivity with it
		// on every sky measured (anode.DefaultPatience).
		so.Patience = 0
		if !f.quick && so.Method == anode.ANODE {
			so.Patience = anode.DefaultPatience
		}
	}
	if f.quick && so.Cathode.Epochs == 0 {
		so.Cathode.Epochs = so.Epochs
	}
	o := streams.SearchOptions{
		Regions: anode.RegionOptions{MinStars: f.minSR, MaxStars: f.maxSR, Cluster: anode.ClusterOptions{Off: f.noClusterV}},
		Score:   so,
		Search: stream.Config{ROI: stream.ROIConfig{MinStars: f.minROI},
			Merge: stream.MergeConfig{MinSigma: f.minSigma, MinNSR: f.minNSR}},
		Out: f.out, WriteR: f.writeR, Plots: !f.noPlots,
		Distances: f.distances, MinDistance: f.minDist,
	}
	if f.ring {
		o.Search.Hough.Background = stream.BackgroundRing
	}
	if f.dropDusty {
		o.Grid.DropDusty = true
	}
	if f.published {
		o.Grid.Exclude, o.Grid.Avoid = sky.PublishedExcluded, []sky.Cloud{}
	}
	scans := f.scans
	if scans == "auto" || scans == "" {
		scans = "both"
		if len(f.patches) > 0 {
			scans = "lambda"
		}
	}
	if f.retrain < autoRetrainings {
		return streams.Options{}, fmt.Errorf("--retrainings %d: want at least 1 (or %d, the default)", f.retrain, autoRetrainings)
	}
	o.Retrainings, o.Confirm = max(f.retrain, 1), f.confirm
	if f.retrain == autoRetrainings && len(f.patches) == 0 && !f.quick {
		o.Retrainings, o.Confirm = defaultRetrainings, true
	}
	if o.Confirm && o.Retrainings < 2 {
		return streams.Options{}, fmt.Errorf("--confirm: needs --retrainings 2 or more (3 for a majority of three), not %d", o.Retrainings)
	}
	if f.shareCR < autoShareCR || f.shareCR > 1 && so.Method == anode.Cathode {
		return streams.Options{}, fmt.Errorf("--share-cr %d: want at least 1 (or %d, the default), and 1 with --method cathode", f.shareCR, autoShareCR)
	}
	o.ShareCR = f.shareCR
	if f.shareCR == autoShareCR {
		o.ShareCR = 1
		if len(f.patches) == 0 && !f.quick && so.Method == anode.ANODE {
			o.ShareCR = anode.DefaultShareCR
		}
	}
	if o.Scans, err = stream.ParseScans(scans); err != nil {
		return streams.Options{}, fmt.Errorf("--scans: %w", err)
	}
	if o.Pixels, err = f.patches.pixels("patches"); err != nil {
		return streams.Options{}, err
	}
	if f.srRange != "" {
		lo, hi, ok := strings.Cut(f.srRange, ":")
		a, err1 := strconv.ParseFloat(lo, 64)
		b, err2 := strconv.ParseFloat(hi, 64)
		if !ok || err1 != nil || err2 != nil || !(a < b) {
			return streams.Options{}, fmt.Errorf("--sr-range %q: want LO:HI with LO < HI", f.srRange)
		}
		o.SRRange = &anode.Window{Lo: a, Hi: b}
	}
	return streams.Options{Inputs: f.inputs, Rejects: f.rejects, BlockSize: f.block, Search: o, Since: f.since}, nil
}

func runStreams(ctx context.Context, f *streamFlags) error {
	opt, err := f.options()
	if err != nil {
		return err
	}
	opt.DryRun = runners.DryRun()
	if opt, err = streams.Prepare(ctx, opt); err != nil {
		return err
	}
	if sc := opt.Search.Score; sc.Patience > 0 {
		fmt.Printf("streams: each control-region flow stops once its held-out loss has not fallen by %g nats for %d steps (--patience; 0 for the paper's every epoch)\n", sc.MinDelta, sc.Patience)
	}
	if opt.Since != "" {
		fmt.Printf("streams: building on %s: %d input partitions new or changed since\n", opt.Since, len(opt.Search.Changed))
	}
	p, err := streams.Build(opt)
	if err != nil {
		return err
	}
	c, _, err := runAndReport(ctx, p, "streams", opt.CountsPath(), nil)
	if err != nil || c == nil {
		return err
	}
	if st := streams.StatsOf(c); st.Regions > 0 {
		fmt.Printf("  %s: %d search regions in %d patches", strings.ToUpper(opt.Search.Score.Method.String()), st.Regions, st.Patches)
		if st.PatchesReused > 0 {
			fmt.Printf(" (%d more patches' results taken from --since)", st.PatchesReused)
		}
		fmt.Printf(": %.3g CPU-s per region (CPU time of the training thread, summed over regions / regions; %.1f CPU-s in all), %.3g s of wall time per region",
			st.CPUPerRegion, st.TrainCPUSec, st.WallPerRegion)
		if r := runners.Name(); r == "prism" || r == "direct" {
			fmt.Printf(", regions trained side by side on this machine's %d cores", runtime.NumCPU())
		}
		fmt.Println()
	}
	if st := streams.StatsOf(c); st.WorkBytes > 0 {
		fmt.Printf("  staging: %d patches written once (%.1f MB); %.1f kB of search-region work through the shuffle\n",
			st.Patches, float64(st.StagedBytes)/1e6, float64(st.WorkBytes)/1e3)
	}
	return printCandidates(ctx, f.out)
}

// printCandidates prints the candidates a search wrote to out.
func printCandidates(ctx context.Context, out string) error {
	s, err := streamio.ReadSummary(ctx, out)
	if err != nil {
		return err
	}
	fmt.Printf("\n%d search regions, %d ROIs (%d vetoed), %d seeds, %d proto-clusters, %d stream candidates (largest sigma_L %.1f)\n",
		s.SearchRegions, s.ROIs, s.Vetoed, s.Seeds, s.ProtoClusters, s.Candidates, s.MaxSigmaL)
	if e := s.CREpochs; e.Max > 0 {
		fmt.Printf("control-region flows trained %d to %d epochs (mean %.1f)\n", e.Min, e.Max, e.Mean)
	}
	switch by := s.CandidatesByRetraining; {
	case s.Confirmed && len(by) > 0:
		fmt.Printf("candidates of the first training alone: %d; the other trainings confirmed them in %d search regions (a candidate needs %d trainings)\n", by[0], s.ConfirmationRegions, s.MinRetrainings)
	case len(by) > 1:
		fmt.Printf("candidates of each training alone, without the cut of %d retrainings: %v\n", s.MinRetrainings, by)
	}
	cands, err := streamio.ReadCandidates(ctx, out)
	if err != nil {
		return err
	}
	if len(cands) > 0 {
		fmt.Println("\n| candidate | sigma_tot | N_SR | patches | pole (ra, dec) | members |\n|---|---|---|---|---|---|")
	}
	for _, cd := range cands {
		fmt.Printf("| %d | %.1f | %d | %v | (%.1f, %.1f) | %d |\n", cd.ID, cd.SigmaTot, cd.NSR, cd.Patches, cd.PoleRA, cd.PoleDec, cd.Members)
	}
	fmt.Printf("\noutputs in %s\n", out)
	return nil
}

func init() {
	register(&command{
		name:    "streams",
		summary: "stellar-stream candidates of Via Machinae (paper 004) over Gaia partitions",
		usage: `Reads Gaia partitions, puts every star with parallax < 1 mas into the 15-degree patches
that hold it, lays the search regions of each patch (mu_lambda windows of 6 mas/yr, stride 1,
with the size and globular-cluster vetoes), trains ANODE on every (patch, search region) pair
spread over the workers, finds the regions of interest and their Hough lines, and merges them
into seeds, proto-clusters and stream candidates (N_SR >= 3, sigma_tot > 8). Writes
candidates.json and candidates.csv (lines in patch and sky coordinates, poles, sigma_tot,
N_SR, patches, proper-motion windows), members.csv (source_id, R, patch, SR, ROI), rois.csv,
summary.json, optionally every region's R (--write-r), and figures like the paper's figs. 5,
7, 8, 12 and 13. A patch (up to 2 million stars) must fit one worker.

The fiducial cuts of the regions of interest are the paper's, in Gaia's own photometry: the
inner 10 degrees of the patch, phot_g_mean_mag < 20.2, |mu_lambda| > 2 or |mu_phi*| > 2 mas/yr,
and 0.5 <= bp_rp <= 1 in Gaia BP-RP as published (not dereddened; bp - rp where bp_rp is
missing). A stream catalogued in other colours (SDSS g-r, say) must be translated to Gaia BP-RP
before comparing: a turn-off at g-r = 0.25 is about BP-RP = 0.6.`,
		example: "gaiaflow streams --input 'mock/GaiaSource_*.csv.gz' --out mock-streams --quick --min-sr-stars 2000 --patches 100,101",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			f := &streamFlags{}
			f.declare(fs)
			return func(ctx context.Context, args []string) error {
				f.inputs = append(f.inputs, args...)
				if len(f.inputs) == 0 || f.out == "" {
					return fmt.Errorf("--input and --out are required")
				}
				return runStreams(ctx, f)
			}
		},
	})
}
