package release

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/hats"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Sidecar is written beside a shard after the shard itself: its presence
// means the shard is complete. It carries the shard's Table 1 accumulator, so
// a version's Table 1 is merged from its shards without reading them.
type Sidecar struct {
	Input  Input           `json:"input"`
	Table1 distance.Table1 `json:"table1"`
	// HEALPix counts the shard's rows per HEALPix NESTED pixel at order
	// hats.CountOrder (in a compact form, see hats.Counts): what a HATS
	// catalog is planned from without reading the shard again. Nil in
	// sidecars of older builds, or if a row has no position.
	HEALPix hats.Counts `json:"healpix_counts,omitempty"`
}

// SidecarName returns the sidecar path of a shard.
func SidecarName(shard string) string { return shard + ".json" }

// WriteShard writes one partition's shard (sorted by source_id), its
// Parquet twin, its rejects if any and, last, its sidecar, and returns the
// sidecar. counts are the partition's counts before output; the rows
// written are added as stars_out, and the whole must reconcile. An input
// with no rows gets empty shards, so every input of a version has one.
func WriteShard(ctx context.Context, dir string, in Input, rows *distance.Rows, t1 distance.Table1, counts star.Tally, rejects []partition.Reject) (Sidecar, error) {
	rows.SortBySourceID()
	in.DuplicateRows = int64(rows.FlagDuplicates())
	if n := rows.Len(); n > 0 {
		in.MinSourceID, in.MaxSourceID = rows.SourceID[0], rows.SourceID[n-1]
	}
	in.Shard = ShardName(in.Path, in.Key, ".csv.gz")
	in.Parquet = ShardName(in.Path, in.Key, ".parquet")
	in.Stars = int64(rows.Len())
	in.Counts = star.Tally{}
	in.Counts.Merge(counts)
	in.Counts.Add(star.StarsOut, in.Stars)
	if err := in.Counts.Reconcile(); err != nil {
		return Sidecar{}, fmt.Errorf("shard of %s: %w", in.Path, err)
	}
	in.Files = nil
	write := func(name string, fill func(io.Writer) error) error {
		w, err := Create(ctx, dir, name)
		if err != nil {
			return err
		}
		if err := fill(w); err != nil {
			w.Abort()
			return fmt.Errorf("shard %s: %w", name, err)
		}
		f, err := w.Close()
		if err != nil {
			return err
		}
		in.Files = append(in.Files, f)
		return nil
	}
	if err := write(in.Shard, func(w io.Writer) error { return catalog.WriteCSV(w, rows) }); err != nil { // gzipped by WriteCSV
		return Sidecar{}, err
	}
	if err := write(in.Parquet, func(w io.Writer) error { return catalog.WriteParquet(w, rows) }); err != nil {
		return Sidecar{}, err
	}
	if len(rejects) > 0 {
		partition.SortRejects(rejects)
		in.Rejects = ShardName(in.Path, in.Key, ".rejects.csv")
		if err := write(in.Rejects, func(w io.Writer) error { return partition.WriteRejects(w, rejects) }); err != nil {
			return Sidecar{}, err
		}
	}
	sc := Sidecar{Input: in, Table1: t1, HEALPix: healpixCounts(rows)}
	data, err := json.Marshal(sc)
	if err != nil {
		return Sidecar{}, err
	}
	return sc, store.WriteFile(ctx, store.Join(dir, SidecarName(in.Shard)), data)
}

// ReadSidecar reads the sidecar of the shard of in, if the shard is complete.
func ReadSidecar(ctx context.Context, dir string, in Input) (Sidecar, error) {
	data, err := store.ReadFile(ctx, store.Join(dir, SidecarName(ShardName(in.Path, in.Key, ".csv.gz"))))
	if err != nil {
		return Sidecar{}, err
	}
	var sc Sidecar
	if err := json.Unmarshal(data, &sc); err != nil {
		return Sidecar{}, err
	}
	return sc, nil
}

// healpixCounts returns the Sidecar's HEALPix counts of rows; nil if a row
// has no position, which the HATS step then finds and reports itself.
func healpixCounts(rows *distance.Rows) hats.Counts {
	h := make([]int64, rows.Len())
	for i := range h {
		if h[i] = catalog.HEALPix29(rows.RA[i], rows.Dec[i]); h[i] < 0 {
			return nil
		}
	}
	return hats.Count(h, hats.CountOrder)
}
