package distances

import (
	"bytes"
	"encoding/gob"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Catalog rows and Table 1 accumulators cross shuffles with gob: they hold
// named integer types and fixed arrays that Beam's schema coder does not take.
func encodeRows(r distance.Rows) ([]byte, error) { return gobEncode(&r) }
func decodeRows(b []byte) (distance.Rows, error) {
	var r distance.Rows
	return r, gob.NewDecoder(bytes.NewReader(b)).Decode(&r)
}
func encodeTable1(t distance.Table1) ([]byte, error) { return gobEncode(&t) }
func decodeTable1(b []byte) (distance.Table1, error) {
	var t distance.Table1
	return t, gob.NewDecoder(bytes.NewReader(b)).Decode(&t)
}

func gobEncode(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

func init() {
	beam.RegisterCoder(reflect.TypeOf(distance.Rows{}), encodeRows, decodeRows)
	beam.RegisterCoder(reflect.TypeOf(distance.Table1{}), encodeTable1, decodeTable1)
}

func gobDecode(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }
