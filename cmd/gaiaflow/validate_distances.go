package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/transforms/distances"
)

// defaultKLPoints is how many draws of the true CMD the KL is estimated
// on. With 20,000 (until 2026-12-06) one draw in a hole of a learned flow
// could move it by 0.03 nats (distance.KLByComponent); 200,000 add a few
// tenths of a second to the demo's validation (6.5 s in all).
const defaultKLPoints = 200000

// distanceReport is what `validate distances` measures on a simulated sky.
type distanceReport struct {
	KL float64 `json:"kl_true_vs_learned_nats"`
	// KLStdErr is KL's standard error from its defaultKLPoints true draws
	// (or --kl-points).
	KLStdErr float64 `json:"kl_stderr_nats"`
	// KLParts splits KL over the true CMD's sequences.
	KLParts []distance.KLPart `json:"kl_by_sequence"`
	// KLNote says how a learned CMD conditioned on the distance was scored.
	KLNote string `json:"kl_note,omitempty"`
	// Grid scores the grid a catalog reads the learned CMD from, where it
	// reads one (not with distances --exact): the catalog's prior is that
	// grid, not the flow.
	Grid *gridScore `json:"grid,omitempty"`
	// Model is the model scored alone (--model, no catalog); empty for
	// a catalog's report.
	Model    string            `json:"model,omitempty"`
	Accuracy distance.Accuracy `json:"accuracy"`
	// AccuracyCMD is Accuracy over the paper-000 population alone (the
	// stars the true CMD describes; the background and stream stars
	// follow isochrones the CMD prior was not built for).
	AccuracyCMD distance.Accuracy `json:"accuracy_paper000"`
	// Over the paper-000 population, the stars with BP/RP and those
	// without (placed with the CMD's marginal in g), when there are any.
	AccuracyColour   *distance.Accuracy `json:"accuracy_paper000_with_bp_rp,omitempty"`
	AccuracyNoColour *distance.Accuracy `json:"accuracy_paper000_without_bp_rp,omitempty"`
	// Populations is Accuracy per mock component and, within it, for
	// its luminous stars (true M_G < populationGiantM: giants and
	// subgiants) and the rest, where the sky has more than one component:
	// the separable CMD x distance prior of paper 000 fits the population
	// that dominates the training and places another's luminous stars as
	// that one's dwarfs.
	Populations []populationAccuracy  `json:"populations,omitempty"`
	Table1      distance.Table1Result `json:"table1"`
	Figures     []string              `json:"figures"`
}

// populationAccuracy is Accuracy over one group of a mock sky's stars.
type populationAccuracy struct {
	Name     string            `json:"name"`
	Accuracy distance.Accuracy `json:"accuracy"`
}

// gridScore is the KL of the true CMD from the grid distilled from the
// learned CMD (distance.DistilCMD), on the same true draws as the flow's.
type gridScore struct {
	Nodes  int               `json:"nodes"`            // its size (distance.DefaultGridNodes)
	N      []int             `json:"n"`                // its nodes per axis
	Shear  float64           `json:"shear"`            // flow.Grid.Shear
	TailN  []int             `json:"tail_n,omitempty"` // the nodes per axis of its tail (flow.Grid.Tail), if any
	Source string            `json:"source"`
	KL     float64           `json:"kl_true_vs_grid_nats"`
	StdErr float64           `json:"kl_stderr_nats"`
	Parts  []distance.KLPart `json:"kl_by_sequence"`
}

// scoreGrid fills rep.Grid with the KL of g (of size nodes, read from
// or distilled as source says) from the sky's true CMD.
func scoreGrid(sky *mockio.Manifest, g *flow.Grid, nodes int, source string, rep *distanceReport, klPoints int) error {
	dens, err := distance.NewGridDensity(g)
	if err != nil {
		return err
	}
	var r distanceReport
	scoreCMD(sky, dens, &r, klPoints)
	rep.Grid = &gridScore{Nodes: nodes, N: g.N, Shear: g.Shear, Source: source, KL: r.KL, StdErr: r.KLStdErr, Parts: r.KLParts}
	if g.Tail != nil {
		rep.Grid.TailN = g.Tail.N
	}
	return nil
}

