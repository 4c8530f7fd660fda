package release

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"gonum.org/v1/gonum/stat"
)

// Failure records that a partition could not be made into a shard (a
// broken file): written beside the shards, it keeps a followed catalog from
// trying the same content again and is reported in the next version. A new
// version of the file has a new key, and is tried.
type Failure struct {
	Path  string    `json:"path"`
	Key   string    `json:"key"`
	Error string    `json:"error"`
	Time  time.Time `json:"time"`
}

// failureName is the marker of a failed shard.
func failureName(in Input) string { return ShardName(in.Path, in.Key, ".failed.json") }

// WriteFailure records that in could not be made into a shard.
func WriteFailure(ctx context.Context, dir string, in Input, cause error) error {
	data, err := json.Marshal(Failure{Path: in.Path, Key: in.Key, Error: cause.Error(), Time: time.Now().UTC()})
	if err != nil {
		return err
	}
	return store.WriteFile(ctx, store.Join(dir, failureName(in)), data)
}

// Followed is a followed catalog's inputs at one moment, sorted into those
// with a finished shard, those that failed and those still to do.
type Followed struct {
	Keys    Keys
	Done    []Input
	Failed  []Failure
	Pending []Input
}

// Observe lists the inputs of patterns, keyed by keys, and sorts them by the
// state of their shards in the catalog at dir (one listing of its shards).
func Observe(ctx context.Context, dir string, patterns []string, keys Keys) (*Followed, error) {
	ins, err := ListInputs(ctx, patterns, keys, true)
	if err != nil {
		return nil, err
	}
	done, err := listShardFiles(ctx, dir, ".json")
	if err != nil {
		return nil, err
	}
	f := &Followed{Keys: keys}
	for _, in := range ins {
		switch {
		case done[SidecarName(ShardName(in.Path, in.Key, ".csv.gz"))]:
			f.Done = append(f.Done, in)
		case done[failureName(in)]:
			fl := Failure{Path: in.Path, Key: in.Key}
			if data, err := store.ReadFile(ctx, store.Join(dir, failureName(in))); err == nil {
				json.Unmarshal(data, &fl)
			}
			f.Failed = append(f.Failed, fl)
		default:
			f.Pending = append(f.Pending, in)
		}
	}
	return f, nil
}

// Next returns the inputs of the catalog's next version, and false when the
// published version prev (nil if none) should stay:
//   - a version holds only finished shards, all made with the current model,
//     dust map and options;
//   - when those changed since prev, the catalog switches in one version,
//     once no input is pending (every one finished or failed); until then
//     prev stays;
//   - otherwise the finished shards are published as soon as they differ
//     from prev's (new or changed partitions, or deleted ones gone);
//   - nothing to show, or nothing new: no version.
func (f *Followed) Next(prev *Manifest) ([]Input, bool) {
	if len(f.Done) == 0 {
		return nil, false
	}
	if prev != nil && (prev.ModelSHA256 != f.Keys.ModelSum || string(prev.Options) != string(f.Keys.Options)) && len(f.Pending) > 0 {
		return nil, false
	}
	if prev != nil && sameInputs(prev.Inputs, f.Done) {
		return nil, false
	}
	return f.Done, true
}

func sameInputs(a, b []Input) bool {
	key := func(ins []Input) []string {
		k := make([]string, len(ins))
		for i, in := range ins {
			k[i] = in.Path + "\x00" + in.Key
		}
		sort.Strings(k)
		return k
	}
	return slices.Equal(key(a), key(b))
}

// FollowStats is what a version of a followed catalog adds to the one
// before, and how long its new partitions waited.
type FollowStats struct {
	Added      int       `json:"partitions_added"`
	AddedStars int64     `json:"stars_added"`
	Removed    int       `json:"partitions_removed"`
	Failed     []Failure `json:"failed,omitempty"` // inputs left out: their files could not be read
	DelayMed   float64   `json:"delay_median_s"`   // from a partition's arrival (modification time) to its publication
	DelayMax   float64   `json:"delay_max_s"`
}

// Stats compares the inputs of a version to be published at t with prev's.
func (f *Followed) Stats(inputs []Input, prev *Manifest, t time.Time) FollowStats {
	old := map[string]bool{}
	if prev != nil {
		for _, in := range prev.Inputs {
			old[in.Path+"\x00"+in.Key] = true
		}
	}
	now := map[string]bool{}
	st := FollowStats{Failed: f.Failed}
	var delays []float64
	for _, in := range inputs {
		now[in.Path] = true
		if old[in.Path+"\x00"+in.Key] {
			continue
		}
		st.Added++
		if !in.Arrived.IsZero() {
			delays = append(delays, t.Sub(in.Arrived).Seconds())
		}
	}
	if prev != nil {
		for _, in := range prev.Inputs {
			if !now[in.Path] {
				st.Removed++
			}
		}
	}
	if len(delays) > 0 {
		sort.Float64s(delays)
		st.DelayMed = stat.Quantile(0.5, stat.Empirical, delays, nil)
		st.DelayMax = delays[len(delays)-1]
	}
	return st
}

// KeyCache keys a followed catalog's inputs without re-reading the model and
// re-hashing the dust map at every poll: it does again only when either
// file's size or version changed.
type KeyCache struct {
	mu         sync.Mutex
	model, dst store.Info
	keys       Keys
}

// Keys returns MakeKeys(ctx, model, dust, cfg, exact, nodes), from the cache
// while the model and dust files are unchanged. cfg, exact and nodes must
// not change between calls.
func (c *KeyCache) Keys(ctx context.Context, model, dust string, cfg distance.Config, exact bool, nodes int) (Keys, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	mi, err := store.Stat(ctx, model)
	if err != nil {
		return Keys{}, fmt.Errorf("model: %w", err)
	}
	var di store.Info
	if dustfile.IsFile(dust) {
		if di, err = store.Stat(ctx, dust); err != nil {
			return Keys{}, fmt.Errorf("dust map: %w", err)
		}
	}
	if c.keys.ModelSum != "" && sameFile(mi, c.model) && sameFile(di, c.dst) {
		return c.keys, nil
	}
	k, err := MakeKeys(ctx, model, dust, cfg, exact, nodes)
	if err != nil {
		return Keys{}, err
	}
	c.model, c.dst, c.keys = mi, di, k
	return k, nil
}

func sameFile(a, b store.Info) bool {
	return a.Path == b.Path && a.Size == b.Size && a.Version == b.Version
}
