package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/pipelines/traincmd"
)

type trainSpec struct {
	opt                   traincmd.Options
	hidden, layers        int
	prec, act             string
	parallaxOffset        float64
	offsetSet, u0FromData bool
	fs                    *flag.FlagSet // the flags as given (nil for the demo's spec)
}

func (t *trainSpec) declare(fs *flag.FlagSet) {
	d := traincmd.DefaultOptions()
	t.opt = d
	o := &t.opt
	o.Fit.Flow.Hidden = nil // from --hidden and --layers
	fs.Var((*listFlag)(&o.Inputs), "input", "Gaia partitions, paths or globs, local or gs:// (repeat or comma-separate)")
	fs.StringVar(&o.Out, "out", "", "folder for cmd.gff, learning_curve.csv and the plots")
	fs.StringVar(&o.Dust, "dust", d.Dust, "dust map: a .gfdust, Bayestar .h5 or mock dust.json file, constant:E, or none")
	fs.Float64Var(&o.Fraction, "fraction", d.Fraction, "seeded random fraction of the stars passing the cuts to keep")
	fs.IntVar(&o.MaxStars, "stars", d.MaxStars, "train on at most this many stars")
	fs.Float64Var(&o.Cfg.MinParallaxSNR, "min-parallax-snr", d.Cfg.MinParallaxSNR, "train only on stars with parallax/error at least this (paper: 0, all: trains, with posteriors a little wider and a CMD a little further from the truth than the floor gives, see the README)")
	fs.Float64Var(&o.Cfg.MaxColourError, "max-colour-error", d.Cfg.MaxColourError, "train only on stars whose BP-RP error (from the flux_over_error columns) is at most this, mag, the selection corrected with --survey-stars like the parallax floor; 0: no such cut (the paper)")
	fs.IntVar(&o.SurveyStars, "survey-stars", d.SurveyStars, "correct the training for the selection of --min-parallax-snr with a random survey of this many catalogue stars of every parallax/error, so the flow learns the catalogue's CMD; 0: the paper's training, whose CMD over-represents nearby faint stars")
	fs.BoolVar(&o.Cfg.KeepNoRUWE, "keep-no-ruwe", false, "keep stars without any RUWE (pre-cleaned member lists); default: cut them")
	fs.BoolVar(&t.u0FromData, "u0-from-data", d.U0FromData, "compute RUWE from chi2 and n_good_obs normalised by u0(G, colour) from the data where the ruwe column is missing (DR2)")
	fs.IntVar(&o.Fit.Flow.Blocks, "blocks", d.Fit.Flow.Blocks, "MADE -> BatchNorm -> Reverse blocks (paper: 35)")
	fs.IntVar(&t.hidden, "hidden", d.Fit.Flow.Hidden[0], "hidden units per MADE layer (paper: 500)")
	fs.IntVar(&t.layers, "layers", len(d.Fit.Flow.Hidden), "hidden layers per MADE")
	fs.StringVar(&t.act, "activation", d.Fit.Flow.Activation.String(), "relu or tanh")
	fs.IntVar(&o.Fit.Passes, "passes", d.Fit.Passes, "passes over the training stars")
	fs.IntVar(&o.Fit.Average, "average-passes", d.Fit.Average, "make the model the mean of the flows of the last this many passes (all if fewer), which removes most of the pass-to-pass noise of the training; 0: the flow of the pass with the best held-out loss")
	fs.BoolVar(&o.Fit.DistanceContext, "distance-context", false, "condition the CMD flow on log10 of the distance, P(g, colours | d), for skies of several populations at different distances (use with --min-parallax-snr 0: behind a parallax floor a far star is only kept if it is luminous; the training points then come from the flow itself, not a grid, and the catalog needs distances --exact)")
	fs.IntVar(&o.Fit.GridNodes, "grid-nodes", d.Fit.GridNodes, "recompute the training points with the flow distilled to a grid of this size (the cube of nodes, laid out as the catalog's) at each pass (fast); 0: with the flow itself (the paper)")
	fs.IntVar(&o.Fit.Batch, "batch", d.Fit.Batch, "stars per mini-batch (paper: 2048)")
	fs.Float64Var(&o.Fit.HoldOut, "holdout", d.Fit.HoldOut, "fraction of the stars held out for the learning curve")
	fs.Float64Var(&o.Fit.Opt.LR, "lr", d.Fit.Opt.LR, "Adam learning rate")
	fs.Float64Var(&o.Fit.FinalLRFraction, "final-lr-fraction", d.Fit.FinalLRFraction, "lower the learning rate linearly over the averaged passes, to this fraction of --lr at the last one; 0: --lr throughout")
	fs.Float64Var(&o.Cfg.SigmaCMD, "sigma-cmd", d.Cfg.SigmaCMD, "intrinsic CMD width added in quadrature to sigma_P in the weight 1/(sigma_P^2 + sigma_cmd^2), mag; negative: the paper's 1/sigma_P^2")
	fs.IntVar(&o.Fit.Redraws, "redraws", d.Fit.Redraws, "with --points posterior: fresh posterior draws (each an Adam step) per recomputation of a batch's posteriors")
	fs.BoolVar(&o.Fit.AdaptProposals, "adapt-proposals", d.Fit.AdaptProposals, "with --points posterior: draw half of every star's parallax and colour-noise samples from a proposal adapted to its last posterior instead of all from its likelihood (sharper draws of the same posteriors; =false draws them all from the likelihood)")
	fs.BoolVar(&o.Fit.GridProposals, "grid-proposals", d.Fit.GridProposals, "with --adapt-proposals and the grid in the loop: draw a quarter of every star's samples with their colours from the CMD's own distribution at the sample's absolute magnitude (=false: the adapted colour Gaussian for all of the adapted half)")
	fs.BoolVar(&o.Fit.AllSamples, "all-samples", false, "with --points posterior: each star's points are all its samples, weighted by their posterior weights (those above a thousandth), instead of --redraws draws of one: no draw noise in the gradient (a 60,000-star sky, seeds 1-3: KL 0.082-0.091 against 0.096-0.129), 1.7 times the training time there and about twice on the demo's sky")
	fs.IntVar(&o.Fit.StepBatch, "step-batch", 0, "points per Adam step, cutting each recomputed batch into several steps; 0: the whole batch (paper)")
	fs.Func("points", "training points: posterior (default: draws from each star's posterior under the current flow, parallax and colour noise deconvolved) or mean (paper: g from the mean of the parallax samples, observed colours)", func(s string) error {
		switch s {
		case "mean":
			o.Fit.Points = distance.MeanPoints
		case "posterior":
			o.Fit.Points = distance.PosteriorPoints
		default:
			return fmt.Errorf("want mean or posterior, got %q", s)
		}
		return nil
	})
	fs.Uint64Var(&o.Cfg.Seed, "seed", 0, "run seed: sample, parallax draws, weights, batches")
	fs.StringVar(&t.prec, "precision", d.Fit.Opt.Precision.String(), "arithmetic of the flow: float32 or float64")
	fs.IntVar(&o.Fit.Opt.Workers, "workers", d.Fit.Opt.Workers, "goroutines per matrix product while training")
	fs.IntVar(&o.Cfg.K, "samples", d.Cfg.K, "parallax samples per star")
	fs.IntVar(&o.Cfg.T, "iterations", d.Cfg.T, "iterations of eq. 2 per training point (paper: 5)")
	fs.Func("parallax-offset", "added to every parallax, mas (default +0.029, DR2; 0 for DR3 corrected elsewhere)", func(s string) error {
		t.offsetSet = true
		_, err := fmt.Sscan(s, &t.parallaxOffset)
		return err
	})
	fs.StringVar(&o.Rejects, "rejects", "", "write rejected rows to this CSV")
	fs.StringVar(&o.Start, "start-from", "", "start from this model (.gff, local or gs://): its architecture, standardisation and weights, Adam's moments afresh, to continue a training in another run; the architecture flags are then the model's")
	t.fs = fs
}

