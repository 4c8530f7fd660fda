package streams

import (
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
)

// catalogDistances holds, per catalog shard, its stars' model distances
// (source_id -> dist_q50, pc), as the workers of Assign read them.
var catalogDistances = store.Cache[map[int64]float64]{Max: 8}

// distances returns the model distances of the stars of the input
// partition file, from the shard that Options.Distances computed from a
// partition of the same name; an empty map if the catalog has none (its
// stars keep the parallax cut).
func (fn *assignFn) distances(ctx context.Context, file string) (map[int64]float64, error) {
	if fn.shards == nil {
		m, err := release.Current(ctx, fn.opt.Distances)
		if err != nil {
			return nil, fmt.Errorf("streams: --distances: %w", err)
		}
		fn.shards = map[string]release.Input{}
		for _, in := range m.Inputs {
			fn.shards[store.Base(in.Path)] = in
		}
	}
	in, ok := fn.shards[store.Base(file)]
	if !ok {
		return map[int64]float64{}, nil
	}
	return catalogDistances.Get(ctx, store.Join(fn.opt.Distances, in.Shard), func(ctx context.Context) (map[int64]float64, error) {
		rows, err := release.ReadShard(ctx, fn.opt.Distances, in)
		if err != nil {
			return nil, fmt.Errorf("streams: --distances: %w", err)
		}
		d := make(map[int64]float64, rows.Len())
		for i, id := range rows.SourceID {
			d[id] = rows.DistQ50[i]
		}
		return d, nil
	})
}
