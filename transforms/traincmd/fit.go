package traincmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// FitOptions configure Fit.
type FitOptions struct {
	Dust     string          // dust map spec (dustfile.SharedSpec)
	Cfg      distance.Config // Mode Training
	Fit      distance.CMDFit // architecture, Adam, passes, batch
	MaxStars int             // train on at most this many stars (the lowest selection keys); 0: all
	Out      string          // folder for cmd.gff and learning_curve.csv
	// Start is a model (.gff, local or gs://) the training starts from
	// (distance.CMDFit.Start); empty: a new flow of Fit.Flow's architecture.
	Start string
}

// OverMax is the cut under which sampled stars beyond MaxStars count.
const OverMax = "over_max_stars"

// Fit gathers the training stars (PCollection<star.Block>) on one worker,
// orders them by their selection key (a seeded shuffle), keeps at most
// MaxStars, and fits the CMD flow with distance.FitCMD. It writes the model
// to <Out>/cmd.gff and the learning curve to <Out>/learning_curve.csv, and
// returns the singleton PCollection<string> of the model's path and the
// singleton PCollection<star.Tally> of the stars it trained on (stars_out)
// and of those beyond MaxStars (cut.over_max_stars).
// The PCollection<[]distance.SurveyStar> survey (a singleton, or empty
// without a survey), if it holds distance.MinSurveyStars stars or more,
// corrects the training for the selection of the parallax/error floor
// (distance.CMDFit.Survey).
func Fit(s beam.Scope, opt FitOptions, blocks, u0, survey beam.PCollection) (model, tally beam.PCollection) {
	s = s.Scope("traincmd.Fit")
	opt.Cfg.Mode = distance.Training
	js, err := json.Marshal(opt)
	if err != nil {
		panic(err)
	}
	// The training runs for minutes in one bundle. Its inputs come joined by
	// one key, not as side inputs: the embedded runner (prism, Beam 2.77)
	// re-examines a stage that has side inputs and a bundle in flight in a
	// tight loop, which took a core from the training for its whole length
	// (README, "The embedded runner's idle loops").
	grouped := beam.CoGroupByKey(s, beam.AddFixedKey(s, blocks), beam.AddFixedKey(s, u0), beam.AddFixedKey(s, survey))
	return beam.ParDo2(s, &fitFn{Options: string(js)}, grouped)
}

type fitFn struct {
	Options string // FitOptions as JSON
}

