package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

func TestParquetRoundTrip(t *testing.T) {
	for _, c := range []struct{ n, nq int }{{0, 0}, {1, 0}, {500, 0}, {500, 100}, {RowGroupRows + 1234, 3}} {
		want := testRows(c.n, c.nq, uint64(c.n))
		var buf bytes.Buffer
		if err := WriteParquet(&buf, want); err != nil {
			t.Fatal(err)
		}
		got, err := ReadParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "shard.parquet")
		if err != nil {
			t.Fatalf("%d rows of %d quantiles: %v", c.n, c.nq, err)
		}
		checkSame(t, got, want)
		checkPositions(t, bytes.NewReader(buf.Bytes()), int64(buf.Len()), want)
	}
}

// checkPositions reads the file of want's rows with ReadParquetPositions:
// source_id, ra and dec as written, bit for bit, and no other column.
func checkPositions(t *testing.T, r io.ReaderAt, size int64, want *distance.Rows) {
	t.Helper()
	got, err := ReadParquetPositions(r, size, "shard.parquet")
	if err != nil {
		t.Fatalf("positions of %d rows: %v", want.Len(), err)
	}
	if !slices.Equal(got.SourceID, want.SourceID) || got.Len() != want.Len() || len(got.RA) != want.Len() || len(got.Dec) != want.Len() {
		t.Fatalf("positions: %d source_ids, %d ra, %d dec, want %d", got.Len(), len(got.RA), len(got.Dec), want.Len())
	}
	for i := range want.Len() {
		if math.Float64bits(got.RA[i]) != math.Float64bits(want.RA[i]) || math.Float64bits(got.Dec[i]) != math.Float64bits(want.Dec[i]) {
			t.Fatalf("row %d: (%v, %v), want (%v, %v)", i, got.RA[i], got.Dec[i], want.RA[i], want.Dec[i])
		}
	}
	if len(got.DistQ50) != 0 || len(got.Flags) != 0 || len(got.Quantiles) != 0 || got.NQuantiles != 0 {
		t.Errorf("positions read other columns: %d q50, %d flags, %d quantiles", len(got.DistQ50), len(got.Flags), len(got.Quantiles))
	}
}

// TestParquetFile checks the file with parquet-go's own reader: column
// order, types, row groups and metadata.
func TestParquetFile(t *testing.T) {
	a, b := testRows(RowGroupRows-10, 2, 5), testRows(30, 2, 6)
	var buf bytes.Buffer
	w := NewParquetWriter(&buf)
	for _, r := range []*distance.Rows{a, b} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(testRows(1, 0, 7)); err == nil {
		t.Errorf("a block of 0 quantiles in a file of 2 was accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range f.Root().Columns() {
		names = append(names, c.Name())
	}
	if got, want := strings.Join(names, ","), strings.Join(Columns(2), ","); got != want {
		t.Errorf("columns\n%s\nwant\n%s", got, want)
	}
	if g := len(f.RowGroups()); g != 2 || f.RowGroups()[0].NumRows() != RowGroupRows {
		t.Errorf("%d row groups, the first of %d rows; want 2, %d", g, f.RowGroups()[0].NumRows(), RowGroupRows)
	}
	if v, _ := f.Lookup("gaiaflow.flags"); !strings.HasPrefix(v, "not_converged,off_cmd,") {
		t.Errorf("gaiaflow.flags = %q", v)
	}
	var cols []Column
	if v, _ := f.Lookup("gaiaflow.columns"); json.Unmarshal([]byte(v), &cols) != nil || len(cols) != len(names) ||
		cols[0].Name != "source_id" || cols[8].Name != "dist_q50" || cols[8].Unit != "pc" || cols[8].BailerJones != "r_med_photogeo" {
		t.Errorf("gaiaflow.columns = %q", v)
	}
	if c := f.Root().Column("flags"); c.Type().String() != "INT(32,false)" {
		t.Errorf("flags column type %v, want INT(32,false)", c.Type())
	}
	if c := f.Root().Column("ra"); !c.Optional() {
		t.Errorf("ra is not optional")
	}
	got, err := ReadParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "x")
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, got, concat(a, b))
}

func TestParquetTruncated(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteParquet(&buf, testRows(3000, 10, 8)); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	for _, cut := range []int{0, 3, 100, len(full) / 2, len(full) - 8, len(full) - 1} {
		_, err := ReadParquet(bytes.NewReader(full[:cut]), int64(cut), "gs://bucket/cat/part-00007.parquet")
		if err == nil {
			t.Errorf("cut at %d of %d: no error", cut, len(full))
			continue
		}
		if !strings.Contains(err.Error(), "gs://bucket/cat/part-00007.parquet") || !errors.Is(err, ErrFormat) {
			t.Errorf("cut at %d: error %q does not name the file or wrap ErrFormat", cut, err)
		}
	}
	// A page corrupted inside a well-formed file is found too.
	bad := append([]byte(nil), full...)
	for i := 200; i < 400; i++ {
		bad[i] ^= 0x5a
	}
	if _, err := ReadParquet(bytes.NewReader(bad), int64(len(bad)), "bad.parquet"); err == nil || !strings.Contains(err.Error(), "bad.parquet") {
		t.Errorf("corrupt page: error %v", err)
	}
}

func TestParquetWrongType(t *testing.T) {
	type row struct {
		SourceID int64   `parquet:"source_id"`
		RA       float32 `parquet:"ra"`
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []row{{1, 2}}); err != nil {
		t.Fatal(err)
	}
	_, err := ReadParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "other.parquet")
	if err == nil || !strings.Contains(err.Error(), "other.parquet") || !errors.Is(err, ErrFormat) {
		t.Errorf("error %v", err)
	}
}
