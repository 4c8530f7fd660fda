package distance

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"gonum.org/v1/gonum/mat"
)

// CMDFit configures FitCMD. Zero values are the defaults named.
type CMDFit struct {
	Flow flow.Config // the architecture; D is set to 3 and C to 0. Paper: 35 blocks x 500.
	Opt  flow.Train  // Adam settings, precision, workers and seed (Epochs, Batch, HoldOut unused)

	Passes int // passes over the training stars; 0 means 5
	Batch  int // stars whose points are recomputed together; 0 means 2048 (paper 000's mini-batch)
	// StepBatch is the number of those points in one Adam step: each
	// recomputed batch is cut into Batch/StepBatch steps. 0 means Batch,
	// one step per recomputation as in the paper. The points of a star
	// move little from one recomputation to the next, while the
	// recomputation (T iterations of eq. 2 over K parallax samples) costs
	// a thousand Adam steps' worth of flow evaluations: smaller steps
	// between recomputations buy many more optimiser steps for the same
	// time.
	StepBatch int

	// GridNodes, if positive, recomputes the training points with the
	// flow distilled to a GridNodes³ grid (DistilCMD) at the start of each
	// pass instead of with the flow itself. The recomputation evaluates
	// the density K × T times per star; for the paper's 35 × 500 flow that
	// is most of a pass, for a grid it is a trilinear interpolation. The
	// points then lag the flow by at most a pass. 0: the flow itself (the
	// paper).
	GridNodes int

	// Redraws is, with PosteriorPoints, the number of times the points of
	// a recomputed batch are drawn afresh from the stars' posteriors
	// (TrainSet.Redraw), each draw taking its own Adam steps; 0 means 1.
	// Each draw is an unbiased estimate of the gradient of the stars'
	// marginal likelihood under the current flow, and costs a small
	// fraction of the recomputation that gives the posteriors.
	Redraws int
	HoldOut float64 // fraction of stars held out to measure the loss each pass; 0 means 0.05

	// Points chooses what a star contributes to a mini-batch; the zero
	// value is MeanPoints, the paper's.
	Points Points

	// AdaptProposals draws, with PosteriorPoints, half of every training
	// star's samples (parallax and colour noise) from a proposal adapted to
	// its previous posterior (trainproposal.go) instead of all from its
	// likelihood: sharper draws of the same posteriors. On a 60,000-star
	// paper-000 sky, KL 0.198-0.219 against 0.225-0.239 over three seeds
	// (0.172-0.206 with K = 64), measured before the colour centre
	// followed g (with it, seed 2: 0.208 against 0.238). The default
	// (DefaultAdaptProposals) since the average leaves out passes thrown
	// off by a spike (averageOutlier).
	AdaptProposals bool

	// GridProposals, with AdaptProposals and GridNodes, draws a quarter
	// of every training star's samples with the adapted parallax and the
	// colours from the CMD's own distribution at the sample's g, read off
	// the pass's grid (colourcond.go), instead of the adapted colour
	// Gaussian (DefaultGridProposals).
	GridProposals bool

	// Survey, if it holds MinSurveyStars or more, is a random sample of the
	// catalogue the training stars were drawn from, of every
	// parallax/error (SurveyStar):
	// the loss weights are then corrected for the selection of the
	// parallax/error floor and for their own dependence on it
	// (FitSelection), so that the flow learns the catalogue's CMD rather
	// than that of its nearest stars. Empty: the paper's training, whose
	// CMD over-represents the intrinsically faint stars.
	Survey []SurveyStar `json:"-"`

	// Average, if positive, makes FitCMD return the mean of the flows
	// after each of the last Average passes (all of them if fewer), every
	// weight and BatchNorm statistic averaged (Polyak-Ruppert), instead of
	// the flow of the pass with the best held-out loss. The training
	// points are draws that move with the flow, so any one pass's flow
	// carries that noise, and so does the choice of the best by a
	// held-out loss over a few hundred effective stars: on a 60,000-star
	// paper-000 sky, seeds 0, 1 and 2 give KL 0.30, 0.24, 0.23 with the
	// best pass and 0.226-0.230 with the mean of the last 30 of 60 passes.
	// A pass whose held-out loss is an outlier (averageOutlier) is left
	// out of the mean: a flow that a spike of the training threw far
	// from the others would pull every parameter of the mean with it.
	// 0: the best pass.
	Average int

	// FinalLRFraction, if positive, lowers the learning rate over the
	// passes that are averaged, linearly from Opt.LR at the first to
	// FinalLRFraction × Opt.LR at the last (the passes before keep
	// Opt.LR): the last flows of the mean then move less with the noise of
	// their draws, and a spike of the training late in the window moves
	// them less. 0: Opt.LR throughout. See DefaultFinalLRFraction.
	FinalLRFraction float64

	// DistanceContext conditions the flow on log10 of the distance: it
	// learns P(g, bp-rp, bp-g | d), trained on each star's posterior draws
	// of (g, colours, d), and the catalog's prior at a sample is that CMD
	// at the sample's distance times the distance prior. Stars of
	// different populations at different distances (a thin disk near, a
	// thick disk and a halo beyond a kiloparsec, on other isochrones) then
	// need not share one CMD. It needs PosteriorPoints and GridNodes 0,
	// and the stars of every parallax/error (Config.MinParallaxSNR 0):
	// behind a floor the far stars kept are the luminous ones, each far
	// distance's CMD loses its dwarfs, and every star is placed too near.
	// On the demo's sky (seed 1) it took the all-star coverage from 61.8
	// to 66.9 % and the paper-000 median error from 8.1 to 19.5 %: each
	// distance's CMD is learned from that distance's stars alone (README).
	DistanceContext bool

	// Start, if not nil, is the flow the training starts from instead of a
	// new one of Flow's architecture: its architecture, standardisation,
	// weights and BatchNorm statistics (a copy; Start is not changed), with
	// Adam's moments at zero. It continues a training beyond one run (the
	// paper's 35 × 500 flow takes minutes per pass), or starts one from a
	// CMD learned elsewhere. Its D must be 3 and its C 1 with
	// DistanceContext, 0 without.
	Start *flow.Flow `json:"-"`

	// AllSamples, with PosteriorPoints, makes every star's points all its
	// samples, each weighted by its posterior weight (samplePoints), instead
	// of Redraws draws of one: the gradient then carries no draw noise. On
	// a 60,000-star paper-000 sky (traincmd seeds 1, 2, 3) KL 0.083, 0.082,
	// 0.091 against 0.096, 0.124, 0.129 with the draws, for 1.7 times the
	// training time (about 2.7 times the Adam steps; the draws with as many
	// steps, --redraws 22, gave 0.101 on seed 1). Not with DistanceContext.
	AllSamples bool

	// OnPass, if not nil, is called after each pass with the flow (valid
	// during the call only).
	OnPass func(p Pass) `json:"-"`
}

