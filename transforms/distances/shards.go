package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// WriteShards writes, for every partition in rows
// (PCollection<KV<string, distance.Rows>>), its catalog shard under the
// catalog folder dir: a gzipped CSV and a Parquet twin, sorted by source_id,
// named by the partition and its key in inputs, its rejected rows (from
// rejects, PCollection<partition.Reject>), then its release.Sidecar. tallies
// (PCollections of KV<string, star.Tally> keyed by partition: the reader's
// and Estimate's) give each partition's counts; with the rows written they
// must reconcile, or the job fails naming the partition. It returns the
// sidecars (PCollection<release.Sidecar>).
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
	tallyIter func(*star.Tally) bool, rejIter func(*partition.Reject) bool, emit func(release.Sidecar)) error {
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
	sc, err := release.WriteShard(ctx, fn.Dir, in, &all, t1, counts, rejects)
	if err != nil {
		return err
	}
	stars.Monitor(ctx, star.Tally{star.StarsOut: sc.Input.Stars})
	emit(sc)
	return nil
}

func emptyRows(path string, emit func(string, distance.Rows)) { emit(path, distance.Rows{}) }

func rejectByFile(r partition.Reject) (string, partition.Reject) { return r.File, r }

func init() {
	register.Function2x0(emptyRows)
	register.Function1x2(rejectByFile)
	// JSON, because the Table 1 accumulator holds fixed arrays.
	beam.RegisterCoder(reflect.TypeOf(release.Sidecar{}),
		func(sc release.Sidecar) ([]byte, error) { return json.Marshal(sc) },
		func(b []byte) (release.Sidecar, error) {
			var sc release.Sidecar
			return sc, json.Unmarshal(b, &sc)
		})
	register.DoFn7x1[context.Context, string, func(*distance.Rows) bool, func(*distance.Table1) bool, func(*star.Tally) bool, func(*partition.Reject) bool, func(release.Sidecar), error](&writeShardFn{})
	register.Iter1[distance.Rows]()
	register.Iter1[distance.Table1]()
	register.Iter1[star.Tally]()
	register.Iter1[partition.Reject]()
	register.Emitter1[release.Sidecar]()
}
