package release

import (
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// ReadPublished reads the rows of the published version of the catalog at
// dir (its CURRENT manifest's CSV shards) for which keep(ra, dec) is true, or
// all of them when keep is nil. It is meant for a region or a small catalog:
// the rows it keeps are held in memory.
func ReadPublished(ctx context.Context, dir string, keep func(ra, dec float64) bool) (*distance.Rows, *Manifest, error) {
	m, err := Current(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	var out distance.Rows
	for _, in := range m.Inputs {
		rows, err := ReadShard(ctx, dir, in)
		if err != nil {
			return nil, m, err
		}
		if keep == nil {
			out.Append(rows)
			continue
		}
		for i := range rows.SourceID {
			if keep(rows.RA[i], rows.Dec[i]) {
				out.Append(rows.Slice(i, i+1))
			}
		}
	}
	return &out, m, nil
}

// ReadShard reads the rows of in's shard (its CSV) in the catalog at dir,
// which must hold in.Stars rows.
func ReadShard(ctx context.Context, dir string, in Input) (*distance.Rows, error) {
	r, err := store.Open(ctx, store.Join(dir, in.Shard))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rows, err := catalog.ReadCSV(r, in.Shard)
	if err != nil {
		return nil, err
	}
	if int64(rows.Len()) != in.Stars {
		return nil, fmt.Errorf("%s: %d rows, the manifest says %d", in.Shard, rows.Len(), in.Stars)
	}
	return rows, nil
}