// DefaultPoints and DefaultRedraws are the training points gaiaflow's
// commands use unless told otherwise: draws from each star's posterior
// under the current flow, 8 per recomputation of a batch's posteriors (the
// paper's g_best points are MeanPoints). With the selection survey, the
// draws deconvolve the parallax noise that g_best carries into the CMD: KL
// to the true CMD 0.24-0.27 against 0.36 nats on a 60,000-star paper-000
// sky, 0.34 against 0.54 on one with L = 1.5 kpc, 0.50-0.53 against 0.59
// on the demo, median errors 0.1-1.1 points lower, and the catalog's
// coverage within 1-2 points of the g_best model's on each (65-68 %). They
// cost the demo's training 28 s instead of 17, and the catalog 8 % of its
// speed (the sharper CMD collapses more posteriors, which are refined).
// (These and the next comment's KLs were measured before the points were
// weighted by their photometric noise, posteriorWeight.)
const (
	DefaultPoints  = PosteriorPoints
	DefaultRedraws = 8
)

// DefaultTrainSamples and DefaultAdaptProposals are the posterior draws of
// the training unless told otherwise: K = 32 parallax samples per star,
// half of them from proposals adapted to each star's last posterior
// (CMDFit.AdaptProposals). Drawn from the likelihood alone, about three of
// the 32 carry a faint star's weight, and the flow learns its points'
// sampling noise as width. Measured on a 60,000-star paper-000 sky
// (traincmd seeds 1, 2): KL 0.225 and 0.238 from the likelihood alone,
// 0.192 and 0.208 adapted, 0.182 and 0.181 adapted with K = 64; over three
// training seeds of TestAveragedFlowIsStableAcrossSeeds's sky 0.222, 0.207,
// 0.193 (K = 128: 0.199, adapted 0.185). Coverage and median errors stay
// (67-70 %, 7.4-7.5 %). The adapted draws cost a third more training time
// on the demo's sky (79 s against 60 for 200,000 stars) and K = 64 adapted
// 83 % more (110 s), which would double the demo's training for 0.01-0.03
// nats more, so K stays 32 (`traincmd --samples 64`).
const (
	DefaultTrainSamples   = 32
	DefaultAdaptProposals = true
)