// architectureFlags are the flags that --start-from takes from its model.
var architectureFlags = []string{"blocks", "hidden", "layers", "activation"}

// checkStart reads the model o.Start names and returns an error if it
// cannot start this training: not a CMD flow (D = 3), conditioned where
// the training is not or the other way round, or an architecture flag
// given beside it.
func (t *trainSpec) checkStart(ctx context.Context, o *traincmd.Options) error {
	if o.Start == "" {
		return nil
	}
	if t.fs != nil {
		var given []string
		t.fs.Visit(func(f *flag.Flag) {
			if slices.Contains(architectureFlags, f.Name) {
				given = append(given, "--"+f.Name)
			}
		})
		if len(given) > 0 {
			return fmt.Errorf("traincmd: %s with --start-from: the architecture is the model's", strings.Join(given, ", "))
		}
	}
	f, err := flowfile.Load(ctx, o.Start)
	if err != nil {
		return fmt.Errorf("traincmd: --start-from: %w", err)
	}
	wantC := 0
	if o.Fit.DistanceContext {
		wantC = 1
	}
	if f.D() != 3 || f.C() != wantC {
		return fmt.Errorf("traincmd: --start-from %s: a flow of D = %d, C = %d, where this training needs D = 3, C = %d", o.Start, f.D(), f.C(), wantC)
	}
	o.Fit.Flow = f.Config()
	return nil
}

