package traincmd

import (
	"context"
	"github.com/gaiaflow/gaiaflow/transforms/internal/gobcoder"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// U0FromData computes u0(G, BP-RP), the 41st percentile of the unit weight
// error in cells of G and colour (Lindegren et al. 2018), from every star
// of blocks (PCollection<star.Block>), for data without a ruwe column
// (DR2). It returns a singleton PCollection<distance.U0>.
func U0FromData(s beam.Scope, blocks beam.PCollection) beam.PCollection {
	s = s.Scope("traincmd.U0FromData")
	return beam.Combine(s, &u0Fn{}, blocks)
}

type u0Fn struct{}

func (*u0Fn) CreateAccumulator() distance.U0Builder {
	return *distance.NewU0Builder(distance.U0{})
}

func (*u0Fn) AddInput(a distance.U0Builder, b star.Block) distance.U0Builder {
	a.AddBlock(&b)
	return a
}

func (*u0Fn) MergeAccumulators(a, b distance.U0Builder) distance.U0Builder {
	a.Merge(&b)
	return a
}

// ExtractOutput returns the table, or an empty one (no RUWE computed, stars
// without a ruwe column then count under no_ruwe) when too few stars have
// the astrometric columns to fill it.
func (*u0Fn) ExtractOutput(a distance.U0Builder) distance.U0 {
	u, err := a.Table(20)
	if err != nil {
		log.Warnf(context.Background(), "traincmd: no u0 table from the data (%v): RUWE only from a ruwe column", err)
		return distance.U0{}
	}
	return *u
}

// Each type has its own named coder functions: Beam finds them by name, and
// the instances of one generic closure would share a name.
func encodeU0Builder(v distance.U0Builder) ([]byte, error) { return gobcoder.Marshal(&v) }
func decodeU0Builder(b []byte) (v distance.U0Builder, err error) {
	return v, gobcoder.Unmarshal(b, &v)
}
func encodeU0(v distance.U0) ([]byte, error) { return gobcoder.Marshal(&v) }
func decodeU0(b []byte) (v distance.U0, err error) {
	return v, gobcoder.Unmarshal(b, &v)
}

func init() {
	beam.RegisterCoder(reflect.TypeOf(distance.U0Builder{}), encodeU0Builder, decodeU0Builder)
	beam.RegisterCoder(reflect.TypeOf(distance.U0{}), encodeU0, decodeU0)
	register.Combiner3[distance.U0Builder, star.Block, distance.U0](&u0Fn{})
}