// DefaultGridProposals: a quarter of the adapted draws take their colours
// from the grid's own conditional (CMDFit.GridProposals). Measured with
// the defaults otherwise (traincmd, distances, validate distances), KL
// without -> with: the 60,000-star paper-000 sky, training seeds 1 and 2,
// 0.106 -> 0.104 and 0.132 -> 0.122; the same sky without dust 0.173 ->
// 0.154; at L = 1.5 kpc (seed 7) 0.176 -> 0.166; the demo's sky 0.349 ->
// 0.345. Coverage within 0.6 % of before; the demo's training 4 % longer
// (57.7 s against 55.3). The
// white dwarfs, which these draws were made for, stay about three times
// too wide in colour (0.87 and 1.03 nats per star against 0.91).
const DefaultGridProposals = true

// DefaultTrainGridNodes and DefaultPasses are the training budget
// gaiaflow's commands use: the points recomputed with a 64³ grid of the
// flow (CMDFit.GridNodes), five times faster than with the flow itself
// for the default 5 × 64 flow at equal KL when it was chosen, which bought
// 60 passes in the time 15 took (on a 100,000-star mock, 16,525 training
// stars: KL 0.77 after 15 passes with the flow in 19.6 s, 0.57 after 80
// passes with the grid in 16.8 s). Since the flow skips its masked
// products the flow itself is 1.7 times slower, not five (a 60,000-star
// sky: 32 s and KL 0.206 against 19 s and 0.225; a 128³ grid 58 s, 0.196).
const (
	DefaultTrainGridNodes = 64
	DefaultPasses         = 60
)

// DefaultAveragePasses is the number of final passes whose flows
// gaiaflow's commands average into the model (CMDFit.Average): half the
// default passes, the half after the points have settled.
const DefaultAveragePasses = DefaultPasses / 2

// DefaultFinalLRFraction is where gaiaflow's commands end the learning rate
// over the averaged passes (CMDFit.FinalLRFraction): a tenth of the start.
// On the demo's sky, training seeds 1, 2, 3: KL 0.429, 0.420, 0.464 against
// 0.596, 0.424, 0.481 at a constant rate (seed 1's outlier was a spike of
// the training loss inside the averaged passes, pass 51, that the held-out
// rule does not catch); on a 60,000-star paper-000 sky (seeds 1, 2) 0.191
// and 0.203 against 0.186 and 0.202. A hundredth (seeds 1, 2 of the demo:
// 0.453, 0.418) is no better.
const DefaultFinalLRFraction = 0.1

// Points is the kind of training point a star contributes.
type Points int

const (
	// MeanPoints: g_best, the plain mean of g over the star's parallax
	// samples, weighted by 1/(sigma_P² + SigmaCMD²) (paper 000 §3.2).
	MeanPoints Points = iota
	// PosteriorPoints: g of one of the star's parallax samples drawn with
	// its posterior weights under the current flow, afresh for every
	// mini-batch (TrainSet.GDraw), and the colours of the same sample's
	// colour-noise draw. The draws carry the parallax and colour noise
	// into the posterior instead of into the points, so the fit is a
	// stochastic EM of the deconvolved CMD rather than of the CMD blurred
	// by the noise of g_best. The weight is 1/(sigma_P² + sigma_phot² +
	// SigmaCMD²), sigma_phot² the variance of the colours' photometric
	// noise (TrainSet.ColourVar): see posteriorWeight.
	PosteriorPoints
)

