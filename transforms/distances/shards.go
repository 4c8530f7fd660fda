package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Sidecar is written beside a shard after the shard itself: its presence
// means the shard is complete. It carries the shard's Table 1 accumulator, so
// a version's Table 1 is merged from its shards without reading them.
type Sidecar struct {
	Input  release.Input   `json:"input"`
	Table1 distance.Table1 `json:"table1"`
}

// SidecarName returns the sidecar path of a shard.
func SidecarName(shard string) string { return shard + ".json" }

// WriteShards writes, for every partition in rows
// (PCollection<KV<string, distance.Rows>>), its catalog shard under the
// catalog folder dir: a gzipped CSV and a Parquet twin, sorted by source_id,
// named by the partition and its key in inputs, then its Sidecar. It
// returns the sidecars (PCollection<Sidecar>).
func WriteShards(s beam.Scope, dir string, inputs []release.Input, rows beam.PCollection) beam.PCollection {
	s = s.Scope("distances.WriteShards")
	js, err := json.Marshal(inputs)
	if err != nil {
		panic(err)
	}
	// Every input gets a shard, also one whose stars were all cut: an empty
	// element per input makes its group exist.
	paths := make([]string, len(inputs))
	for i, in := range inputs {
		paths[i] = in.Path
	}
	empty := beam.ParDo(s, emptyRows, beam.CreateList(s, paths))
	rows = beam.Flatten(s, rows, empty)
	t1 := Table1PerPartition(s, rows)
	grouped := beam.CoGroupByKey(s, rows, t1)
	return beam.ParDo(s, &writeShardFn{Dir: dir, Inputs: string(js)}, grouped)
}

type writeShardFn struct {
	Dir    string
	Inputs string // []release.Input as JSON

	byPath map[string]release.Input
}

func (fn *writeShardFn) Setup() error {
	var ins []release.Input
	if err := json.Unmarshal([]byte(fn.Inputs), &ins); err != nil {
		return err
	}
	fn.byPath = map[string]release.Input{}
	for _, in := range ins {
		fn.byPath[in.Path] = in
	}
	return nil
}

func (fn *writeShardFn) ProcessElement(ctx context.Context, file string, rowsIter func(*distance.Rows) bool, t1Iter func(*distance.Table1) bool, emit func(Sidecar)) error {
	in, ok := fn.byPath[file]
	if !ok {
		return fmt.Errorf("distances: rows from %s, which is not among the inputs", file)
	}
	var all, r distance.Rows
	for rowsIter(&r) {
		all.Append(&r)
	}
	all.SortBySourceID()
	var t1 distance.Table1
	t1Iter(&t1)
	sc, err := WriteShard(ctx, fn.Dir, in, &all, t1)
	if err != nil {
		return err
	}
	emit(sc)
	return nil
}

// WriteShard writes one partition's shard, its Parquet twin and, last, its
// sidecar, and returns the sidecar. An input with no rows gets empty
// shards, so every input of a version has one.
func WriteShard(ctx context.Context, dir string, in release.Input, rows *distance.Rows, t1 distance.Table1) (Sidecar, error) {
	in.Shard = release.ShardName(in.Path, in.Key, ".csv.gz")
	in.Parquet = release.ShardName(in.Path, in.Key, ".parquet")
	in.Stars = int64(rows.Len())
	w, err := store.Create(ctx, store.Join(dir, in.Shard))
	if err != nil {
		return Sidecar{}, err
	}
	if err := catalog.WriteCSV(w, rows); err != nil { // gzipped by WriteCSV
		w.Abort()
		return Sidecar{}, fmt.Errorf("shard %s: %w", in.Shard, err)
	}
	if err := w.Close(); err != nil {
		return Sidecar{}, err
	}
	pw, err := store.Create(ctx, store.Join(dir, in.Parquet))
	if err != nil {
		return Sidecar{}, err
	}
	if err := catalog.WriteParquet(pw, rows); err != nil {
		pw.Abort()
		return Sidecar{}, fmt.Errorf("shard %s: %w", in.Parquet, err)
	}
	if err := pw.Close(); err != nil {
		return Sidecar{}, err
	}
	sc := Sidecar{Input: in, Table1: t1}
	data, err := json.Marshal(sc)
	if err != nil {
		return Sidecar{}, err
	}
	return sc, store.WriteFile(ctx, store.Join(dir, SidecarName(in.Shard)), data)
}

// ReadSidecar reads the sidecar of the shard of in, if the shard is complete.
func ReadSidecar(ctx context.Context, dir string, in release.Input) (Sidecar, error) {
	data, err := store.ReadFile(ctx, store.Join(dir, SidecarName(release.ShardName(in.Path, in.Key, ".csv.gz"))))
	if err != nil {
		return Sidecar{}, err
	}
	var sc Sidecar
	if err := json.Unmarshal(data, &sc); err != nil {
		return Sidecar{}, err
	}
	return sc, nil
}

func emptyRows(path string, emit func(string, distance.Rows)) { emit(path, distance.Rows{}) }

func init() {
	register.Function2x0(emptyRows)
	// JSON, because the Table 1 accumulator holds fixed arrays.
	beam.RegisterCoder(reflect.TypeOf(Sidecar{}),
		func(sc Sidecar) ([]byte, error) { return json.Marshal(sc) },
		func(b []byte) (Sidecar, error) {
			var sc Sidecar
			return sc, json.Unmarshal(b, &sc)
		})
	register.DoFn5x1[context.Context, string, func(*distance.Rows) bool, func(*distance.Table1) bool, func(Sidecar), error](&writeShardFn{})
	register.Iter1[distance.Rows]()
	register.Iter1[distance.Table1]()
	register.Emitter1[Sidecar]()
}