func (t *trainSpec) options() (traincmd.Options, error) {
	o := t.opt
	var err error
	if o.Fit.Opt.Precision, err = parsePrecision(t.prec); err != nil {
		return o, err
	}
	if o.Fit.Flow.Activation, err = flow.ParseActivation(t.act); err != nil {
		return o, err
	}
	o.Fit.Flow.Hidden = nil
	for range t.layers {
		o.Fit.Flow.Hidden = append(o.Fit.Flow.Hidden, t.hidden)
	}
	o.U0FromData = t.u0FromData
	if o.Fit.DistanceContext {
		o.Fit.GridNodes = 0 // a conditioned flow has no 3-D grid
	}
	if t.offsetSet {
		if t.parallaxOffset == 0 {
			o.Cfg.NoParallaxOffset = true
		} else {
			o.Cfg.ParallaxOffset = t.parallaxOffset
		}
	}
	return o, nil
}

func runTrain(ctx context.Context, t *trainSpec) (string, error) {
	o, err := t.options()
	if err != nil {
		return "", err
	}
	if err := t.checkStart(ctx, &o); err != nil {
		return "", err
	}
	p, err := traincmd.Build(o)
	if err != nil {
		return "", err
	}
	counts, _, err := runAndReport(ctx, p, "traincmd", o.CountsPath(), nil)
	if err != nil || counts == nil {
		return "", err
	}
	if counts[star.StarsOut] == 0 {
		return "", fmt.Errorf("traincmd: no star passed the training cuts (see the counts above); no model written")
	}
	model := store.Join(o.Out, "cmd.gff")
	curve, err := store.ReadFile(ctx, store.Join(o.Out, "learning_curve.csv"))
	if err != nil {
		return "", err
	}
	fmt.Printf("\nlearning curve (%s):\n%s", store.Join(o.Out, "learning_curve.csv"), curve)
	plots, err := trainPlots(ctx, o.Out, model, curve)
	if err != nil {
		return "", err
	}
	if f, err := flowfile.Load(ctx, model); err == nil && f.Meta.Notes["kept"] != "" {
		fmt.Printf("model: %s\n", f.Meta.Notes["kept"])
	}
	fmt.Printf("model: %s\nplots: %s\n", model, strings.Join(plots, ", "))
	return model, nil
}