// MinSurveyStars is the smallest survey FitCMD corrects the selection with:
// below it (a cluster's member list, a test's few stars) the deconvolution
// has too few stars per bin of absolute magnitude, and the training is the
// paper's, said in the model's notes.
const MinSurveyStars = 1000

// SurveyPriorNote is the model note that holds the distance distribution
// of the catalogue a flow was trained on (Selection.Prior, String form),
// where the training had a survey.
const SurveyPriorNote = "survey_prior"

// Pass is one point of the learning curve.
type Pass struct {
	Pass        int
	Steps       int
	TrainLoss   float64 // weighted mean negative log-likelihood over the pass's mini-batches
	HeldOutLoss float64 // the same on the held-out stars, their points made with the current flow
	// HeldOutESS is the Kish effective number of held-out stars,
	// (Σw)²/Σw²: how many stars the held-out loss really averages over.
	HeldOutESS float64
	// HeldOutFloored counts the held-out points whose log-density under
	// the flow is below flow.DefaultGridFloor or not a number, scored at
	// that floor as the catalog's grid scores them (see heldOutScore).
	HeldOutFloored int
	LR             float64 // the learning rate of the pass's steps (CMDFit.FinalLRFraction)
	Best           bool    // whether HeldOutLoss is the lowest so far (the flow FitCMD returns unless CMDFit.Average)
	Flow           *flow.Flow
}

