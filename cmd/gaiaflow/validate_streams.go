package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/hist"
	"github.com/gaiaflow/gaiaflow/model/mock"

	"github.com/gaiaflow/gaiaflow/io/streamio"

	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// streamsReport is what `validate streams` measures; each part is present
// when its inputs were given.
type streamsReport struct {
	Hough   *houghReport        `json:"hough,omitempty"`
	ANODE   *anodeReport        `json:"anode,omitempty"`
	Sky     *skyReport          `json:"end_to_end,omitempty"`
	NullSky *nullSkyReport      `json:"null_sky,omitempty"`
	GD1     *search.StripReport `json:"gd1_strip,omitempty"`
}

// houghReport: injected lines among uniform noise, and noise alone.
type houghReport struct {
	Trials       int       `json:"trials"`
	NLine        int       `json:"line_stars"`
	NNoise       int       `json:"noise_stars"`
	Recovered    int       `json:"recovered"` // theta within a bin, rho within 0.3 deg
	BoxRecovered int       `json:"box_recovered"`
	MedianSigma  float64   `json:"median_sigma_l_with_line"`
	NoiseProbs   []float64 `json:"noise_probs"`
	NoiseSigma   []float64 `json:"noise_sigma_l_quantiles"` // 100 uniform stars per ROI
	Background   string    `json:"background"`
}

func validateHough(trials int, ring bool) *houghReport {
	cfg := stream.HoughConfig{}
	name := "tiles (authors' code, default)"
	if ring {
		cfg.Background, name = stream.BackgroundRing, "ring (paper text)"
	}
	rc := stream.RecoveryConfig{Hough: cfg, Trials: trials, Seed: 1}
	rec := stream.Recover(rc)
	r := &houghReport{Trials: rec.Trials, NLine: 30, NNoise: 70, Recovered: rec.Recovered, Background: name,
		NoiseProbs: []float64{0.05, 0.16, 0.5, 0.84, 0.95, 0.99}}
	for _, b := range rec.Box {
		if b {
			r.BoxRecovered++
		}
	}
	s := slices.Clone(rec.Sigma)
	slices.Sort(s)
	r.MedianSigma = hist.Quantile(s, 0.5)
	r.NoiseSigma = stream.NoiseQuantiles(cfg, 100, trials, 2, r.NoiseProbs)
	return r
}

// anodeReport: ANODE on the labelled development patch.
type anodeReport struct {
	File    string           `json:"file"`
	Report  string           `json:"report"`
	AUC     float64          `json:"auc"`
	SIC     float64          `json:"max_sic"`
	TrueAUC float64          `json:"true_auc"`
	TrueSIC float64          `json:"true_max_sic"`
	Curve   []anode.EpochSIC `json:"sic_by_epoch"`
}

func validateANODE(ctx context.Context, path string, opt anode.Options) (*anodeReport, error) {
	dev, err := streamio.ReadDevFile(ctx, path)
	if err != nil {
		return nil, err
	}
	v, err := anode.Validate(dev, anode.DevWindow, opt)
	if err != nil {
		return nil, err
	}
	text := v.String()
	for i := range v.Curve {
		if math.IsNaN(v.Curve[i].Spread) {
			v.Curve[i].Spread = -1 // JSON has no NaN: -1 where no CR window ends
		}
	}
	return &anodeReport{File: path, Report: text, AUC: v.AUC, SIC: v.SIC.Max, TrueAUC: v.TrueAUC, TrueSIC: v.TrueSIC.Max, Curve: v.Curve}, nil
}

// skyReport: a stream search on a simulated sky against its truth labels.
type skyReport struct {
	Label      string `json:"label"`
	Candidates int    `json:"candidates"`
	Best       int    `json:"best_candidate"` // the candidate with the most true members, -1 if none
	Patches    []int  `json:"patches"`
	Members    int    `json:"members"` // distinct source_ids of the best candidate
	True       int    `json:"true_members"`
	// Stream stars in the sky, and those a search of these patches could
	// find: parallax < 1 mas, inside the inner 10 degrees of a searched patch.
	StreamStars int `json:"stream_stars"`
	Reachable   int `json:"reachable_stream_stars"`
	// InCuts are the reachable stream stars inside the search's fiducial
	// cuts in a searched patch's frame: all its ROIs can hold.
	InCuts int     `json:"stream_stars_in_fiducial_cuts"`
	Purity float64 `json:"purity"`
	// The best candidate's members with p_stream >= 0.5 (proper motions
	// on its coherent track), their stream stars, purity and completeness
	// over the stars inside the fiducial cuts.
	CoherentMembers      int     `json:"coherent_members"`
	CoherentTrue         int     `json:"coherent_true_members"`
	CoherentPurity       float64 `json:"coherent_purity"`
	CoherentCompleteness float64 `json:"coherent_completeness_fiducial"`
	CompletenessFiducial float64 `json:"completeness_fiducial"`
	Completeness         float64 `json:"completeness_reachable"`
	CompletenessAll      float64 `json:"completeness_all"`
}

