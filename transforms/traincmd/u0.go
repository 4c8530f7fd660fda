package traincmd

import (
	"bytes"
	"encoding/gob"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
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

func (*u0Fn) ExtractOutput(a distance.U0Builder) (distance.U0, error) {
	u, err := a.Table(20)
	if err != nil {
		return distance.U0{}, err
	}
	return *u, nil
}

func gobCoder[T any]() (func(T) ([]byte, error), func([]byte) (T, error)) {
	return func(v T) ([]byte, error) {
			var buf bytes.Buffer
			err := gob.NewEncoder(&buf).Encode(&v)
			return buf.Bytes(), err
		}, func(b []byte) (T, error) {
			var v T
			err := gob.NewDecoder(bytes.NewReader(b)).Decode(&v)
			return v, err
		}
}

func init() {
	enc, dec := gobCoder[distance.U0Builder]()
	beam.RegisterCoder(reflect.TypeOf(distance.U0Builder{}), enc, dec)
	enc2, dec2 := gobCoder[distance.U0]()
	beam.RegisterCoder(reflect.TypeOf(distance.U0{}), enc2, dec2)
	register.Combiner3[distance.U0Builder, star.Block, distance.U0](&u0Fn{})
}