// FitCMD trains the colour-magnitude flow on the prepared stars p as paper
// 000 §3.2 does: for every mini-batch, the stars' training points (g_best,
// bp-rp, bp-g and the weight 1/sigma_P²) are recomputed with the current
// flow as the CMD density (T iterations of eq. 2 with the dust map's median),
// and one Adam step is taken on the weighted negative log-likelihood of those
// points. The standardisation comes from the points made with a flat density
// (d_best = mean of the parallax samples), before any training. e must be an
// Estimator in Training mode; its density is replaced during the fit. The
// stars are used in the order of p, cut into mini-batches whose order is
// shuffled (seeded by Opt.Seed) every pass; give p in a random order.
func FitCMD(e *Estimator, p *Prepared, opt CMDFit) (*flow.Flow, []Pass, error) {
	if e.cfg.Mode != Training {
		return nil, nil, errors.New("distance: FitCMD needs an Estimator in Training mode")
	}
	if opt.AllSamples && (opt.Points != PosteriorPoints || opt.DistanceContext) {
		return nil, nil, errors.New("distance: all samples as points need posterior points and no distance context")
	}
	if opt.Passes == 0 {
		opt.Passes = 5
	}
	if opt.Batch == 0 {
		opt.Batch = 2048
	}
	if opt.HoldOut == 0 {
		opt.HoldOut = 0.05
	}
	if opt.StepBatch <= 0 || opt.StepBatch > opt.Batch {
		opt.StepBatch = opt.Batch
	}
	n := p.Len()
	nHold := int(math.Ceil(opt.HoldOut * float64(n)))
	if n-nHold < 1 || nHold < 1 {
		return nil, nil, fmt.Errorf("distance: %d training stars are too few to hold %g out", n, opt.HoldOut)
	}
	train, hold := p.Slice(0, n-nHold), p.Slice(n-nHold, n)
	var adapt *trainProposals
	if opt.Points == PosteriorPoints && opt.AdaptProposals {
		adapt = newTrainProposals(&train)
	}

	// Standardise on the flat-density points (sigma-clipped: standardize.go).
	e.SetDensity(LogProbFunc(func(_, _, _ float64) float64 { return 0 }))
	var ts TrainSet
	e.Train(&ts, &train)
	if ts.Len() == 0 {
		return nil, nil, errors.New("distance: no training points")
	}
	x0 := mat.NewDense(ts.Len(), 3, ts.Points(nil))
	st := flow.Standardization{XMean: make([]float64, 3), XScale: make([]float64, 3)}
	for j := 0; j < 3; j++ {
		st.XMean[j], st.XScale[j] = clippedMoments(mat.Col(nil, j, x0))
	}

	if opt.DistanceContext {
		if opt.GridNodes > 0 || opt.Points != PosteriorPoints {
			return nil, nil, errors.New("distance: a CMD conditioned on the distance needs posterior points and no grid (GridNodes 0)")
		}
		ld := make([]float64, ts.Len())
		for i, d := range ts.Dist {
			ld[i] = logDistContext(d)
		}
		m, sc := clippedMoments(ld)
		st.CMean, st.CScale = []float64{m}, []float64{sc}
	}

	var sel *Selection
	if len(opt.Survey) >= MinSurveyStars {
		// The weights as the loss will use them (g_best does not depend
		// on the density, so one fit serves the whole training).
		trainingPoints(e, &ts, opt.Points, nil)
		var err error
		sel, err = FitSelection(ts.G, ts.Weight, opt.Survey, SelectionFit{
			MinParallaxSNR: e.cfg.MinParallaxSNR, MaxColourError: e.cfg.MaxColourError, ParallaxOffset: e.cfg.ParallaxOffset,
			AG: e.cfg.Extinction.AG, EBPRP: e.cfg.Extinction.BPRP, Dust: e.dust})
		if err != nil {
			return nil, nil, err
		}
	}

	cfg := opt.Flow
	cfg.D, cfg.C = 3, 0
	if opt.DistanceContext {
		cfg.C = 1
	}
	f, err := startFlow(cfg, st, opt)
	if err != nil {
		return nil, nil, err
	}
	stepper, err := flow.NewStepper(f, opt.Opt, opt.StepBatch)
	if err != nil {
		return nil, nil, err
	}
	dens := FlowDensity{Flow: f}
	e.SetDensity(dens)

	avgFrom := opt.Passes + 1 // no averaging
	if opt.Average > 0 {
		avgFrom = max(opt.Passes-opt.Average+1, 1)
	}
	nb := (train.Len() + opt.Batch - 1) / opt.Batch
	shuffle := keyrand.New(opt.Opt.Seed, 0x62617463)
	pointOrder := keyrand.New(opt.Opt.Seed, 0x73616d70)
	var curve []Pass
	var xs, xOn, wOn, cOn []float64
	var best, avg *flow.Flow
	var heldHist []float64 // every pass's held-out loss
	var skipped []int      // passes left out of the average
	averaged := 0
	bestPass := 0
	bestLoss := math.Inf(1)
	lr := stepper.LR()
	for pass := 1; pass <= opt.Passes; pass++ {
		passLR := lr
		if opt.FinalLRFraction > 0 && pass >= avgFrom && opt.Passes > avgFrom {
			t := float64(pass-avgFrom) / float64(opt.Passes-avgFrom)
			passLR = lr * (1 - t*(1-opt.FinalLRFraction))
			stepper.SetLR(passLR)
		}
		if opt.GridNodes > 0 {
			g, err := distilCMD(f, opt.GridNodes, -1)
			if err != nil {
				return f, curve, fmt.Errorf("distance: pass %d: distil the flow: %w", pass, err)
			}
			gd, err := NewGridDensity(g)
			if err != nil {
				return f, curve, fmt.Errorf("distance: pass %d: %w", pass, err)
			}
			e.SetDensity(gd)
			if adapt != nil && opt.GridProposals {
				adapt.cond = gd.cond.get()
			}
		}
		var lossSum, wSum float64
		for _, bi := range shuffle.Perm(nb) {
			lo := bi * opt.Batch
			batch := train.Slice(lo, min(lo+opt.Batch, train.Len()))
			ts.Round = uint64(stepper.Steps() + 1)
			if adapt != nil {
				adapt.draw(e, &batch, lo, ts.Round)
			}
			e.Train(&ts, &batch)
			if adapt != nil {
				adapt.update(&batch, lo, &ts)
			}
			if ts.Len() == 0 {
				continue
			}
			for r := 0; r < max(opt.Redraws, 1); r++ {
				if r > 0 {
					if opt.Points != PosteriorPoints || opt.AllSamples {
						break
					}
					ts.Redraw(uint64(stepper.Steps() + 1))
				}
				xs = trainingPoints(e, &ts, opt.Points, xs)
				sel.apply(&ts)
				if opt.AllSamples {
					xOn, wOn = samplePoints(&ts, xOn, wOn, pointOrder)
				} else {
					xOn, wOn = onCMDPoints(&ts, xs, xOn, wOn)
				}
				cOn = distanceContext(&ts, opt.DistanceContext, cOn)
				for lo := 0; lo < len(wOn); lo += opt.StepBatch {
					hi := min(lo+opt.StepBatch, len(wOn))
					x := mat.NewDense(hi-lo, 3, xOn[3*lo:3*hi])
					var c *mat.Dense
					if cOn != nil {
						c = mat.NewDense(hi-lo, 1, cOn[lo:hi])
					}
					loss := stepper.Step(x, c, wOn[lo:hi])
					if math.IsNaN(loss) {
						return f, curve, fmt.Errorf("distance: training diverged at step %d (NaN loss)", stepper.Steps())
					}
					w := sum(wOn[lo:hi])
					lossSum += loss * w
					wSum += w
				}
			}
		}
		held, ess, floored := heldOutNLL(e, &hold, &ts, f, opt.Points, sel)
		if pass >= avgFrom {
			if averageOutlier(held, heldHist) {
				skipped = append(skipped, pass)
			} else if averaged++; avg == nil {
				avg = f.Clone()
			} else if err := avg.Blend(f, 1/float64(averaged)); err != nil {
				return f, curve, err
			}
		}
		heldHist = append(heldHist, held)
		pt := Pass{Pass: pass, Steps: stepper.Steps(), TrainLoss: lossSum / wSum, HeldOutLoss: held, HeldOutESS: ess, HeldOutFloored: floored, LR: passLR, Flow: f}
		// Keep the best pass, not the last: the training points move with
		// the flow, and a pass can end worse than an earlier one.
		if score := held; best == nil || score < bestLoss {
			if math.IsNaN(score) {
				score = math.Inf(1)
			}
			pt.Best, bestLoss, best, bestPass = true, score, f.Clone(), pass
		}
		curve = append(curve, pt)
		if opt.OnPass != nil {
			opt.OnPass(pt)
		}
	}
	kept := fmt.Sprintf("the flow of pass %d, the best held-out loss (%.4f nats)", bestPass, bestLoss)
	info := flow.TrainInfo{Epochs: opt.Passes, BestEpoch: bestPass, HeldOutLoss: bestLoss, Weighted: true}
	if avg != nil {
		// The points of the held-out stars made with the average itself.
		e.SetDensity(FlowDensity{Flow: avg})
		held, _, floored := heldOutNLL(e, &hold, &ts, avg, opt.Points, sel)
		kept = fmt.Sprintf("the mean of the flows of passes %d-%d (held-out loss %.4f nats; the best single pass, %d, %.4f)",
			avgFrom, opt.Passes, held, bestPass, bestLoss)
		if floored > 0 {
			kept += fmt.Sprintf("; held-out points scored at the grid's floor: %d", floored)
		}
		if len(skipped) > 0 {
			kept += fmt.Sprintf("; passes %v left out, their held-out losses outliers", skipped)
		}
		info.BestEpoch, info.HeldOutLoss = 0, held
		best = avg
	}
	f = best
	f.Meta.Train = info
	f.Meta.Notes = map[string]string{"trained_by": "distance.FitCMD (paper 000 §3.2)", "columns": "g, bp_rp, bp_g (dereddened absolute g and colours, mag)",
		"kept": kept}
	switch {
	case sel != nil:
		// The distance distribution the survey measured, for catalogs
		// made with --prior survey.
		f.Meta.Notes[SurveyPriorNote] = sel.Prior().String()
	case len(opt.Survey) > 0:
		f.Meta.Notes["selection"] = fmt.Sprintf("not corrected: a survey of %d stars is below the %d the fit needs", len(opt.Survey), MinSurveyStars)
	}
	f.Meta.XNames = []string{"g", "bp_rp", "bp_g"}
	if opt.DistanceContext {
		f.Meta.CNames = []string{"log10_distance_pc"}
		f.Meta.Notes["columns"] += "; conditioned on log10 of the distance, pc"
	}
	return f, curve, nil
}

