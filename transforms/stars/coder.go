package stars

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Blocks cross shuffles in their own compact binary form: the generic row
// coder would describe 21 columns field by field for every element.
func encodeBlock(b star.Block) ([]byte, error) { return b.MarshalBinary() }

func decodeBlock(data []byte) (star.Block, error) {
	var b star.Block
	err := b.UnmarshalBinary(data)
	return b, err
}

func init() {
	beam.RegisterCoder(reflect.TypeOf(star.Block{}), encodeBlock, decodeBlock)
	beam.RegisterType(reflect.TypeOf(partition.Reject{}))
	register.Emitter1[star.Block]()
	register.Emitter1[partition.Reject]()
	register.Emitter1[string]()
}
