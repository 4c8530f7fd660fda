package distances

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/transforms/internal/gobcoder"
)

// Catalog rows, Table 1 accumulators and CMD histograms cross shuffles with
// gob: they hold named integer types and fixed arrays that Beam's schema
// coder does not take.
func encodeRows(r distance.Rows) ([]byte, error) { return gobcoder.Marshal(&r) }
func decodeRows(b []byte) (r distance.Rows, err error) {
	return r, gobcoder.Unmarshal(b, &r)
}
func encodeTable1(t distance.Table1) ([]byte, error) { return gobcoder.Marshal(&t) }
func decodeTable1(b []byte) (t distance.Table1, err error) {
	return t, gobcoder.Unmarshal(b, &t)
}
func encodeCMDHists(h distance.CMDHists) ([]byte, error) { return gobcoder.Marshal(&h) }
func decodeCMDHists(b []byte) (h distance.CMDHists, err error) {
	return h, gobcoder.Unmarshal(b, &h)
}

func init() {
	beam.RegisterCoder(reflect.TypeOf(distance.Rows{}), encodeRows, decodeRows)
	beam.RegisterCoder(reflect.TypeOf(distance.Table1{}), encodeTable1, decodeTable1)
	beam.RegisterCoder(reflect.TypeOf(distance.CMDHists{}), encodeCMDHists, decodeCMDHists)
}