// startFlow returns the flow a training starts from: a copy of opt.Start,
// or a new flow of the architecture cfg standardised by st, in the
// precision of opt.Opt.
func startFlow(cfg flow.Config, st flow.Standardization, opt CMDFit) (*flow.Flow, error) {
	if opt.Start != nil {
		if opt.Start.D() != cfg.D || opt.Start.C() != cfg.C {
			return nil, fmt.Errorf("distance: the flow to start from has D = %d, C = %d; this training needs D = %d, C = %d",
				opt.Start.D(), opt.Start.C(), cfg.D, cfg.C)
		}
		f := opt.Start.Clone()
		f.Precision = opt.Opt.Precision
		return f, nil
	}
	f, err := flow.New(cfg, opt.Opt.Init, keyrand.New(opt.Opt.Seed, 0x636d6466))
	if err != nil {
		return nil, err
	}
	f.Precision = opt.Opt.Precision
	if err := f.SetStandardization(st); err != nil {
		return nil, err
	}
	return f, nil
}

// averageOutlier reports whether a pass's held-out loss is too far above
// those of the passes before it for its flow to join the average: more
// than max(0.25 nats, 6 median absolute deviations) above the median of
// the last 10. Pass to pass the held-out loss moves by a few hundredths
// of a nat; a pass thrown off by a spike of the training (one seed of the
// 60,000-star sky with adapted proposals: held-out loss 2.18 nats against
// 0.03-0.10, KL 2.65) is far beyond, and its parameters had taken the mean
// of 30 flows from KL 0.20 to 0.63. NaN is an outlier.
func averageOutlier(held float64, before []float64) bool {
	if math.IsNaN(held) {
		return true
	}
	if len(before) < 3 {
		return false
	}
	var last []float64
	for _, v := range before[max(len(before)-10, 0):] {
		if !math.IsNaN(v) {
			last = append(last, v)
		}
	}
	if len(last) < 3 {
		return false
	}
	slices.Sort(last)
	med := last[len(last)/2]
	dev := make([]float64, len(last))
	for i, v := range last {
		dev[i] = math.Abs(v - med)
	}
	slices.Sort(dev)
	return held > med+max(0.25, 6*dev[len(dev)/2])
}

