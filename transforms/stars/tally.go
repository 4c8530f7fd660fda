package stars

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/typex"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Sum adds up tallies (PCollections of star.Tally, or of KV<string,
// star.Tally> keyed by partition) into a singleton PCollection<star.Tally>.
//
// The counts a run checks travel as data, not as Beam metrics: prism (Beam
// v2.77.0) loses a bundle's committed metrics when two bundles of a stage
// finish before the runner has resolved the metrics' short ids (its
// jobservices metricsStore keeps one pending payload per short id, so the
// second bundle's overwrites the first's), which halved the counts of about
// half the runs of `gaiaflow traincmd` on a loaded 2-core machine. A combiner
// over the tallies is exact on every runner.
func Sum(s beam.Scope, tallies ...beam.PCollection) beam.PCollection {
	s = s.Scope("stars.Sum")
	if len(tallies) == 0 {
		panic("stars: Sum needs at least one PCollection of tallies")
	}
	cols := make([]beam.PCollection, len(tallies))
	for i, t := range tallies {
		if typex.IsKV(t.Type()) {
			t = beam.DropKey(s, t)
		}
		cols[i] = t
	}
	return beam.Combine(s, &sumFn{}, beam.Flatten(s, cols...))
}

type sumFn struct{}

func (*sumFn) CreateAccumulator() star.Tally { return star.Tally{} }

func (*sumFn) AddInput(a, t star.Tally) star.Tally {
	a.Merge(t)
	return a
}

func (*sumFn) MergeAccumulators(a, b star.Tally) star.Tally {
	a.Merge(b)
	return a
}

func (*sumFn) ExtractOutput(a star.Tally) star.Tally { return a }

// WriteTally writes the singleton PCollection<star.Tally> total to path as
// JSON, which ReadTally reads back in the launcher once the job succeeded.
func WriteTally(s beam.Scope, path string, total beam.PCollection) {
	s = s.Scope("stars.WriteTally")
	beam.ParDo0(s, &writeTallyFn{Path: path}, total)
}

type writeTallyFn struct {
	Path string
}

func (fn *writeTallyFn) ProcessElement(ctx context.Context, t star.Tally) error {
	data, err := json.MarshalIndent(map[string]int64(t), "", "  ")
	if err != nil {
		return err
	}
	if err := store.WriteFile(ctx, fn.Path, append(data, '\n')); err != nil {
		return fmt.Errorf("counts: %w", err)
	}
	return nil
}

// ReadTally reads a tally that WriteTally wrote.
func ReadTally(ctx context.Context, path string) (star.Tally, error) {
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	t, err := star.UnmarshalTally(data)
	if err != nil {
		return nil, fmt.Errorf("counts %s: %w", path, err)
	}
	return t, nil
}

func encodeTally(t star.Tally) ([]byte, error)    { return t.MarshalBinary() }
func decodeTally(data []byte) (star.Tally, error) { return star.UnmarshalTally(data) }

func init() {
	beam.RegisterCoder(reflect.TypeOf(star.Tally{}), encodeTally, decodeTally)
	register.Combiner3[star.Tally, star.Tally, star.Tally](&sumFn{})
	register.DoFn2x1[context.Context, star.Tally, error](&writeTallyFn{})
	register.Emitter1[star.Tally]()
	register.Emitter2[string, star.Tally]()
}