// nullSkyReport: a search on a sky without the stream.
type nullSkyReport struct {
	stream.FalsePositives
	Runs      []string            `json:"runs"` // the searches counted together
	Largest   []stream.PatchSigma `json:"largest_proto_cluster_by_patch"`
	MinSigma  float64             `json:"min_sigma"`
	MinNSR    int                 `json:"min_nsr"`
	MaxSigmaL float64             `json:"max_sigma_l"`
	ROIs      int                 `json:"rois"`
	Searches  []nullSearch        `json:"searches"`
	// SingleTrainings counts the candidates of each training alone, in
	// searches with retrainings (the first training alone in confirming
	// ones).
	SingleTrainings *stream.TrainingFalsePositives `json:"single_trainings,omitempty"`
}

// nullSearch is one of the searches a null sky was counted from: a row of
// the report's table, so that each patch's result can be traced to its run.
type nullSearch struct {
	Run           string  `json:"run"`
	Patches       []int64 `json:"patches"`
	SearchRegions int     `json:"search_regions"`
	ROIs          int     `json:"rois"`
	Candidates    int     `json:"candidates"`
	// ByRetraining is the candidates of each of its trainings alone, with
	// retrainings (of the first alone in a confirming search).
	ByRetraining []int `json:"candidates_by_retraining,omitempty"`
	// Confirmed says the search was a confirming one (streams --confirm),
	// ConfirmationRegions how many regions its other trainings scored.
	Confirmed           bool `json:"confirmed,omitempty"`
	ConfirmationRegions int  `json:"confirmation_regions,omitempty"`
	// Largest is the largest proto-cluster over the search's patches.
	Largest *stream.PatchSigma `json:"largest_proto_cluster,omitempty"`
	// From the run's counts.json, when it has one: the stars inside the
	// patches' cuts, and the CPU seconds of training per search region.
	PatchStars   int64   `json:"patch_stars,omitempty"`
	CPUPerRegion float64 `json:"cpu_s_per_region,omitempty"`
}

// readTruthLabels returns the source_ids of the stars labelled label in a
// simulated sky's truth tables.
func readTruthLabels(ctx context.Context, skyDir, label string) (map[int64]bool, *mockio.Manifest, error) {
	ids := map[int64]bool{}
	man, err := mockio.ReadManifest(ctx, skyDir)
	if err != nil {
		return nil, nil, err
	}
	streams := man.Config.Defaults().Streams
	if err := mockio.ReadSkyTruth(ctx, skyDir, man, func(t *mock.Truth) {
		if t.Label(streams) == label {
			ids[t.SourceID] = true
		}
	}); err != nil {
		return nil, nil, err
	}
	return ids, man, nil
}