// heldOutNLL returns the weighted mean negative log-likelihood of the
// held-out stars' training points, made with the current flow, the Kish
// effective number of stars of their weights, and how many points
// heldOutScore raised to the floor.
func heldOutNLL(e *Estimator, hold *Prepared, ts *TrainSet, f *flow.Flow, kind Points, sel *Selection) (nll, ess float64, floored int) {
	ts.Round = 0
	e.Train(ts, hold)
	if ts.Len() == 0 {
		return math.NaN(), 0, 0
	}
	x := trainingPoints(e, ts, kind, nil)
	sel.apply(ts)
	x, wt := onCMDPoints(ts, x, nil, nil)
	if len(wt) == 0 {
		return math.NaN(), 0, 0
	}
	var c *mat.Dense
	if cv := distanceContext(ts, f.Config().C == 1, nil); cv != nil {
		c = mat.NewDense(len(wt), 1, cv)
	}
	return heldOutScore(f.LogProb(nil, mat.NewDense(len(wt), 3, x), c), wt)
}

// heldOutScore returns the weighted mean of -lp over the points, the Kish
// effective number (Σw)²/Σw² of their weights wt, and the number of points
// whose lp is below flow.DefaultGridFloor or NaN, each scored at that floor:
// the held-out loss is that of the density the catalog uses, the flow
// distilled to a grid whose nodes are raised to the same floor.
//
// A MAF's scales exp(-alpha) are not bounded, and off the data a deep flow's
// alpha grows with its input, so the input of the next block overflows and
// the log-density comes out NaN (in float64 as in float32) or finite and
// absurd. The 35 x 500 flow on a 200,000-star sky (traincmd --blocks 35
// --hidden 500 --seed 5) did so after its second pass at 2 of 1,677
// held-out points, colour draws of faint stars at bp-rp -2.6 and -1.6, inside
// the grid's box: block 15 multiplied one coordinate by e^14.7, to -1.3e7,
// and from such inputs blocks 16-18 computed alphas of order 1e6, whose
// exponentials overflow. Training mode never sees it, since each block's
// batch statistics renormalise such a point with its batch. One such point
// made the pass's loss NaN, or 7e16 nats, so that the pass never joined the
// average and the learning curve was NaN from the sixth pass on.
func heldOutScore(lp, wt []float64) (nll, ess float64, floored int) {
	var s, w, w2 float64
	for i, v := range lp {
		if !(v >= flow.DefaultGridFloor) {
			v = flow.DefaultGridFloor
			floored++
		}
		s -= wt[i] * v
		w += wt[i]
		w2 += wt[i] * wt[i]
	}
	if w == 0 {
		return math.NaN(), 0, floored
	}
	return s / w, w * w / w2, floored
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// trainingPoints writes the points of kind of ts into dst (as Points does)
// and, for PosteriorPoints, replaces ts.Weight by the posterior points'
// weights.
func trainingPoints(e *Estimator, ts *TrainSet, kind Points, dst []float64) []float64 {
	dst = ts.Points(dst)
	if kind != PosteriorPoints {
		return dst
	}
	floor := e.cfg.MinSigmaP * e.cfg.MinSigmaP
	for i := range ts.SourceID {
		dst[3*i], dst[3*i+1], dst[3*i+2] = ts.GDraw[i], ts.BPRPDraw[i], ts.BPGDraw[i]
		ts.Weight[i] = posteriorWeight(ts, i, floor, e.sigmaCMD2())
	}
	return dst
}

// onCMDPoints copies the points xs of ts (3 per star) and their weights
// into x and w, leaving out the stars the last iteration found off the
// density's support (FlagOffCMD: the density zero at every sample, which
// with CMDFit.GridNodes means outside the grid's box). Such a star's weights fall back to its distance
// prior, so its point is a sample from anywhere along its sight line,
// often absolute magnitudes of -20 or below at the paper's setting: it
// says nothing about the CMD, and one such point in a batch threw the
// flow's batch statistics (which are unweighted) to NaN.
func onCMDPoints(ts *TrainSet, xs, x, w []float64) ([]float64, []float64) {
	x, w = x[:0], w[:0]
	for i, fl := range ts.Flags {
		if fl&FlagOffCMD != 0 {
			continue
		}
		x = append(x, xs[3*i], xs[3*i+1], xs[3*i+2])
		w = append(w, ts.Weight[i])
	}
	return x, w
}

// posteriorWeight is the loss weight of point i of ts as a posterior draw:
// 1/(max(sigma_P², floor) + sigma_CMD²) as for paper 000's points, sigma_P²
// now also holding the variance of the colours' photometric noise.
//
// A posterior draw is unbiased whatever the star's noise, so the weight is
// not there to undo a blur; it keeps the gradient's noise down. A star
// whose g or colours are uncertain well beyond the CMD's width has a
// posterior that is mostly the current flow's own conditional: its draws
// add a gradient of mean near zero and a variance as large as a precise
// star's (the stochastic EM deconvolves such a star at about (width /
// noise)² per pass). With equal weights those stars, faint white dwarfs
// and M dwarfs with BP-RP errors of 0.3-0.6 mag, made the training's
// loss jump from pass to pass and kept the learned sequences wide. The
// selection correction (FitSelection) renormalises the weights within each
// bin of absolute magnitude, so the precise stars of a bin stand for it
// and no part of the CMD loses its share. Measured with the dust terms
// alone in sigma_P against the whole sum (60,000-star paper-000 skies,
// traincmd seeds 1 and 2; see DefaultFinalLRFraction's measurements):
// KL 0.191, 0.203 -> 0.103, 0.130 with the mock's dust, 0.270, 0.345 ->
// 0.173, 0.250 on the same sky without dust.
func posteriorWeight(ts *TrainSet, i int, floor, sigmaCMD2 float64) float64 {
	sp2 := ts.SigmaG[i]*ts.SigmaG[i] + ts.SigmaBPRP[i]*ts.SigmaBPRP[i] + ts.SigmaBPG[i]*ts.SigmaBPG[i] + ts.ColourVar[i]
	return pointWeight(sp2, floor, sigmaCMD2)
}

// distanceContext returns, if on, log10 of the drawn distance of the
// points of ts that onCMDPoints keeps (in its order), in dst; nil if not.
func distanceContext(ts *TrainSet, on bool, dst []float64) []float64 {
	if !on {
		return nil
	}
	dst = dst[:0]
	for i, fl := range ts.Flags {
		if fl&FlagOffCMD != 0 {
			continue
		}
		dst = append(dst, logDistContext(ts.DistDraw[i]))
	}
	return dst
}