// trainPlots draws the learning curve and paper 000's fig. 3, the learned
// CMD marginalised over bp-g in probability and log-probability (not for a
// CMD conditioned on the distance), and returns the files written.
func trainPlots(ctx context.Context, out, model string, curve []byte) ([]string, error) {
	recs, err := csv.NewReader(bytes.NewReader(curve)).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, fmt.Errorf("learning curve: %v", err)
	}
	train, held := plot.Curve{Label: "training stars"}, plot.Curve{Label: "held-out stars"}
	for _, r := range recs[1:] {
		var pass, tr, ho float64
		fmt.Sscan(r[0], &pass)
		fmt.Sscan(r[2], &tr)
		fmt.Sscan(r[3], &ho)
		train.X, train.Y = append(train.X, pass), append(train.Y, tr)
		held.X, held.Y = append(held.X, pass), append(held.Y, ho)
	}
	lc := store.Join(out, "learning_curve.png")
	if err := plot.LearningCurve("pass", train, held).Save(ctx, lc); err != nil {
		return nil, err
	}
	f, err := flowfile.Load(ctx, model)
	if err != nil {
		return nil, err
	}
	// The figure integrates the density over bp-g at 120 x 120 x 201
	// points: with the paper's 35 x 500 flow that is minutes, so it reads
	// the flow's 64³ grid (a tenth of the evaluations) as the catalog does.
	if f.Config().C != 0 {
		return []string{lc}, nil // conditioned on the distance: no one CMD to draw
	}
	grid, err := distance.DistilCMD(f, 64)
	if err != nil {
		return nil, err
	}
	dens, err := distance.NewGridDensity(grid)
	if err != nil {
		return nil, err
	}
	g := plot.CMDGrid(distance.MarginalCMD(dens, distance.Marginal{NX: 120, NY: 120, NBPG: 201}))
	fig3 := store.Join(out, "fig3_cmd_learned.png")
	return []string{lc, fig3}, plot.Fig3(g).Save(ctx, fig3)
}

func init() {
	register(&command{
		name:    "traincmd",
		summary: "train the colour-magnitude flow of paper 000 on Gaia partitions",
		usage: `Reads Gaia partitions, applies the training cuts (dec > -30, photometry, parallax,
RUWE < 1.4, dust coverage; each counted) and draws a seeded random sample in parallel, then
fits the CMD flow P(g, bp-rp, bp-g) on one worker as paper 000 §3.2 does: mini-batches of
2048 stars whose training points (K parallax samples, T iterations of eq. 2 with the current
model, dust at the final distance) are recomputed before every step, loss weighted by
1/sigma_P^2. Writes <out>/cmd.gff and the learning curve. The paper's model is 35 blocks x 500;
the defaults train well in minutes on a laptop. By default gaiaflow goes beyond the paper: the
points are draws from each star's posterior (--points), the parallax/error floor's selection is
corrected with a survey of the catalogue (--survey-stars, which also gives the catalog's default
prior), and the model is the mean of the flows of the last 30 passes (--average-passes).`,
		example: "gaiaflow traincmd --input 'gs://b/gdr2/GaiaSource_*.csv.gz' --dust gs://b/dust/bayestar2019.gfdust --stars 1000000 --blocks 35 --hidden 500 --out gs://b/models/cmd-v1",
		setup: func(fs *flag.FlagSet) func(context.Context, []string) error {
			t := &trainSpec{}
			t.declare(fs)
			return func(ctx context.Context, args []string) error {
				t.opt.Inputs = append(t.opt.Inputs, args...)
				_, err := runTrain(ctx, t)
				return err
			}
		},
	})
}

// trainSpecOf returns the spec of a training with the options o, its flow
// shape, precision and activation read from them (as the flags would give).
func trainSpecOf(o traincmd.Options) *trainSpec {
	t := &trainSpec{opt: o, layers: len(o.Fit.Flow.Hidden), prec: o.Fit.Opt.Precision.String(),
		act: o.Fit.Flow.Activation.String(), u0FromData: o.U0FromData}
	if t.layers > 0 {
		t.hidden = o.Fit.Flow.Hidden[0]
	}
	return t
}

// traincmdOptions are the demo's training settings: traincmd's defaults
// (traincmd.DefaultOptions) on the demo's sky, stars and passes.
func traincmdOptions(inputs, out, dust string, f *simFlags) traincmd.Options {
	o := traincmd.DefaultOptions()
	o.Inputs, o.Out, o.Dust = []string{inputs}, out, dust
	o.MaxStars = f.trainStars
	o.Cfg.Seed = f.seed
	o.Fit.Passes = f.trainPasses
	return o
}
