package distances

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Options are what every worker needs to estimate distances.
type Options struct {
	Grid  string          // distilled CMD density (WriteGrid); empty: the exact flow at Model
	Model string          // the flow model file
	Dust  string          // dust map spec, see OpenDust
	Cfg   distance.Config // the estimator's configuration (Mode Catalog)
}

// Estimate runs the per-star estimate over blocks (PCollection<star.Block>)
// and returns the catalog rows keyed by the partition file they came from
// (PCollection<KV<string, distance.Rows>>) and, keyed the same way, the
// tally of the stars each block lost to a cut (PCollection<KV<string,
// star.Tally>>; the rows are counted where WriteShards writes them).
func Estimate(s beam.Scope, opt Options, blocks beam.PCollection) (rows, tallies beam.PCollection) {
	s = s.Scope("distances.Estimate")
	cfg, err := json.Marshal(opt.Cfg)
	if err != nil {
		panic(fmt.Sprintf("distances: config: %v", err))
	}
	if err := opt.Cfg.Validate(); err != nil {
		panic(fmt.Sprintf("distances: %v", err))
	}
	return beam.ParDo2(s, &estimateFn{Grid: opt.Grid, Model: opt.Model, Dust: opt.Dust, Config: string(cfg)}, blocks)
}

type estimateFn struct {
	Grid, Model, Dust string
	Config            string // distance.Config as JSON

	est *distance.Estimator
}

func (fn *estimateFn) Setup(ctx context.Context) error {
	var cfg distance.Config
	if err := json.Unmarshal([]byte(fn.Config), &cfg); err != nil {
		return err
	}
	dens, err := loadDensity(ctx, fn.Grid, fn.Model)
	if err != nil {
		return err
	}
	m, err := OpenDust(ctx, fn.Dust)
	if err != nil {
		return fmt.Errorf("dust map %s: %w", fn.Dust, err)
	}
	if fn.est, err = distance.New(cfg, dens, distance.MapDust{Map: m}); err != nil {
		return err
	}
	return nil
}

func (fn *estimateFn) ProcessElement(ctx context.Context, b star.Block, emit func(string, distance.Rows), tally func(string, star.Tally)) {
	var c distance.Counts
	rows := fn.est.CatalogBlock(nil, &b, &c)
	t := c.Tally()
	stars.Monitor(ctx, t)
	stars.Progress("stars estimated", c.In)
	if rows.Len() > 0 {
		emit(b.File, *rows)
	}
	tally(b.File, t)
}

func init() {
	register.DoFn4x0[context.Context, star.Block, func(string, distance.Rows), func(string, star.Tally)](&estimateFn{})
	register.Emitter2[string, distance.Rows]()
}
