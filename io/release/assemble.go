package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Names of a version's files in its folder.
const (
	Table1JSON     = "table1.json"
	Table1MD       = "table1.md"
	RejectsName    = "rejects.csv"
	DuplicatesName = "duplicates.csv" // the source_ids two shards share
	Fig4Name       = "fig4_cmd.png"   // paper 000's fig. 4 of the stars new in the version
)

// Meta is what a version's manifest says about how its shards were made.
type Meta struct {
	Model, ModelSHA256 string
	Prior              string          // the distance prior, by name
	Options            json.RawMessage // the estimator's configuration, as keyed
	Dust               string
	Follow             *FollowStats // for a followed catalog's version
}

// Assemble publishes version v of the catalog at dir, made of the finished
// shards of inputs, if CURRENT still names previous ("" for none; see
// Publish). From the shards' sidecars it sums the counts, which must
// reconcile, merges Table 1 and the rejected rows, and finds the source_ids
// two shards share; it writes table1.json, table1.md and, when there are
// any, rejects.csv and duplicates.csv in the version's folder, then the
// manifest with the size and SHA-256 of every file (and of fig4_cmd.png if
// the run drew it there), then CURRENT. Callers hold the catalog's Lock.
func Assemble(ctx context.Context, dir, v, previous string, inputs []Input, meta Meta) (*Manifest, distance.Table1Result, error) {
	m := &Manifest{
		Version: v, Created: time.Now().UTC(), Model: meta.Model, ModelSHA256: meta.ModelSHA256,
		Prior: meta.Prior, Options: meta.Options, Dust: meta.Dust, Counts: star.Tally{}, Follow: meta.Follow,
	}
	var t1 distance.Table1
	var rejects bytes.Buffer
	for _, in := range inputs {
		sc, err := ReadSidecar(ctx, dir, in)
		if err != nil {
			return nil, distance.Table1Result{}, fmt.Errorf("publish %s: no finished shard for %s: %w", v, in.Path, err)
		}
		m.Inputs = append(m.Inputs, sc.Input)
		m.Stars += sc.Input.Stars
		m.DuplicateRows += sc.Input.DuplicateRows
		m.Counts.Merge(sc.Input.Counts)
		t1.Merge(&sc.Table1)
		if sc.Input.Rejects != "" {
			if err := appendRejects(ctx, &rejects, dir, sc.Input.Rejects); err != nil {
				return nil, distance.Table1Result{}, fmt.Errorf("publish %s: %w", v, err)
			}
		}
	}
	if err := m.Counts.Reconcile(); err != nil {
		return nil, distance.Table1Result{}, fmt.Errorf("publish %s: %w", v, err)
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
	files := []named{{Table1JSON, js}, {Table1MD, []byte(res.Markdown())}}
	if rejects.Len() > 0 {
		files = append(files, named{RejectsName, rejects.Bytes()})
	}
	shared, err := crossDuplicates(ctx, dir, m.Inputs)
	if err != nil {
		return nil, res, fmt.Errorf("publish %s: duplicates: %w", v, err)
	}
	if len(shared) > 0 {
		m.DuplicateRows += 2 * int64(len(shared))
		files = append(files, named{DuplicatesName, duplicatesCSV(shared)})
	}
	for _, f := range files {
		rf, err := WriteFile(ctx, dir, v+"/"+f.name, f.data)
		if err != nil {
			return nil, res, err
		}
		m.Files = append(m.Files, rf)
	}
	if rf, err := Describe(ctx, dir, v+"/"+Fig4Name); err == nil {
		m.Files = append(m.Files, rf)
	}
	hf, err := hatsFiles(ctx, dir, v)
	if err != nil {
		return nil, res, fmt.Errorf("publish %s: %w", v, err)
	}
	m.Files = append(m.Files, hf...)
	return m, res, Publish(ctx, dir, m, previous)
}

// HATSDir is the folder of a version's HATS catalog, in the version's
// folder.
const HATSDir = "hats"

// hatsFiles describes the files of version v's HATS catalog, if the run
// wrote one (its hats.properties is written last): the catalog-level files
// and every partition.
func hatsFiles(ctx context.Context, dir, v string) ([]File, error) {
	root := v + "/" + HATSDir
	if _, err := store.Stat(ctx, store.Join(dir, root, "hats.properties")); err != nil {
		return nil, nil
	}
	names := []string{"hats.properties", "partition_info.csv", "dataset/_metadata", "dataset/_common_metadata"}
	if _, err := store.Stat(ctx, store.Join(dir, root, "gaiaflow_partition_shards.json")); err == nil {
		names = append(names, "gaiaflow_partition_shards.json") // which shards each partition came from
	}
	parts, err := store.Glob(ctx, store.Join(dir, root, "dataset", "Norder=*", "Dir=*", "Npix=*.parquet"))
	if err != nil {
		return nil, fmt.Errorf("hats: %w", err)
	}
	base := store.Join(dir, root) + "/"
	for _, p := range parts {
		names = append(names, strings.TrimPrefix(p.Path, base))
	}
	var out []File
	for _, n := range names {
		f, err := Describe(ctx, dir, root+"/"+n)
		if err != nil {
			return nil, fmt.Errorf("hats: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
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
