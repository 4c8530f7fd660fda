package catalog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// allocated returns the bytes fn allocates (the runtime's cumulative count).
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// withFooter returns the Parquet file data with its footer (the thrift
// FileMetaData) changed by edit and written back.
func withFooter(t *testing.T, data []byte, edit func(*format.FileMetaData)) []byte {
	t.Helper()
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	start := len(data) - 8 - n
	var md format.FileMetaData
	if err := thrift.Unmarshal(&thrift.CompactProtocol{}, data[start:len(data)-8], &md); err != nil {
		t.Fatal(err)
	}
	edit(&md)
	foot, err := thrift.Marshal(&thrift.CompactProtocol{}, &md)
	if err != nil {
		t.Fatal(err)
	}
	out := append(bytes.Clone(data[:start]), foot...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(foot)))
	return append(out, "PAR1"...)
}

// parquetAllocBound is the most ReadParquet may allocate for a catalog file
// of n bytes: the rows it can hold (at most one per byte, see ReadParquet)
// as columns, parquet-go's page buffers, and a constant.
func parquetAllocBound(n int) uint64 { return 64<<20 + 2048*uint64(n) }

// TestParquetFooterRowCounts gives a catalog file (1000 rows) footers that
// claim more rows than it holds, in the file and in its row group. The
// reader made room for the claimed rows before reading any (up to 17 GB and
// 15 s for a mutated file of a few kilobytes); it must now fail with an
// error naming the file within a bound set by the file's size.
func TestParquetFooterRowCounts(t *testing.T) {
	rows := testRows(1000, 3, 11)
	var buf bytes.Buffer
	if err := WriteParquet(&buf, rows); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for _, claim := range []int64{1001, 1 << 20, 1 << 26, 1 << 40} {
		for _, where := range []string{"file", "row group", "both"} {
			bad := withFooter(t, good, func(md *format.FileMetaData) {
				if where != "row group" {
					md.NumRows = claim
				}
				if where != "file" {
					md.RowGroups[0].NumRows = claim
				}
			})
			var err error
			n := allocated(func() { _, err = ReadParquet(bytes.NewReader(bad), int64(len(bad)), "shard-7.parquet") })
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "shard-7.parquet") {
				t.Errorf("%s claims %d rows: %v, want ErrFormat naming the file", where, claim, err)
			}
			if bound := parquetAllocBound(len(bad)); n > bound {
				t.Errorf("%s claims %d rows: allocated %d bytes, bound %d", where, claim, n, bound)
			}
		}
	}
}

// TestParquetHostileFooter gives a catalog file a footer whose schema list
// states 2^31-1 elements: parquet-go's thrift decoder made room for them
// first (206 GB, a fatal error no recover catches). It must be ErrFormat
// naming the file.
func TestParquetHostileFooter(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteParquet(&buf, testRows(100, 2, 3)); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	n := int(binary.LittleEndian.Uint32(good[len(good)-8:]))
	start := len(good) - 8 - n
	foot := good[start : len(good)-8]
	i := bytes.IndexByte(foot[:8], 0x19) // FileMetaData field 2, the schema list
	if i < 0 {
		t.Fatal("no schema list at the start of the footer")
	}
	nf := append(append(bytes.Clone(foot[:i+1]), 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07), foot[i+2:]...)
	bad := append(append(bytes.Clone(good[:start]), nf...), 0, 0, 0, 0, 'P', 'A', 'R', '1')
	binary.LittleEndian.PutUint32(bad[len(bad)-8:], uint32(len(nf)))
	var err error
	got := allocated(func() { _, err = ReadParquet(bytes.NewReader(bad), int64(len(bad)), "shard-9.parquet") })
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "shard-9.parquet") {
		t.Errorf("%v, want ErrFormat naming the file", err)
	}
	if bound := parquetAllocBound(len(bad)); got > bound {
		t.Errorf("allocated %d bytes, bound %d", got, bound)
	}
}