// catalogGrid returns the grid of size nodes that a catalog reads
// the model at modelPath (SHA-256 modelSum, hex) from: the file at cached
// (the catalog's grids/ folder, or the one traincmd leaves beside the
// model) if it names the model (and, with sameLayout, is laid out as this
// build lays out the model's grid: a catalog made now distils the grid
// beside a model again if it is not), else distilled from f as the
// catalog would, and says which.
func catalogGrid(ctx context.Context, f *flow.Flow, modelSum, cached string, nodes int, sameLayout bool) (*flow.Grid, string, error) {
	if g, sum, err := flowfile.FetchGrid(ctx, cached); err == nil && sum == modelSum && (!sameLayout || distance.CMDGridSpec(f, nodes).Matches(g)) {
		return g, cached, nil
	}
	g, err := distance.DistilCMD(f, nodes)
	return g, "distilled from the model", err
}

// populationGiantM splits a population's luminous stars (giants and
// subgiants, true M_G brighter than this) from its dwarfs.
const populationGiantM = 3.0

// populationName names component c's stars, all of them (part 0), its
// luminous ones (part 1) or the rest (part 2).
func populationName(c mock.Component, part int) string {
	return c.String() + [3]string{"", fmt.Sprintf(", M_G < %g", populationGiantM), fmt.Sprintf(", M_G >= %g", populationGiantM)}[part]
}

func validateDistances(ctx context.Context, skyDir, catDir, out string, klPoints int) (*distanceReport, error) {
	truth := map[int64]float64{}
	truthCMD := map[int64]float64{} // the paper-000 population alone
	sky, err := mockio.ReadManifest(ctx, skyDir)
	if err != nil {
		return nil, err
	}
	pops := map[string]map[int64]float64{}
	add := func(name string, t *mock.Truth) {
		if pops[name] == nil {
			pops[name] = map[int64]float64{}
		}
		pops[name][t.SourceID] = t.Dist
	}
	comps := map[mock.Component]bool{}
	if err := mockio.ReadSkyTruth(ctx, skyDir, sky, func(t *mock.Truth) {
		truth[t.SourceID] = t.Dist
		if t.Component == mock.CMDStar {
			truthCMD[t.SourceID] = t.Dist
		}
		comps[t.Component] = true
		add(populationName(t.Component, 0), t)
		if t.AbsG < populationGiantM {
			add(populationName(t.Component, 1), t)
		} else {
			add(populationName(t.Component, 2), t)
		}
	}); err != nil {
		return nil, err
	}
	rows, man, err := release.ReadPublished(ctx, catDir, nil)
	if err != nil {
		return nil, err
	}
	f, err := flowfile.Load(ctx, man.Model)
	if err != nil {
		return nil, fmt.Errorf("the catalog's model: %w", err)
	}
	var learned distance.Density = distance.FlowDensity{Flow: f}
	rep := &distanceReport{}
	if f.Config().C != 0 {
		// A CMD conditioned on the distance: the catalogue's CMD is its
		// mean over the catalogue's distances.
		const nd = 16
		learned = distance.MixedCMD{Dens: distance.FlowDensity{Flow: f}, Dists: distance.CatalogDistances(rows.DistQ50, nd)}
		rep.KLNote = fmt.Sprintf("the learned CMD is conditioned on the distance: scored as its mean over %d quantiles of the catalog's dist_q50", nd)
	}
	scoreCMD(sky, learned, rep, klPoints)
	var opts struct{ Exact bool }
	if err := json.Unmarshal(man.Options, &opts); err == nil && !opts.Exact && f.Config().C == 0 {
		nodes := distance.DefaultGridNodes
		g, source, err := catalogGrid(ctx, f, man.ModelSHA256, distances.GridPath(catDir, man.ModelSHA256, nodes), nodes, false)
		if err != nil {
			return nil, err
		}
		if err := scoreGrid(sky, g, nodes, source, rep, klPoints); err != nil {
			return nil, err
		}
	}
	rep.Accuracy = distance.CompareTruth(rows, truth)
	rep.AccuracyCMD = distance.CompareTruth(rows, truthCMD)
	withC, withoutC := map[int64]float64{}, map[int64]float64{}
	for i, id := range rows.SourceID {
		if d, ok := truthCMD[id]; ok {
			if rows.Flags[i]&distance.FlagNoColour != 0 {
				withoutC[id] = d
			} else {
				withC[id] = d
			}
		}
	}
	if len(withoutC) > 0 {
		a, b := distance.CompareTruth(rows, withC), distance.CompareTruth(rows, withoutC)
		rep.AccuracyColour, rep.AccuracyNoColour = &a, &b
	}
	if len(comps) > 1 {
		for _, c := range []mock.Component{mock.CMDStar, mock.DiskStar, mock.HaloStar, mock.StreamStar} {
			for part := range 3 {
				if name := populationName(c, part); len(pops[name]) > 0 {
					rep.Populations = append(rep.Populations, populationAccuracy{Name: name, Accuracy: distance.CompareTruth(rows, pops[name])})
				}
			}
		}
	}
	var t1 distance.Table1
	t1.AddRows(rows)
	rep.Table1 = t1.Result()
	return rep, writeCMDReport(ctx, sky, learned, rep, out)
}

