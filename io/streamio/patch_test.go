package streamio

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream/anode/anodetest"
)

func TestPatchRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 40000} {
		p := anodetest.UniformPatch(n, uint64(n))
		if n > 0 {
			p.BPRP[0] = math.NaN() // a star without a colour (astrometric features)
		}
		var buf bytes.Buffer
		if err := WritePatch(&buf, p); err != nil {
			t.Fatal(err)
		}
		got, err := ReadPatch(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "p.parquet")
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			if !math.IsNaN(got.BPRP[0]) {
				t.Errorf("NaN colour read back as %g", got.BPRP[0])
			}
			got.BPRP[0], p.BPRP[0] = 0, 0
		}
		if got.ID != p.ID || got.Len() != n || (n > 0 && !reflect.DeepEqual(got, p)) {
			t.Errorf("n=%d: round trip differs", n)
		}
	}
	var buf bytes.Buffer
	WritePatch(&buf, anodetest.UniformPatch(100, 2))
	for _, cut := range []int{0, 4, buf.Len() / 2, buf.Len() - 1} {
		if _, err := ReadPatch(bytes.NewReader(buf.Bytes()[:cut]), int64(cut), "cut.parquet"); !errors.Is(err, ErrFormat) {
			t.Errorf("cut to %d bytes: %v", cut, err)
		}
	}
}

// FuzzReadPatch: a staged patch read back (by another worker, perhaps
// after a damaged upload) is an error or a patch whose columns agree and
// that writes back to the same patch.
func FuzzReadPatch(f *testing.F) {
	for _, n := range []int{0, 3, 200} {
		var buf bytes.Buffer
		WritePatch(&buf, anodetest.UniformPatch(n, 7))
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPatch(bytes.NewReader(data), int64(len(data)), "fuzz.parquet")
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error does not wrap ErrFormat: %v", err)
			}
			return
		}
		n := p.Len()
		if len(p.SourceID) != n || len(p.Lambda) != n || len(p.PMPhi) != n || len(p.PMLambda) != n || len(p.BPRP) != n || len(p.G) != n {
			t.Fatal("columns of different lengths")
		}
		if int64(n) > int64(len(data)) {
			t.Fatalf("%d stars from %d bytes", n, len(data))
		}
		var buf bytes.Buffer
		if err := WritePatch(&buf, p); err != nil {
			t.Fatal(err)
		}
		again, err := ReadPatch(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "again.parquet")
		if err != nil || again.Len() != n || again.ID != p.ID {
			t.Fatalf("round trip: %v", err)
		}
	})
}
