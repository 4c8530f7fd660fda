package stars

import (
	"context"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
)

// WriteRejects writes the rejected rows (PCollection<partition.Reject>) to
// one CSV file at path (columns file, line, reason, text), sorted by file and
// line. Rejects are rare, so one worker writes them all. No file is written
// when nothing was rejected.
func WriteRejects(s beam.Scope, path string, rejects beam.PCollection) {
	s = s.Scope("stars.WriteRejects")
	keyed := beam.AddFixedKey(s, rejects)
	grouped := beam.GroupByKey(s, keyed)
	beam.ParDo0(s, &writeRejectsFn{Path: path}, grouped)
}

type writeRejectsFn struct {
	Path string
}

func (fn *writeRejectsFn) ProcessElement(ctx context.Context, _ int, iter func(*partition.Reject) bool) error {
	var all []partition.Reject
	var r partition.Reject
	for iter(&r) {
		all = append(all, r)
	}
	partition.SortRejects(all)
	w, err := store.Create(ctx, fn.Path)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	if err := partition.WriteRejects(w, all); err != nil {
		w.Abort()
		return fmt.Errorf("rejects: write %s: %w", fn.Path, err)
	}
	return w.Close()
}

func init() {
	register.DoFn3x1[context.Context, int, func(*partition.Reject) bool, error](&writeRejectsFn{})
	register.Iter1[partition.Reject]()
}