// validateModel scores the CMD model at path alone against the true CMD of
// the sky at skyDir: the KL with its parts, and the figures, without a
// catalog (a CMD conditioned on the distance has no CMD of its own
// without the catalog's distances, so it needs one).
func validateModel(ctx context.Context, skyDir, path, out string, klPoints int) (*distanceReport, error) {
	sky, err := mockio.ReadManifest(ctx, skyDir)
	if err != nil {
		return nil, err
	}
	f, err := flowfile.Load(ctx, path)
	if err != nil {
		return nil, err
	}
	if f.D() != 3 || f.C() != 0 {
		return nil, fmt.Errorf("%s: a flow of D = %d, C = %d is not a CMD of its own; score a CMD conditioned on the distance with --catalog", path, f.D(), f.C())
	}
	rep := &distanceReport{Model: path}
	learned := distance.FlowDensity{Flow: f}
	scoreCMD(sky, learned, rep, klPoints)
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	nodes := distance.DefaultGridNodes
	g, source, err := catalogGrid(ctx, f, hex.EncodeToString(sum[:]), flowfile.GridBeside(path, nodes), nodes, true)
	if err != nil {
		return nil, err
	}
	if err := scoreGrid(sky, g, nodes, source, rep, klPoints); err != nil {
		return nil, err
	}
	return rep, writeCMDReport(ctx, sky, learned, rep, out)
}

// scoreCMD fills rep's KL of learned from the sky's true CMD, its standard
// error and its parts, on klPoints true draws seeded by the sky's seed.
func scoreCMD(sky *mockio.Manifest, learned distance.Density, rep *distanceReport, klPoints int) {
	cmd := sky.Config.Defaults().CMD
	rng := keyrand.New(sky.Config.Seed, 0x6b6c)
	var names []string
	for _, s := range cmd.Sequences {
		names = append(names, s.Name)
	}
	rep.KL, rep.KLStdErr, rep.KLParts = distance.KLByComponent(func(x []float64) int {
		var seq int
		x[0], x[1], x[2], seq = cmd.Sample(rng)
		return seq
	}, func(x []float64) float64 { return cmd.LogProb(x[0], x[1], x[2]) }, learned, klPoints, names)
}

// writeCMDReport draws paper 000's figs. 2 and 3 of learned beside the sky's
// true CMD into out and writes rep there as validation_distances.json.
func writeCMDReport(ctx context.Context, sky *mockio.Manifest, learned distance.Density, rep *distanceReport, out string) error {
	cmd := sky.Config.Defaults().CMD
	grid := distance.Marginal{NX: 120, NY: 120, NBPG: 201}
	trueGrid := plot.CMDGrid(distance.MarginalCMD(distance.LogProbFunc(cmd.LogProb), grid))
	learnedGrid := plot.CMDGrid(distance.MarginalCMD(learned, grid))
	for name, fig := range map[string]*plot.Figure{
		"fig2_cmd_true_vs_learned.png": plot.Fig2(trueGrid, learnedGrid),
		"fig3_cmd_learned.png":         plot.Fig3(learnedGrid),
	} {
		p := store.Join(out, name)
		if err := fig.Save(ctx, p); err != nil {
			return err
		}
		rep.Figures = append(rep.Figures, p)
	}
	js, _ := json.MarshalIndent(rep, "", "  ")
	return store.WriteFile(ctx, store.Join(out, "validation_distances.json"), js)
}

