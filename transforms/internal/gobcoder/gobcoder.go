// Package gobcoder holds the gob encoding that Beam coders of element types
// the schema coder does not take (named integer types, fixed arrays, nested
// structs of slices) share. Beam finds a coder's functions by their symbol
// names, so each type needs its own named encode and decode functions
// (generic ones share one name); they call these.
package gobcoder

import (
	"bytes"
	"encoding/gob"
)

// Marshal gob-encodes v.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// Unmarshal decodes b into v, a pointer.
func Unmarshal(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }
