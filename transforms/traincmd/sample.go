package traincmd

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"math"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// SampleOptions configure Sample.
type SampleOptions struct {
	Dust     string          // dust map spec (dustfile.SharedSpec)
	Cfg      distance.Config // Mode Training; U0 comes from the side input
	Fraction float64         // keep a star if its SelectionKey is below; 0 means 1
	// SurveyStars is the size of the survey of the catalogue (every star
	// that passes the cuts but the training's floors, the lowest
	// SurveyKeys) that corrects the training for the floor's selection
	// (distance.FitSelection); 0: none.
	SurveyStars int
}

// NotSampled is the cut under which stars outside the random sample count.
const NotSampled = "not_sampled"

// Sample applies the training cuts (dec, photometry, parallax, RUWE with u0
// from the singleton PCollection<distance.U0> u0, dust coverage, then the
// parallax/error floor and the colour-error floor) to every block, counts each cut, and keeps a seeded
// random fraction of the rest: PCollection<star.Block> of the training
// stars, per block the tally of its cuts (PCollection<star.Tally>; the
// stars kept are counted by Fit), and the singleton
// PCollection<[]distance.SurveyStar> of the survey (empty if
// opt.SurveyStars is 0). With a survey the floors come last, so a star that
// fails one and the RUWE or dust cut counts under the latter (cut.ruwe,
// cut.dust); without one it counts under cut.parallax or cut.colour_error,
// as in Prepare's order. The stars kept are the same either way.
func Sample(s beam.Scope, opt SampleOptions, blocks, u0 beam.PCollection) (sample, tallies, survey beam.PCollection) {
	s = s.Scope("traincmd.Sample")
	opt.Cfg.Mode = distance.Training
	if opt.Fraction == 0 {
		opt.Fraction = 1
	}
	cfg, err := json.Marshal(opt.Cfg)
	if err != nil {
		panic(err)
	}
	sample, tallies, parts := beam.ParDo3(s, &sampleFn{Dust: opt.Dust, Config: string(cfg), Fraction: opt.Fraction, SurveyStars: opt.SurveyStars},
		blocks, beam.SideInput{Input: u0})
	survey = beam.Combine(s, &surveyFn{K: opt.SurveyStars}, parts)
	return sample, tallies, survey
}

// surveyFn keeps the K survey stars of lowest key over all blocks.
type surveyFn struct{ K int }

func (fn *surveyFn) CreateAccumulator() []distance.SurveyStar { return nil }

func (fn *surveyFn) AddInput(acc, in []distance.SurveyStar) []distance.SurveyStar {
	return distance.MergeSurvey(acc, in, fn.K)
}

func (fn *surveyFn) MergeAccumulators(a, b []distance.SurveyStar) []distance.SurveyStar {
	return distance.MergeSurvey(a, b, fn.K)
}

type sampleFn struct {
	Dust        string
	Config      string
	Fraction    float64
	SurveyStars int

	est  *distance.Estimator
	cfg  distance.Config
	prep distance.Prepared
}

func (fn *sampleFn) Setup(ctx context.Context) error {
	return json.Unmarshal([]byte(fn.Config), &fn.cfg)
}

func (fn *sampleFn) ProcessElement(ctx context.Context, b star.Block, u0 distance.U0, emit func(star.Block), tally func(star.Tally), survey func([]distance.SurveyStar)) error {
	if fn.est == nil {
		m, err := dustfile.SharedSpec(ctx, fn.Dust, dustfile.Options{})
		if err != nil {
			return fmt.Errorf("dust map %s: %w", fn.Dust, err)
		}
		// With a survey, the floor is applied below, after the survey has
		// seen the stars it cuts; without one, Prepare applies it and
		// spares the samples of the stars it cuts.
		cfg := fn.cfg
		if fn.SurveyStars > 0 {
			cfg.MinParallaxSNR, cfg.MaxColourError = 0, 0
		}
		if u0.NG > 0 {
			cfg.U0 = &u0
		}
		flat := distance.LogProbFunc(func(_, _, _ float64) float64 { return 0 })
		if fn.est, err = distance.New(cfg, flat, distance.MapDust{Map: m}); err != nil {
			return err
		}
	}
	var c distance.Counts
	p := fn.est.Prepare(&fn.prep, &b, &c)
	t := c.Tally()
	keep := make([]bool, b.Len())
	kept, floor, colourFloor := 0, 0, 0
	var sv []distance.SurveyStar
	for i, r := range p.Row {
		if fn.SurveyStars > 0 {
			sv = append(sv, distance.NewSurveyStar(fn.cfg.Seed, p, i))
		}
		switch {
		case !fn.cfg.PassesFloor(p.Parallax[i], p.ParallaxError[i]):
			floor++
		case !fn.cfg.PassesColourFloor(math.Hypot(p.SigmaBP[i], p.SigmaRP[i])):
			colourFloor++
		case distance.SelectionKey(fn.cfg.Seed, b.SourceID[r]) < fn.Fraction:
			keep[r] = true
			kept++
		}
	}
	t.Cut(distance.CutParallax.String(), int64(floor))
	t.Cut(distance.CutColourError.String(), int64(colourFloor))
	t.Cut(NotSampled, int64(p.Len()-floor-colourFloor-kept))
	if len(sv) > 0 {
		survey(distance.SmallestSurvey(sv, fn.SurveyStars))
	}
	stars.Monitor(ctx, t)
	tally(t)
	if kept > 0 {
		emit(b.Select(keep))
	}
	return nil
}

func init() {
	register.DoFn6x1[context.Context, star.Block, distance.U0, func(star.Block), func(star.Tally), func([]distance.SurveyStar), error](&sampleFn{})
	register.Combiner3[[]distance.SurveyStar, []distance.SurveyStar, []distance.SurveyStar](&surveyFn{})
}