func printDistanceReport(r *distanceReport) {
	if r.Model != "" {
		fmt.Printf("KL(true CMD || %s): %.3f ± %.3f nats\n", r.Model, r.KL, r.KLStdErr)
		printKLParts(r)
		printGridScore(r)
		printFigures(r)
		return
	}
	a, c := r.Accuracy, r.AccuracyCMD
	fmt.Printf(`| check | all stars | paper-000 population | ideal |
|---|---|---|---|
| KL(true CMD || learned CMD), ± its standard error | | %.3f ± %.3f nats | 0 |
| stars matched to truth | %d | %d | |
| median relative error, model | %.1f%% | %.1f%% | |
| median relative error, 1/parallax (parallax > 0) | %.1f%% | %.1f%% | |
| true distance inside [q15.87, q84.13] | %.1f%% | %.1f%% | 68.3%% |
| quantile pulls (q50 - d_true)/(q50 - q16 or q84 - q50): median, (p84 - p16)/2 | %.2f, %.2f | %.2f, %.2f | 0, 1 |
| pulls (dist_mean - d_true)/dist_std: median, IQR/1.349 | %.2f, %.2f | %.2f, %.2f | 0, 1 if Gaussian |
| mean SNR improvement, parallax > 0 | %.1f%% | | paper (DR2): 48.6%% |
| negative parallaxes given a finite positive distance | %d of %d | %d of %d | all |
`, r.KL, r.KLStdErr, a.N, c.N, 100*a.MedianRelErr, 100*c.MedianRelErr, 100*a.MedianRelErrInvParallax, 100*c.MedianRelErrInvParallax,
		100*a.Coverage68, 100*c.Coverage68, a.QuantilePullMedian, a.QuantilePullSpread, c.QuantilePullMedian, c.QuantilePullSpread,
		a.PullMedian, a.PullSpread, c.PullMedian, c.PullSpread,
		100*r.Table1.MeanSNRImprovement, a.NegParallaxFinite, a.NegParallax, c.NegParallaxFinite, c.NegParallax)
	printKLParts(r)
	printGridScore(r)
	if c, n := r.AccuracyColour, r.AccuracyNoColour; c != nil && n != nil {
		fmt.Printf(`
| paper-000 population | with BP/RP | without BP/RP (marginal in g) |
|---|---|---|
| stars | %d | %d |
| median relative error, model / 1/parallax | %.1f%% / %.1f%% | %.1f%% / %.1f%% |
| true distance inside [q15.87, q84.13] | %.1f%% | %.1f%% |
| quantile pulls: median, (p84 - p16)/2 | %.2f, %.2f | %.2f, %.2f |
| pulls (mean/std): median, IQR/1.349 | %.2f, %.2f | %.2f, %.2f |
`, c.N, n.N, 100*c.MedianRelErr, 100*c.MedianRelErrInvParallax, 100*n.MedianRelErr, 100*n.MedianRelErrInvParallax,
			100*c.Coverage68, 100*n.Coverage68, c.QuantilePullMedian, c.QuantilePullSpread, n.QuantilePullMedian, n.QuantilePullSpread,
			c.PullMedian, c.PullSpread, n.PullMedian, n.PullSpread)
	}
	if len(r.Populations) > 0 {
		fmt.Printf(`
| population (true M_G < 3: giants and subgiants) | stars | median relative error, model / 1/parallax | inside [q15.87, q84.13] | quantile pulls: median, (p84 - p16)/2 |
|---|---|---|---|---|
`)
		for _, p := range r.Populations {
			a := p.Accuracy
			fmt.Printf("| %s | %d | %.1f%% / %.1f%% | %.1f%% | %.2f, %.2f |\n", p.Name, a.N, 100*a.MedianRelErr, 100*a.MedianRelErrInvParallax,
				100*a.Coverage68, a.QuantilePullMedian, a.QuantilePullSpread)
		}
	}
	printFigures(r)
}

