package distances

import (
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Publish makes plan.Version the published version of the catalog from the
// finished shards of every input (see release.Assemble), if no other run
// published since the plan was made.
func Publish(ctx context.Context, plan *Plan, opt Options) (*release.Manifest, distance.Table1Result, error) {
	if plan.lock != nil {
		if err := plan.lock.Check(); err != nil {
			return nil, distance.Table1Result{}, fmt.Errorf("publish %s: %w", plan.Version, err)
		}
	}
	previous := ""
	if plan.Previous != nil {
		previous = plan.Previous.Version
	}
	meta := release.Meta{Model: opt.Model, ModelSHA256: plan.ModelSum, Prior: opt.Cfg.WithDefaults().Prior.String(), Options: plan.Options, Dust: opt.Dust}
	return release.Assemble(ctx, opt.Out, plan.Version, previous, plan.All, meta)
}
