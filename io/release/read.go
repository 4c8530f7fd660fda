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
		r, err := store.Open(ctx, store.Join(dir, in.Shard))
		if err != nil {
			return nil, m, err
		}
		rows, err := catalog.ReadCSV(r, in.Shard)
		r.Close()
		if err != nil {
			return nil, m, err
		}
		if int64(rows.Len()) != in.Stars {
			return nil, m, fmt.Errorf("%s: %d rows, the manifest says %d", in.Shard, rows.Len(), in.Stars)
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