// validateSky measures the search in runDir against the truth of the
// simulated sky in skyDir (search.MatchTruth, search.Reach).
func validateSky(ctx context.Context, skyDir, runDir, label string) (*skyReport, error) {
	truth, man, err := readTruthLabels(ctx, skyDir, label)
	if err != nil {
		return nil, err
	}
	members, err := streamio.ReadMembers(ctx, runDir)
	if err != nil {
		return nil, err
	}
	searched, err := streamio.ReadSearchedPatches(ctx, runDir)
	if err != nil {
		return nil, err
	}
	cands, err := streamio.ReadCandidates(ctx, runDir)
	if err != nil {
		return nil, err
	}
	m := search.MatchTruth(search.Above(members, 0), truth)
	rep := &skyReport{Label: label, Candidates: len(cands), Best: m.Best, Members: m.Members, True: m.True,
		StreamStars: len(truth), Purity: m.Purity()}
	// The same candidate's members whose proper motions follow its
	// coherent track (p_stream >= 0.5).
	c := m.Of(search.Above(members, 0.5), truth)
	rep.CoherentMembers, rep.CoherentTrue, rep.CoherentPurity = c.Members, c.True, c.Purity()
	if m.Best >= 0 && m.Best < len(cands) {
		rep.Patches = cands[m.Best].Patches
	}
	summary, err := streamio.ReadSummary(ctx, runDir)
	if err != nil {
		return nil, err
	}
	reach := search.NewReach(searched, summary.FiducialCuts.ROIConfig())
	for _, f := range man.Files {
		_, err := partition.ReadFile(ctx, store.Join(skyDir, f.Partition), partition.Options{}, func(b *star.Block) error {
			for i := range b.Len() {
				if !truth[b.SourceID[i]] {
					continue
				}
				if reach.Reachable(b.RA[i], b.Dec[i], b.Parallax[i]) {
					rep.Reachable++
				}
				bprp := b.BPRP[i]
				if math.IsNaN(bprp) {
					bprp = b.BP[i] - b.RP[i]
				}
				if reach.InCuts(b.RA[i], b.Dec[i], b.PMRA[i], b.PMDec[i], b.Parallax[i], b.G[i], bprp) {
					rep.InCuts++
				}
			}
			return nil
		}, func(partition.Reject) {})
		if err != nil {
			return nil, err
		}
	}
	if rep.Reachable > 0 {
		rep.Completeness = float64(rep.True) / float64(rep.Reachable)
	}
	if rep.InCuts > 0 {
		rep.CompletenessFiducial = float64(rep.True) / float64(rep.InCuts)
		rep.CoherentCompleteness = float64(rep.CoherentTrue) / float64(rep.InCuts)
	}
	if rep.StreamStars > 0 {
		rep.CompletenessAll = float64(rep.True) / float64(rep.StreamStars)
	}
	return rep, nil
}

func validateNullSky(ctx context.Context, runs string) (*nullSkyReport, error) {
	dirs, err := streamio.RunDirs(ctx, runs)
	if err != nil {
		return nil, err
	}
	sums := make([]streamio.Summary, len(dirs))
	rows := make([]nullSearch, len(dirs))
	for i, d := range dirs {
		if sums[i], err = streamio.ReadSummary(ctx, d); err != nil {
			return nil, err
		}
		if rows[i], err = nullSearchRow(ctx, d, sums[i]); err != nil {
			return nil, err
		}
	}
	s, err := streamio.CombineSummaries(dirs, sums)
	if err != nil {
		return nil, err
	}
	if s.Patches == 0 {
		return nil, fmt.Errorf("%s: no search region was scored, so no patch was searched", strings.Join(dirs, ", "))
	}
	fp := stream.NullSky(s.Patches, s.Candidates, s.Largest, s.MinSigma, []float64{0.5, 0.9, 0.99})
	rep := &nullSkyReport{FalsePositives: fp, Runs: dirs, MinSigma: s.MinSigma, MinNSR: s.MinNSR, MaxSigmaL: s.MaxSigmaL, ROIs: s.ROIs, Largest: s.Largest, Searches: rows}
	patches := make([]int, len(sums))
	by := make([][]int, len(sums))
	for i := range sums {
		patches[i], by[i] = sums[i].Patches, sums[i].CandidatesByRetraining
	}
	if single, ok := stream.SingleTrainings(patches, by); ok {
		rep.SingleTrainings = &single
	}
	return rep, nil
}

// nullSearchRow is the row of the search in dir: its summary, and what its
// counts.json says of its patches and cost (a folder without one, copied
// without it, still counts).
func nullSearchRow(ctx context.Context, dir string, s streamio.Summary) (nullSearch, error) {
	r := nullSearch{Run: dir, Patches: s.SearchedPatches(), SearchRegions: s.SearchRegions, ROIs: s.ROIs, Candidates: s.Candidates,
		ByRetraining: s.CandidatesByRetraining, Confirmed: s.Confirmed, ConfirmationRegions: s.ConfirmationRegions}
	for _, l := range s.Largest {
		if r.Largest == nil || l.Sigma > r.Largest.Sigma {
			r.Largest = &l
		}
	}
	c, err := stars.ReadTally(ctx, streams.Options{Search: streams.SearchOptions{Out: dir}}.CountsPath())
	switch {
	case errors.Is(err, store.ErrNotExist):
		return r, nil
	case err != nil:
		return r, err
	}
	st := streams.StatsOf(c)
	r.PatchStars, r.CPUPerRegion = st.PatchStars, st.CPUPerRegion
	return r, nil
}

