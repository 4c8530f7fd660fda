package distances

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Table1PerPartition combines the catalog rows of each partition
// (PCollection<KV<string, distance.Rows>>) into the accumulator of paper
// 000's Table 1 (PCollection<KV<string, distance.Table1>>). Accumulators
// merge, so a catalog's Table 1 is the merge of its partitions', however
// many runs made them.
func Table1PerPartition(s beam.Scope, rows beam.PCollection) beam.PCollection {
	s = s.Scope("distances.Table1")
	return beam.CombinePerKey(s, &table1Fn{}, rows)
}

type table1Fn struct{}

func (*table1Fn) CreateAccumulator() distance.Table1 { return distance.Table1{} }

func (*table1Fn) AddInput(a distance.Table1, r distance.Rows) distance.Table1 {
	a.AddRows(&r)
	return a
}

func (*table1Fn) MergeAccumulators(a, b distance.Table1) distance.Table1 {
	a.Merge(&b)
	return a
}

func (*table1Fn) ExtractOutput(a distance.Table1) distance.Table1 { return a }

func init() {
	register.Combiner3[distance.Table1, distance.Rows, distance.Table1](&table1Fn{})
}