// printGridScore prints the KL of the grid a catalog reads, beside the
// flow's, and its parts.
func printGridScore(r *distanceReport) {
	g := r.Grid
	if g == nil {
		return
	}
	tail := ""
	if g.TailN != nil {
		tail = fmt.Sprintf(", a tail of %v beyond its box", g.TailN)
	}
	fmt.Printf("\nKL(true CMD || the grid a catalog reads it from, %v nodes, shear %.3f%s; %s): %.3f ± %.3f nats (the flow itself: %.3f)\n", g.N, g.Shear, tail, g.Source, g.KL, g.StdErr, r.KL)
	fmt.Printf("| true CMD sequence | of the grid's KL, nats | mean log ratio per star |\n|---|---|---|\n")
	for _, p := range g.Parts {
		fmt.Printf("| %s | %.3f | %.3f |\n", p.Name, p.KL, p.MeanLogRatio)
	}
}

// printKLParts prints the table of the KL's parts over the true CMD's
// sequences, and how a conditioned CMD was scored.
func printKLParts(r *distanceReport) {
	fmt.Printf(`
| true CMD sequence | its share of the stars | of the KL, nats | mean log ratio per star |
|---|---|---|---|
`)
	for _, p := range r.KLParts {
		fmt.Printf("| %s | %.3f | %.3f | %.3f |\n", p.Name, p.Fraction, p.KL, p.MeanLogRatio)
	}
	if r.KLNote != "" {
		fmt.Printf("\n(KL: %s.)\n", r.KLNote)
	}
}

func printFigures(r *distanceReport) {
	for _, f := range r.Figures {
		fmt.Println("figure:", f)
	}
}

func init() {
	register(&command{
		name:    "validate distances",
		summary: "measure a distance catalog of a simulated sky against its truth",
		usage: `For a sky made by 'gaiaflow simulate' (truth known) and a catalog made from it by
'gaiaflow distances': the KL divergence of the learned CMD from the true one (on true samples),
the true and learned CMDs side by side (paper fig. 2) and the learned one (fig. 3), the median
relative distance error against 1/parallax, the coverage of [q15.87, q84.13], the spread of the
pulls, the mean SNR improvement (paper: 48.6% on DR2) and the negative parallaxes' distances.
Writes validation_distances.json and the figures to --out. With --model instead of --catalog, the
model alone (a cmd.gff of 'gaiaflow traincmd'): its KL, split over the true CMD's sequences, and
the figures, in seconds, without a catalog. Both also score the grid the catalog reads the CMD
from (128^3 nodes, trilinear in log p; not with distances --exact): the catalog's prior.`,
		example: "gaiaflow validate distances --sky mock --catalog mock-catalog --out mock-catalog/validation\n  gaiaflow validate distances --sky mock --model mock-model/cmd.gff",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			var skyDir, catDir, model, out string
			var n int
			fs.StringVar(&skyDir, "sky", "", "the simulated sky's folder")
			fs.StringVar(&catDir, "catalog", "", "the catalog folder made from it")
			fs.StringVar(&model, "model", "", "instead of --catalog: score this CMD model (.gff) alone against the sky's true CMD")
			fs.StringVar(&out, "out", "", "where the report and figures go (default: <catalog>/validation, or validation/ beside the model)")
			fs.IntVar(&n, "kl-points", defaultKLPoints, "true samples for the KL estimate")
			return func(ctx context.Context, _ []string) error {
				if skyDir == "" || (catDir == "") == (model == "") {
					return fmt.Errorf("--sky and one of --catalog and --model are required")
				}
				var r *distanceReport
				var err error
				if model != "" {
					if out == "" {
						out = store.Join(store.Dir(model), "validation")
					}
					r, err = validateModel(ctx, skyDir, model, out, n)
				} else {
					if out == "" {
						out = store.Join(catDir, "validation")
					}
					r, err = validateDistances(ctx, skyDir, catDir, out, n)
				}
				if err != nil {
					return err
				}
				printDistanceReport(r)
				return nil
			}
		},
	})
}
