package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/transforms/distances"
)

// Publish makes plan.Version the published version of the catalog: it
// merges the Table 1 accumulators of every input's shard (finished by this
// run or an earlier one), writes table1.json and table1.md in the version's
// folder, then the manifest, then CURRENT. counters are the run's metrics
// (nil if nothing ran). Every input must have a finished shard.
func Publish(ctx context.Context, plan *Plan, opt Options, counters map[string]int64) (*release.Manifest, distance.Table1Result, error) {
	m := &release.Manifest{
		Version: plan.Version, Created: time.Now().UTC(), Model: opt.Model, ModelSHA256: plan.ModelSum,
		Prior: opt.Cfg.WithDefaults().Prior.String(), Options: plan.Options, Dust: opt.Dust, Counts: counters,
	}
	var t1 distance.Table1
	for _, in := range plan.All {
		sc, err := distances.ReadSidecar(ctx, opt.Out, in)
		if err != nil {
			return nil, distance.Table1Result{}, fmt.Errorf("publish %s: no finished shard for %s: %w", plan.Version, in.Path, err)
		}
		m.Inputs = append(m.Inputs, sc.Input)
		m.Stars += sc.Input.Stars
		t1.Merge(&sc.Table1)
	}
	res := t1.Result()
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, res, err
	}
	dir := store.Join(opt.Out, plan.Version)
	if err := store.WriteFile(ctx, store.Join(dir, "table1.json"), js); err != nil {
		return nil, res, err
	}
	if err := store.WriteFile(ctx, store.Join(dir, "table1.md"), []byte(res.Markdown())); err != nil {
		return nil, res, err
	}
	m.Files = append(m.Files, "table1.json", "table1.md")
	if _, err := store.Stat(ctx, store.Join(dir, Fig4Name)); err == nil {
		m.Files = append(m.Files, Fig4Name)
	}
	return m, res, release.Publish(ctx, opt.Out, m)
}
