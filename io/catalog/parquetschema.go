package catalog

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// Parquet column kinds, in file order: source_id, nFloat floats,
// iterations, samples, flags, then the quantiles.
const (
	pqIterations = 1 + nFloat
	pqSamples    = pqIterations + 1
	pqFlags      = pqSamples + 1
	pqQ0         = pqFlags + 1
)

var schemas sync.Map // schemaKey -> *parquet.Schema

type schemaKey struct {
	nq   int
	hats bool
}

// schemaOf returns the Parquet schema of a catalog file with nq quantiles.
func schemaOf(nq int) *parquet.Schema { return schemaFor(nq, false) }

// schemaFor returns the Parquet schema of a catalog file with nq quantiles,
// and with hats the column _healpix_29 (INT64) after the others. It is made
// from a Go struct type built at run time, so that the columns keep the file
// order (parquet.Group sorts them by name).
func schemaFor(nq int, hats bool) *parquet.Schema {
	key := schemaKey{nq, hats}
	if s, ok := schemas.Load(key); ok {
		return s.(*parquet.Schema)
	}
	names := Columns(nq)
	if hats {
		// The HATS column goes where the writer puts it: right after flags.
		names = append(append(append([]string(nil), names[:pqQ0]...), HEALPix29Name), names[pqQ0:]...)
	}
	fields := make([]reflect.StructField, len(names))
	for i, n := range names {
		var t reflect.Type
		tag := n
		switch {
		case i == 0:
			t = reflect.TypeFor[int64]()
		case i == pqIterations || i == pqSamples:
			t = reflect.TypeFor[int32]()
		case i == pqFlags:
			t = reflect.TypeFor[uint32]()
		case hats && i == pqQ0:
			t = reflect.TypeFor[int64]()
		default:
			t = reflect.TypeFor[float64]()
			tag += ",optional"
		}
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: t, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	s := parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Elem().Interface())
	s2, _ := schemas.LoadOrStore(key, s)
	return s2.(*parquet.Schema)
}
