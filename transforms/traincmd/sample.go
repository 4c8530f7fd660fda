package traincmd

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/gaiaflow/gaiaflow/io/dustfile"

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
}

// NotSampled is the cut under which stars outside the random sample count.
const NotSampled = "not_sampled"

// Sample applies the training cuts (dec, photometry, parallax, RUWE with u0
// from the singleton PCollection<distance.U0> u0, dust coverage) to every
// block, counts each cut, and keeps a seeded random fraction of the rest:
// PCollection<star.Block> of the training stars, and per block the tally of
// its cuts (PCollection<star.Tally>; the stars kept are counted by Fit).
func Sample(s beam.Scope, opt SampleOptions, blocks, u0 beam.PCollection) (sample, tallies beam.PCollection) {
	s = s.Scope("traincmd.Sample")
	opt.Cfg.Mode = distance.Training
	if opt.Fraction == 0 {
		opt.Fraction = 1
	}
	cfg, err := json.Marshal(opt.Cfg)
	if err != nil {
		panic(err)
	}
	return beam.ParDo2(s, &sampleFn{Dust: opt.Dust, Config: string(cfg), Fraction: opt.Fraction}, blocks, beam.SideInput{Input: u0})
}

type sampleFn struct {
	Dust     string
	Config   string
	Fraction float64

	est  *distance.Estimator
	cfg  distance.Config
	prep distance.Prepared
}

func (fn *sampleFn) Setup(ctx context.Context) error {
	return json.Unmarshal([]byte(fn.Config), &fn.cfg)
}

func (fn *sampleFn) ProcessElement(ctx context.Context, b star.Block, u0 distance.U0, emit func(star.Block), tally func(star.Tally)) error {
	if fn.est == nil {
		m, err := dustfile.SharedSpec(ctx, fn.Dust, dustfile.Options{})
		if err != nil {
			return fmt.Errorf("dust map %s: %w", fn.Dust, err)
		}
		cfg := fn.cfg
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
	kept := 0
	for _, r := range p.Row {
		if distance.SelectionKey(fn.cfg.Seed, b.SourceID[r]) < fn.Fraction {
			keep[r] = true
			kept++
		}
	}
	t.Cut(NotSampled, int64(p.Len()-kept))
	stars.Monitor(ctx, t)
	tally(t)
	if kept > 0 {
		emit(b.Select(keep))
	}
	return nil
}

func init() {
	register.DoFn5x1[context.Context, star.Block, distance.U0, func(star.Block), func(star.Tally), error](&sampleFn{})
}