func printStreamsReport(r *streamsReport) {
	if h := r.Hough; h != nil {
		fmt.Printf("## Hough (%s background)\n\n", h.Background)
		fmt.Printf("lines of %d stars (width 0.1 deg) among %d uniform stars, random (theta, rho), %d trials:\n", h.NLine, h.NNoise, h.Trials)
		fmt.Printf("recovered (theta within a bin, rho within 0.3 deg): %d of %d (%.1f%%); the best bin's centre alone: %d; median sigma_L %.1f\n\n",
			h.Recovered, h.Trials, 100*float64(h.Recovered)/float64(h.Trials), h.BoxRecovered, h.MedianSigma)
		fmt.Printf("sigma_L of the best line on noise alone (100 uniform stars, %d trials):\n\n| quantile |", h.Trials)
		for _, p := range h.NoiseProbs {
			fmt.Printf(" %g%% |", 100*p)
		}
		fmt.Print("\n|---|")
		for range h.NoiseProbs {
			fmt.Print("---|")
		}
		fmt.Print("\n| sigma_L |")
		for _, q := range h.NoiseSigma {
			fmt.Printf(" %.2f |", q)
		}
		fmt.Print("\n\n")
	}
	if a := r.ANODE; a != nil {
		fmt.Printf("## ANODE on %s\n\n%s\n", a.File, a.Report)
	}
	if s := r.Sky; s != nil {
		fmt.Printf("## End to end on a simulated sky\n\n%d candidates; best for %s: #%d in patches %v, %d members, %d of them %s\n",
			s.Candidates, s.Label, s.Best, s.Patches, s.Members, s.True, s.Label)
		fmt.Printf("purity %.3f; completeness %.3f of the %d %s stars inside the fiducial cuts of a searched patch (what its ROIs can hold), %.3f of the %d reachable ones (parallax < 1 mas, inner 10 deg), %.3f of all %d\n",
			s.Purity, s.CompletenessFiducial, s.InCuts, s.Label, s.Completeness, s.Reachable, s.CompletenessAll, s.StreamStars)
		fmt.Printf("members on the candidate's coherent proper-motion track (p_stream >= 0.5): %d, %d of them %s: purity %.3f, completeness %.3f over the stars inside the fiducial cuts\n\n",
			s.CoherentMembers, s.CoherentTrue, s.Label, s.CoherentPurity, s.CoherentCompleteness)
	}
	if n := r.NullSky; n != nil {
		fmt.Printf("## A sky without streams\n\n%d candidates above the cuts (sigma_tot > %g, N_SR >= %d) in %d patches of %d searches: %.3f false positives per patch, at most %.3f (95 %%, Poisson) (%d ROIs, largest sigma_L %.1f)\n",
			n.Candidates, n.MinSigma, n.MinNSR, n.Patches, len(n.Runs), n.PerPatch, n.UpperPerPatch, n.ROIs, n.MaxSigmaL)
		fmt.Printf("largest proto-cluster of each patch, sigma_tot: median %.1f, 90%% %.1f, 99%% %.1f, max %.1f; %d patches above the sigma_tot cut\n\n",
			n.Sigma[0], n.Sigma[1], n.Sigma[2], n.Max, n.AboveSigma)
		if st := n.SingleTrainings; st != nil {
			fmt.Printf("each training alone, as a search without retrainings (of a confirming search its first alone): %d candidates in %d patch-trainings: %.3f per patch, at most %.3f (95 %%, Poisson)\n\n",
				st.Candidates, st.PatchTrainings, st.PerPatch, st.UpperPerPatch)
		}
		printNullSearches(n.Searches)
	}
	if g := r.GD1; g != nil {
		fmt.Printf("## Real stars: the GD-1 strip\n\n%s\n", stripText(g))
	}
}