func (fn *fitFn) ProcessElement(ctx context.Context, _ int, blocks func(*star.Block) bool, u0s func(*distance.U0) bool, surveys func(*[]distance.SurveyStar) bool, emit func(string), tally func(star.Tally)) error {
	var opt FitOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return err
	}
	var u0, v distance.U0
	n := 0
	for ; u0s(&v); n++ {
		u0 = v
	}
	if n != 1 {
		return fmt.Errorf("traincmd: %d values of U0 where one was expected", n)
	}
	var all, b star.Block
	for blocks(&b) {
		all.AppendBlock(&b)
	}
	// A seeded shuffle that does not depend on arrival order.
	keys := make([]float64, all.Len())
	for i, id := range all.SourceID {
		keys[i] = distance.SelectionKey(opt.Cfg.Seed, id)
	}
	order := make([]int, all.Len())
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, c int) bool { return keys[order[a]] < keys[order[c]] })
	t := star.Tally{}
	if opt.MaxStars > 0 && len(order) > opt.MaxStars {
		t.Cut(OverMax, int64(len(order)-opt.MaxStars))
		order = order[:opt.MaxStars]
	} else {
		t.Cut(OverMax, 0)
	}
	var train star.Block
	for _, i := range order {
		train.Append(all.Row(i))
	}
	m, err := dustfile.SharedSpec(ctx, opt.Dust, dustfile.Options{})
	if err != nil {
		return fmt.Errorf("dust map %s: %w", opt.Dust, err)
	}
	cfg := opt.Cfg
	if u0.NG > 0 {
		cfg.U0 = &u0
	}
	est, err := distance.New(cfg, distance.LogProbFunc(func(_, _, _ float64) float64 { return 0 }), distance.MapDust{Map: m})
	if err != nil {
		return err
	}
	var c distance.Counts
	p := est.Prepare(nil, &train, &c)
	t.Merge(c.Tally()) // Sample applied the same cuts: zeros, unless a star changed
	t.Add(star.StarsOut, int64(p.Len()))
	start := time.Now()
	var curve strings.Builder
	curve.WriteString("pass,steps,train_nll,heldout_nll,seconds,heldout_ess,best,lr,heldout_floored\n")
	// The survey's combiner gives one value, or none where no block was
	// sampled for it (--survey-stars 0).
	var survey, part []distance.SurveyStar
	for surveys(&part) {
		survey = append(survey, part...)
	}
	fit := opt.Fit
	fit.Survey = survey
	if opt.Start != "" {
		if fit.Start, err = flowfile.Load(ctx, opt.Start); err != nil {
			return fmt.Errorf("traincmd: the model to start from: %w", err)
		}
	}
	fit.OnPass = func(pt distance.Pass) {
		fmt.Fprintf(&curve, "%d,%d,%.6f,%.6f,%.1f,%.0f,%t,%.3g,%d\n", pt.Pass, pt.Steps, pt.TrainLoss, pt.HeldOutLoss, time.Since(start).Seconds(), pt.HeldOutESS, pt.Best, pt.LR, pt.HeldOutFloored)
		// Straight to stderr: on a local run that is the user's terminal, on
		// a cluster the worker's log.
		suffix := ""
		switch pt.HeldOutFloored {
		case 0:
		case 1:
			suffix = " (1 point scored at the grid's floor)"
		default:
			suffix = fmt.Sprintf(" (%d points scored at the grid's floor)", pt.HeldOutFloored)
		}
		if pt.Best {
			suffix += ", best so far"
		}
		fmt.Fprintf(os.Stderr, "traincmd: pass %d, %d steps: train NLL %.4f, held-out NLL %.4f over %.0f effective stars%s (%.0f s)\n",
			pt.Pass, pt.Steps, pt.TrainLoss, pt.HeldOutLoss, pt.HeldOutESS, suffix, time.Since(start).Seconds())
	}
	f, _, err := distance.FitCMD(est, p, fit)
	if err != nil {
		return fmt.Errorf("traincmd: %w", err)
	}
	f.Meta.Notes["training_stars"] = fmt.Sprint(p.Len())
	f.Meta.Notes["dust"] = opt.Dust
	f.Meta.Notes["selection_survey_stars"] = fmt.Sprint(len(survey))
	if opt.Start != "" {
		f.Meta.Notes["started_from"] = opt.Start
	}
	var buf bytes.Buffer
	if err := flowfile.Write(&buf, f); err != nil {
		return err
	}
	model := store.Join(opt.Out, "cmd.gff")
	if err := store.WriteFile(ctx, model, buf.Bytes()); err != nil {
		return err
	}
	if err := store.WriteFile(ctx, store.Join(opt.Out, "learning_curve.csv"), []byte(curve.String())); err != nil {
		return err
	}
	// The catalog queries the model through its grid: distilled here, once
	// per model, rather than by every catalog folder that uses it. A CMD
	// conditioned on the distance has no 3-D grid: the catalog evaluates
	// the flow itself (distances --exact).
	if f.Config().C == 0 {
		g, err := distance.DistilCMD(f, 0)
		if err != nil {
			return fmt.Errorf("traincmd: %w", err)
		}
		sum := sha256.Sum256(buf.Bytes())
		if err := flowfile.StoreGrid(ctx, flowfile.GridBeside(model, distance.DefaultGridNodes), g, hex.EncodeToString(sum[:])); err != nil {
			return err
		}
	}
	stars.Monitor(ctx, t)
	emit(model)
	tally(t)
	return nil
}

func init() {
	register.DoFn7x1[context.Context, int, func(*star.Block) bool, func(*distance.U0) bool, func(*[]distance.SurveyStar) bool, func(string), func(star.Tally), error](&fitFn{})
	register.Iter1[distance.U0]()
	register.Iter1[[]distance.SurveyStar]()
	beam.RegisterType(reflect.TypeOf((*distance.SurveyStar)(nil)).Elem())
	register.Iter1[star.Block]()
}
