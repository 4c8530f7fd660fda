package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Keys is what a run keys its shards with besides each input partition:
// the model by its checksum and everything else by content, so a shard is
// reused exactly when nothing it depends on changed.
type Keys struct {
	Model    []byte          // the model file's bytes
	ModelSum string          // their SHA-256
	Options  json.RawMessage // the estimator's configuration, the dust map's content key, the density's form
}

// MakeKeys reads the model and names the dust map spec by content: the spec
// itself for the analytic maps ("none", "constant:E"), the file's checksum
// otherwise (a map rewritten in place under the same name makes new
// shards). exact and nodes are the form of the CMD density (the flow
// itself, or a grid of nodes^3).
func MakeKeys(ctx context.Context, model, dust string, cfg distance.Config, exact bool, nodes int) (Keys, error) {
	data, err := store.ReadFile(ctx, model)
	if err != nil {
		return Keys{}, fmt.Errorf("model: %w", err)
	}
	sum := sha256.Sum256(data)
	dustKey := dust
	if dustfile.IsFile(dust) {
		if dustKey, err = store.Checksum(ctx, dust); err != nil {
			return Keys{}, fmt.Errorf("dust map: %w", err)
		}
	}
	keyed := struct {
		Cfg   distance.Config
		Dust  string
		Exact bool
		Nodes int
		Rows  int `json:",omitempty"`
	}{cfg.WithDefaults(), dustKey, exact, nodes, distance.RowsVersion}
	if !keyed.Cfg.DustAtDBest {
		// One pass needs no test of convergence: the rows do not depend on
		// it, and shards made before it existed keep their keys.
		keyed.Cfg.Converged = 0
	}
	opts, err := json.Marshal(keyed)
	if err != nil {
		return Keys{}, err
	}
	return Keys{Model: data, ModelSum: hex.EncodeToString(sum[:]), Options: opts}, nil
}

// ListInputs lists the partition files that patterns match (once each,
// sorted by pattern then path, skipping files beside partitions that are not
// star tables) and keys them. A pattern that matches nothing is an error
// unless allowEmpty (a followed bucket may start empty).
func ListInputs(ctx context.Context, patterns []string, k Keys, allowEmpty bool) ([]Input, error) {
	var out []Input
	seen := map[string]bool{}
	for _, pat := range patterns {
		infos, err := store.Glob(ctx, pat)
		if err != nil {
			if allowEmpty && errors.Is(err, store.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("input %s: %w", pat, err)
		}
		if len(infos) == 0 && !allowEmpty {
			return nil, fmt.Errorf("input %s: no partition files match", pat)
		}
		for _, in := range infos {
			if seen[in.Path] || !partition.IsDataFile(in.Path) {
				continue
			}
			seen[in.Path] = true
			out = append(out, Input{Path: in.Path, Size: in.Size, Version: in.Version, Key: ShardKey(in, k.ModelSum, k.Options), Arrived: in.Modified})
		}
	}
	return out, nil
}

// Unfinished returns the inputs without a finished shard in the catalog at
// dir, found with one listing of its shards.
func Unfinished(ctx context.Context, dir string, inputs []Input) ([]Input, error) {
	done, err := listShardFiles(ctx, dir, ".csv.gz.json")
	if err != nil {
		return nil, err
	}
	var todo []Input
	for _, in := range inputs {
		if !done[SidecarName(ShardName(in.Path, in.Key, ".csv.gz"))] {
			todo = append(todo, in)
		}
	}
	return todo, nil
}

// listShardFiles returns the names (relative to the catalog folder) of the
// files in its shards folder that end with suffix.
func listShardFiles(ctx context.Context, dir, suffix string) (map[string]bool, error) {
	infos, err := store.Glob(ctx, store.Join(dir, ShardDir, "*"+suffix))
	if err != nil && !errors.Is(err, store.ErrNotExist) {
		return nil, err
	}
	names := map[string]bool{}
	for _, in := range infos {
		names[ShardDir+"/"+store.Base(in.Path)] = true
	}
	return names, nil
}