// printNullSearches prints the table of a null sky's searches, one row each.
func printNullSearches(rows []nullSearch) {
	fmt.Println("| search | patches | stars in the cuts | search regions | ROIs | candidates | largest proto-cluster: sigma_tot (N_SR) | CPU-s of training per region |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		patches := make([]string, len(r.Patches))
		for i, p := range r.Patches {
			patches[i] = fmt.Sprint(p)
		}
		largest, inCuts, cpu := "-", "-", "-"
		if l := r.Largest; l != nil {
			largest = fmt.Sprintf("%.1f (%d)", l.Sigma, l.NSR)
		}
		if r.PatchStars > 0 {
			inCuts = fmt.Sprint(r.PatchStars)
		}
		if r.CPUPerRegion > 0 {
			cpu = fmt.Sprintf("%.0f", r.CPUPerRegion)
		}
		cands := fmt.Sprint(r.Candidates)
		switch {
		case r.Confirmed && len(r.ByRetraining) > 0:
			cands += fmt.Sprintf(" (the first training alone: %d; %d regions retrained to confirm)", r.ByRetraining[0], r.ConfirmationRegions)
		case len(r.ByRetraining) > 0:
			alone := make([]string, len(r.ByRetraining))
			for i, k := range r.ByRetraining {
				alone[i] = fmt.Sprint(k)
			}
			cands += " (each training alone: " + strings.Join(alone, ", ") + ")"
		}
		fmt.Printf("| %s | %s | %s | %d | %d | %s | %s | %s |\n", r.Run, strings.Join(patches, ","), inCuts, r.SearchRegions, r.ROIs, cands, largest, cpu)
	}
	fmt.Println()
}

func init() {
	register(&command{
		name:    "validate streams",
		summary: "validate the stream search: Hough recovery and noise, ANODE on the dev patch, end to end, GD-1",
		usage: `Each part runs when its inputs are given:
  Hough (always; --hough-trials): lines of 30 stars among 70 uniform ones are recovered (theta
  within a bin, rho within 0.3 deg), and the distribution of sigma_L on noise alone.
  --anode FILE: ANODE on the labelled development patch (true densities included): AUC and the
  best eps_S/sqrt(eps_B) with at least 20 background stars, beside the true ratio's, per epoch.
  --sky DIR --run DIR: a 'gaiaflow streams' run on a sky from 'gaiaflow simulate' against its truth
  labels: the candidate holding the stream, its purity and completeness.
  --null-run DIR[,DIR...]: 'gaiaflow streams' runs on a sky without streams ('simulate --background --no-cmd'
  without --stream), each a folder or a glob of folders ('null-run-*'), counted as one search of all
  their patches: every candidate is false; the false positives per patch with a 95 % Poisson upper
  limit, and the sigma_tot distribution of each patch's largest proto-cluster; with --retrainings, also
  the candidates each training would have made alone, the rate of the search without retrainings
  (with --confirm, the first training's alone: the others did not search every region).
  --gd1 FILE: the GD-1 strip of real Gaia DR2 stars (AstronomicalData centerline table): ANODE
  without photometry on the search region of GD-1's proper motion, how many labelled members rank
  among the highest R, and whether the Hough line follows the stream.
Writes validation_streams.json to --out if given.`,
		example: "gaiaflow validate streams --anode anode_patch_dev.csv.gz --quick --sky mock --run mock-streams --gd1 gd1_data.centerline_df.csv",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var trials, epochs, patience int
			var minDelta float64
			var ring, quick bool
			var anodeFile, skyDir, runDir, nullRun, gd1, out, label, method string
			var seed uint64
			fs.IntVar(&trials, "hough-trials", 500, "trials of the Hough recovery and of the noise distribution")
			fs.BoolVar(&ring, "ring-background", false, "the ring Hough background of the paper's text instead of the tiles")
			fs.StringVar(&anodeFile, "anode", "", "the labelled development patch (anode_patch_dev.csv.gz)")
			fs.BoolVar(&quick, "quick", true, "scaled-down ANODE (anode.QuickOptions); false: the paper's 150 epochs")
			fs.IntVar(&epochs, "epochs", 0, "ANODE epochs (0: the setting's)")
			fs.IntVar(&patience, "patience", 0, "with --anode: end the control-region flow's training once its held-out loss has not fallen by --min-delta for this many optimiser steps (0: train every epoch)")
			fs.Float64Var(&minDelta, "min-delta", 0.002, "with --patience: nats per star")
			fs.StringVar(&method, "method", "anode", "with --anode: anode, or cathode (the control-region flow's samples against a classifier; its classifiers train as many epochs as the flows with --quick, 100 without)")
			fs.Uint64Var(&seed, "seed", 0, "ANODE seed")
			fs.StringVar(&skyDir, "sky", "", "a simulated sky ('gaiaflow simulate --background --stream gd1:N')")
			fs.StringVar(&runDir, "run", "", "the 'gaiaflow streams' output folder of a search of --sky")
			fs.StringVar(&label, "label", "GD-1", "the truth label of the injected stream")
			fs.StringVar(&nullRun, "null-run", "", "the output folders of searches of a sky without streams: a comma-separated list of folders or globs, counted together (a patch may be in only one)")
			fs.StringVar(&gd1, "gd1", "", "the GD-1 strip CSV (gd1_data.centerline_df.csv, optionally gzipped)")
			fs.StringVar(&out, "out", "", "folder for validation_streams.json")
			return func(ctx context.Context, _ []string) error {
				opt := anode.Options{}
				if quick {
					opt = anode.QuickOptions()
				}
				opt.Seed, opt.Patience, opt.MinDelta = seed, patience, minDelta
				if epochs > 0 {
					opt.Epochs = epochs
				}
				var err error
				if opt.Method, err = anode.ParseMethod(method); err != nil {
					return fmt.Errorf("--method: %w", err)
				}
				if quick {
					opt.Cathode.Epochs = opt.Epochs
				}
				rep := &streamsReport{Hough: validateHough(trials, ring)}
				if anodeFile != "" {
					if rep.ANODE, err = validateANODE(ctx, anodeFile, opt); err != nil {
						return err
					}
				}
				if skyDir != "" || runDir != "" {
					if skyDir == "" || runDir == "" {
						return fmt.Errorf("--sky and --run go together")
					}
					if rep.Sky, err = validateSky(ctx, skyDir, runDir, label); err != nil {
						return err
					}
				}
				if nullRun != "" {
					if rep.NullSky, err = validateNullSky(ctx, nullRun); err != nil {
						return err
					}
				}
				if gd1 != "" {
					opt.Features = anode.Astrometric
					if rep.GD1, err = validateGD1(ctx, gd1, opt); err != nil {
						return err
					}
				}
				printStreamsReport(rep)
				if out != "" {
					js, err := json.MarshalIndent(rep, "", "  ")
					if err != nil {
						return err
					}
					return store.WriteFile(ctx, store.Join(out, "validation_streams.json"), js)
				}
				return nil
			}
		},
	})
}

