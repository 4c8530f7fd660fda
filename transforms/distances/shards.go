package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
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
// named by the partition and its key in inputs, its rejected rows (from
// rejects, PCollection<partition.Reject>), then its Sidecar. tallies
// (PCollections of KV<string, star.Tally> keyed by partition: the reader's
// and Estimate's) give each partition's counts; with the rows written they
// must reconcile, or the job fails naming the partition. It returns the
// sidecars (PCollection<Sidecar>).
func WriteShards(s beam.Scope, dir string, inputs []release.Input, rows, rejects beam.PCollection, tallies ...beam.PCollection) beam.PCollection {
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
	counts := beam.Flatten(s, tallies...)
	byFile := beam.ParDo(s, rejectByFile, rejects)
	grouped := beam.CoGroupByKey(s, rows, t1, counts, byFile)
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

func (fn *writeShardFn) ProcessElement(ctx context.Context, file string, rowsIter func(*distance.Rows) bool, t1Iter func(*distance.Table1) bool,
	tallyIter func(*star.Tally) bool, rejIter func(*partition.Reject) bool, emit func(Sidecar)) error {
	in, ok := fn.byPath[file]
	if !ok {
		return fmt.Errorf("distances: rows from %s, which is not among the inputs", file)
	}
	var all, r distance.Rows
	for rowsIter(&r) {
		all.Append(&r)
	}
	var t1 distance.Table1
	t1Iter(&t1)
	counts := star.Tally{}
	var t star.Tally
	for tallyIter(&t) {
		counts.Merge(t)
	}
	var rejects []partition.Reject
	var rj partition.Reject
	for rejIter(&rj) {
		rejects = append(rejects, rj)
	}
	sc, err := WriteShard(ctx, fn.Dir, in, &all, t1, counts, rejects)
	if err != nil {
		return err
	}
	stars.Monitor(ctx, star.Tally{star.StarsOut: sc.Input.Stars})
	emit(sc)
	return nil
}

// WriteShard writes one partition's shard (sorted by source_id), its
// Parquet twin, its rejects if any and, last, its sidecar, and returns the
// sidecar. counts are the partition's counts before output; the rows
// written are added as stars_out, and the whole must reconcile. An input
// with no rows gets empty shards, so every input of a version has one.
func WriteShard(ctx context.Context, dir string, in release.Input, rows *distance.Rows, t1 distance.Table1, counts star.Tally, rejects []partition.Reject) (Sidecar, error) {
	rows.SortBySourceID()
	in.DuplicateRows = int64(rows.FlagDuplicates())
	if n := rows.Len(); n > 0 {
		in.MinSourceID, in.MaxSourceID = rows.SourceID[0], rows.SourceID[n-1]
	}
	in.Shard = release.ShardName(in.Path, in.Key, ".csv.gz")
	in.Parquet = release.ShardName(in.Path, in.Key, ".parquet")
	in.Stars = int64(rows.Len())
	in.Counts = star.Tally{}
	in.Counts.Merge(counts)
	in.Counts.Add(star.StarsOut, in.Stars)
	if err := in.Counts.Reconcile(); err != nil {
		return Sidecar{}, fmt.Errorf("shard of %s: %w", in.Path, err)
	}
	in.Files = nil
	write := func(name string, fill func(io.Writer) error) error {
		w, err := release.Create(ctx, dir, name)
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
		in.Rejects = release.ShardName(in.Path, in.Key, ".rejects.csv")
		if err := write(in.Rejects, func(w io.Writer) error { return partition.WriteRejects(w, rejects) }); err != nil {
			return Sidecar{}, err
		}
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

func rejectByFile(r partition.Reject) (string, partition.Reject) { return r.File, r }

func init() {
	register.Function2x0(emptyRows)
	register.Function1x2(rejectByFile)
	// JSON, because the Table 1 accumulator holds fixed arrays.
	beam.RegisterCoder(reflect.TypeOf(Sidecar{}),
		func(sc Sidecar) ([]byte, error) { return json.Marshal(sc) },
		func(b []byte) (Sidecar, error) {
			var sc Sidecar
			return sc, json.Unmarshal(b, &sc)
		})
	register.DoFn7x1[context.Context, string, func(*distance.Rows) bool, func(*distance.Table1) bool, func(*star.Tally) bool, func(*partition.Reject) bool, func(Sidecar), error](&writeShardFn{})
	register.Iter1[distance.Rows]()
	register.Iter1[distance.Table1]()
	register.Iter1[star.Tally]()
	register.Iter1[partition.Reject]()
	register.Emitter1[Sidecar]()
}
