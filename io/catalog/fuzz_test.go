package catalog

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// validRows reports what makes r not a block of catalog rows: columns of
// different lengths, or quantiles other than NQuantiles per row.
func validRows(r *distance.Rows) error {
	n := r.Len()
	for i, c := range floatCols(r) {
		if len(*c) != n {
			return fmt.Errorf("column %s has %d rows, source_id %d", floatNames[i], len(*c), n)
		}
	}
	if len(r.Iterations) != n || len(r.Samples) != n || len(r.Flags) != n {
		return fmt.Errorf("iterations, samples or flags of %d, %d, %d rows, source_id %d", len(r.Iterations), len(r.Samples), len(r.Flags), n)
	}
	if r.NQuantiles < 0 || len(r.Quantiles) != n*r.NQuantiles {
		return fmt.Errorf("%d quantiles for %d rows of %d", len(r.Quantiles), n, r.NQuantiles)
	}
	return nil
}

// csvAllocBound is the most ReadCSV may allocate for a file whose text has
// n bytes: two 64 KiB buffers, a line longer than them copied whole, the
// fields of a line, and the rows (a row of 20 columns takes at least 20
// bytes of text, 8 bytes a value in memory, and slices grow by doubling).
func csvAllocBound(n int) uint64 { return 1<<20 + 128*uint64(n) }

// FuzzCSV reads arbitrary bytes as a CSV catalog shard (gzipped or plain),
// seeded with shards of test rows with and without quantiles, the awkward
// values (NaN, infinities, -0, extremes) included. Properties: no panic; an
// error wraps ErrFormat and names the file; rows returned are consistent
// (validRows) and come back bit for bit through WriteCSV and ReadCSV;
// allocation within csvAllocBound of the text.
func FuzzCSV(f *testing.F) {
	for _, c := range []struct{ n, nq int }{{3, 0}, {14, 0}, {2, 3}} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, testRows(c.n, c.nq, uint64(c.n))); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		plain := gunzipAll(f, buf.Bytes())
		f.Add(plain)
	}
	const name = "shard-00003.csv.gz"
	f.Fuzz(func(t *testing.T, data []byte) {
		text := data
		if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
			text = gunzipPrefix(data)
		}
		var rows *distance.Rows
		var err error
		if n, bound := allocated(func() { rows, err = ReadCSV(bytes.NewReader(data), name) }), csvAllocBound(max(len(text), len(data))); n > bound {
			t.Fatalf("a file of %d bytes (%d of text) made ReadCSV allocate %d bytes (bound %d)", len(data), len(text), n, bound)
		}
		if err != nil {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %v: want ErrFormat naming %s", err, name)
			}
			return
		}
		if err := validRows(rows); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, rows); err != nil {
			t.Fatalf("rows read do not write: %v", err)
		}
		again, err := ReadCSV(&buf, "again")
		if err != nil {
			t.Fatalf("rows read, written again, do not read: %v", err)
		}
		checkSame(t, again, rows)
	})
}

// FuzzParquet reads arbitrary bytes as a Parquet catalog shard, seeded with
// shards of test rows (zstd pages, one and two row groups, with and without
// quantiles). Properties: no panic (a parquet-go panic is an error); an
// error wraps ErrFormat and names the file; rows returned are consistent
// and come back bit for bit through WriteParquet and ReadParquet;
// allocation within parquetAllocBound.
func FuzzParquet(f *testing.F) {
	for _, c := range []struct{ n, nq int }{{3, 0}, {20, 2}, {1, 1}} {
		var buf bytes.Buffer
		if err := WriteParquet(&buf, testRows(c.n, c.nq, uint64(c.n))); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	const name = "shard-00003.parquet"
	f.Fuzz(func(t *testing.T, data []byte) {
		var rows *distance.Rows
		var err error
		if n, bound := allocated(func() { rows, err = ReadParquet(bytes.NewReader(data), int64(len(data)), name) }), parquetAllocBound(len(data)); n > bound {
			t.Fatalf("a file of %d bytes made ReadParquet allocate %d bytes (bound %d)", len(data), n, bound)
		}
		if err != nil {
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %v: want ErrFormat naming %s", err, name)
			}
			return
		}
		if err := validRows(rows); err != nil {
			t.Fatal(err)
		}
		// What reads whole reads in part: the positions alone.
		checkPositions(t, bytes.NewReader(data), int64(len(data)), rows)
		var buf bytes.Buffer
		if err := WriteParquet(&buf, rows); err != nil {
			t.Fatalf("rows read do not write: %v", err)
		}
		again, err := ReadParquet(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "again")
		if err != nil {
			t.Fatalf("rows read, written again, do not read: %v", err)
		}
		checkSame(t, again, rows)
	})
}

// gunzipAll decompresses data with the standard library's gzip.
func gunzipAll(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gunzipPrefix returns what the standard library's gzip decompresses from
// data before any error, at most 64 MiB.
func gunzipPrefix(data []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(zr, 64<<20))
	return b
}