// validateGD1 reads the GD-1 strip at path and measures the search on it
// (search.Strip).
func validateGD1(ctx context.Context, path string, opt anode.Options) (*search.StripReport, error) {
	b, labels, err := streamio.ReadLabelledStrip(ctx, path)
	if err != nil {
		return nil, err
	}
	return search.Strip(b, labels, opt)
}

// stripText is the report of the GD-1 strip as text and a Markdown table.
func stripText(g *search.StripReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d stars (%d labelled GD-1), patch frame centred on (%.2f, %.2f); search region mu_lambda %v: %d stars, %d labelled; ANODE (astrometric features) %.1f s, CR epoch %d\n",
		g.Stars, g.Labelled, g.CentreRA, g.CentreDec, g.Window, g.SRStars, g.SRLabelled, g.Seconds, g.CREpoch)
	fmt.Fprintf(&b, "AUC of R for the labelled members in the search region: %.3f\n\n| top-R stars | labelled GD-1 among them | expected at random |\n|---|---|---|\n", g.AUC)
	for i, k := range g.TopK {
		fmt.Fprintf(&b, "| %d | %d | %.1f |\n", k, g.TopLabelled[i], float64(k)*float64(g.SRLabelled)/float64(g.SRStars))
	}
	if a := g.Top50; a.K > 0 {
		fmt.Fprintf(&b, "\nthe %d highest-R stars: %d have mu_phi* more than %g mas/yr from the members' median (%.2f), %d lie within %g deg of the strip's edge;"+
			" inside the members' window (mu_phi* within %g mas/yr: %d stars, %d labelled) the %d highest R hold %d labelled (%.1f at random)\n",
			a.K, a.PMTail, a.PMTailCut, a.CentrePMPhi, a.Edge, a.EdgeCut, a.Window, a.WindowStars, a.WindowSignal, a.K, a.Hit, a.Expected)
	}
	fmt.Fprintf(&b, "\nROI mu_phi* window %d (%d stars after the cuts, %d labelled among the kept highest-R stars in that window): Hough line theta %.1f deg, rho %.2f deg, sigma_L %.1f, %d stars on it, %d labelled\n",
		g.ROIPM, g.ROIStars, g.ROILabelled, g.Line.Theta*180/math.Pi, g.Line.Rho, g.Sigma, g.LineMembers, g.LineTrue)
	fmt.Fprintf(&b, "the labelled members' own line: theta %.1f deg, rho %.2f deg; difference %.1f deg, %.2f deg; median distance of the members from the Hough line %.2f deg\n",
		g.MembersLine.Theta*180/math.Pi, g.MembersLine.Rho, g.DTheta*180/math.Pi, g.DRho, g.MedianOffset)
	return b.String()
}
