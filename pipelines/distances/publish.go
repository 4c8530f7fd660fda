package distances

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/distances"
)

// DuplicatesName is the file of a version that lists the source_ids two
// shards share.
const DuplicatesName = "duplicates.csv"

// Publish makes plan.Version the published version of the catalog. From the
// sidecars of every input's shard (finished by this run or an earlier one)
// it sums the counts, which must reconcile, merges Table 1 and the rejected
// rows, writes table1.json, table1.md and rejects.csv in the version's
// folder, then the manifest with the size and SHA-256 of every file, then
// CURRENT, if no other run published since the plan was made. Every input
// must have a finished shard.
func Publish(ctx context.Context, plan *Plan, opt Options) (*release.Manifest, distance.Table1Result, error) {
	if plan.lock != nil {
		if err := plan.lock.Check(); err != nil {
			return nil, distance.Table1Result{}, fmt.Errorf("publish %s: %w", plan.Version, err)
		}
	}
	m := &release.Manifest{
		Version: plan.Version, Created: time.Now().UTC(), Model: opt.Model, ModelSHA256: plan.ModelSum,
		Prior: opt.Cfg.WithDefaults().Prior.String(), Options: plan.Options, Dust: opt.Dust, Counts: star.Tally{},
	}
	var t1 distance.Table1
	var rejects bytes.Buffer
	for _, in := range plan.All {
		sc, err := distances.ReadSidecar(ctx, opt.Out, in)
		if err != nil {
			return nil, distance.Table1Result{}, fmt.Errorf("publish %s: no finished shard for %s: %w", plan.Version, in.Path, err)
		}
		m.Inputs = append(m.Inputs, sc.Input)
		m.Stars += sc.Input.Stars
		m.DuplicateRows += sc.Input.DuplicateRows
		m.Counts.Merge(sc.Input.Counts)
		t1.Merge(&sc.Table1)
		if sc.Input.Rejects != "" {
			if err := appendRejects(ctx, &rejects, opt.Out, sc.Input.Rejects); err != nil {
				return nil, distance.Table1Result{}, fmt.Errorf("publish %s: %w", plan.Version, err)
			}
		}
	}
	if err := m.Counts.Reconcile(); err != nil {
		return nil, distance.Table1Result{}, fmt.Errorf("publish %s: %w", plan.Version, err)
	}
	res := t1.Result()
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, res, err
	}
	type named struct {
		name string
		data []byte
	}
	files := []named{{"table1.json", js}, {"table1.md", []byte(res.Markdown())}}
	if rejects.Len() > 0 {
		files = append(files, named{"rejects.csv", rejects.Bytes()})
	}
	shared, err := crossDuplicates(ctx, opt.Out, m.Inputs)
	if err != nil {
		return nil, res, fmt.Errorf("publish %s: duplicates: %w", plan.Version, err)
	}
	if len(shared) > 0 {
		m.DuplicateRows += 2 * int64(len(shared))
		files = append(files, named{DuplicatesName, duplicatesCSV(shared)})
	}
	for _, f := range files {
		rf, err := release.WriteFile(ctx, opt.Out, plan.Version+"/"+f.name, f.data)
		if err != nil {
			return nil, res, err
		}
		m.Files = append(m.Files, rf)
	}
	if rf, err := release.Describe(ctx, opt.Out, plan.Version+"/"+Fig4Name); err == nil {
		m.Files = append(m.Files, rf)
	}
	previous := ""
	if plan.Previous != nil {
		previous = plan.Previous.Version
	}
	return m, res, release.Publish(ctx, opt.Out, m, previous)
}

// appendRejects adds the rows of a shard's rejects file to a version's
// rejects.csv being built in buf (one header).
func appendRejects(ctx context.Context, buf *bytes.Buffer, dir, name string) error {
	data, err := store.ReadFile(ctx, store.Join(dir, name))
	if err != nil {
		return err
	}
	rs, err := partition.ReadRejects(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if buf.Len() == 0 {
		return partition.WriteRejects(buf, rs)
	}
	var body bytes.Buffer
	if err := partition.WriteRejects(&body, rs); err != nil {
		return err
	}
	_, rest, _ := bytes.Cut(body.Bytes(), []byte("\n"))
	buf.Write(rest)
	return nil
}
