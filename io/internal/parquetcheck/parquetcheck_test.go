package parquetcheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

type row struct {
	ID   int64    `parquet:"id"`
	X    *float64 `parquet:"x,optional"`
	Name string   `parquet:"name,dict"`
	Tags []int32  `parquet:"tags"`
}

func file(t *testing.T, n int, opts ...parquet.WriterOption) []byte {
	t.Helper()
	rows := make([]row, n)
	for i := range rows {
		x := float64(i) / 3
		rows[i] = row{ID: int64(i) * 7919, Name: []string{"a", "bb", "ccc"}[i%3], Tags: []int32{int32(i), 2}}
		if i%4 != 0 {
			rows[i].X = &x
		}
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[row](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoodFiles checks that files written by parquet-go pass every check:
// the footer's thrift (nested lists, key-value metadata, statistics), the
// row counts and the pages of every column chunk.
func TestGoodFiles(t *testing.T) {
	for _, opts := range [][]parquet.WriterOption{
		nil,
		{parquet.Compression(&parquet.Zstd), parquet.MaxRowsPerRowGroup(300), parquet.KeyValueMetadata("k", "v")},
		{parquet.Compression(&parquet.Snappy), parquet.DataPageVersion(1), parquet.PageBufferSize(512), parquet.DataPageStatistics(true)},
		{parquet.Compression(&parquet.Gzip)},
		{parquet.Compression(&parquet.Brotli), parquet.PageBufferSize(1024)},
		{parquet.Compression(&parquet.Lz4Raw), parquet.DataPageVersion(1)},
		{parquet.Compression(&parquet.Lz4Raw), parquet.PageBufferSize(700)},
	} {
		b := file(t, 1000, opts...)
		r := bytes.NewReader(b)
		if err := CheckFooter(r, int64(len(b))); err != nil {
			t.Fatal(err)
		}
		f, err := parquet.OpenFile(r, int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckRows(f, int64(len(b))); err != nil {
			t.Fatal(err)
		}
		for _, rg := range f.Metadata().RowGroups {
			for i, c := range rg.Columns {
				if i == 3 {
					continue // tags: repeated, more values than rows
				}
				if err := CheckChunk(r, int64(len(b)), &c.MetaData, rg.NumRows); err != nil {
					t.Errorf("column %d: %v", i, err)
				}
			}
		}
	}
}

// TestBadFooters cuts and inflates the footer's thrift.
func TestBadFooters(t *testing.T) {
	b := file(t, 10)
	n := int(binary.LittleEndian.Uint32(b[len(b)-8:]))
	foot := b[len(b)-8-n : len(b)-8]
	check := func(foot []byte) error {
		f := append(append(bytes.Clone(b[:len(b)-8-n]), foot...), 0, 0, 0, 0, 'P', 'A', 'R', '1')
		binary.LittleEndian.PutUint32(f[len(f)-8:], uint32(len(foot)))
		return CheckFooter(bytes.NewReader(f), int64(len(f)))
	}
	if err := check(foot); err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < len(foot); cut++ {
		if err := check(foot[:cut]); err == nil {
			t.Errorf("a footer cut to %d of %d bytes passes", cut, len(foot))
		}
	}
	i := bytes.IndexByte(foot[:8], 0x19)
	big := append(append(bytes.Clone(foot[:i+1]), 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07), foot[i+2:]...)
	if err := check(big); err == nil || !strings.Contains(err.Error(), "container of 2147483647 elements") {
		t.Errorf("a list of 2^31-1 elements: %v", err)
	}
	if err := CheckFooter(bytes.NewReader(b[:len(b)-1]), int64(len(b)-1)); err == nil {
		t.Error("a file without its last byte passes")
	}
}

// TestGuard turns a panic into an error and passes errors through.
func TestGuard(t *testing.T) {
	if err := Guard(func() error { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panic: %v", err)
	}
	e := errors.New("e")
	if err := Guard(func() error { return e }); err != e {
		t.Errorf("error: %v", err)
	}
}

// TestCompressedPages changes the first byte of the first data page of the
// id column (snappy: the stated length; zstd, LZ4, brotli: the data) and
// expects CheckChunk to refuse the page before parquet-go decodes it.
func TestCompressedPages(t *testing.T) {
	for _, c := range []parquet.WriterOption{
		parquet.Compression(&parquet.Snappy), parquet.Compression(&parquet.Lz4Raw), parquet.Compression(&parquet.Brotli),
		parquet.Compression(&parquet.Zstd),
	} {
		b := file(t, 1000, c, parquet.DataPageVersion(1))
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		rg := f.Metadata().RowGroups[0]
		md := rg.Columns[0].MetaData
		r := bytes.NewReader(b)
		_, hlen, err := readHeader(r, md.DataPageOffset, md.DataPageOffset+md.TotalCompressedSize)
		if err != nil {
			t.Fatal(err)
		}
		bad := bytes.Clone(b)
		at := md.DataPageOffset + hlen
		if md.Codec == format.Zstd {
			// The frame header descriptor: an 8-byte content size, read
			// from what follows, and the frame's data stay as they are.
			bad[at+4] |= 0xc0
			bad[at+5], bad[at+6], bad[at+7] = 0xff, 0xff, 0xff
		} else {
			bad[at], bad[at+1] = 0xff, 0xff // a snappy length of at least 2^14 more, garbage for the others
		}
		if err := CheckChunk(bytes.NewReader(bad), int64(len(bad)), &md, rg.NumRows); err == nil {
			t.Errorf("%s: a damaged page passes", md.Codec)
		}
	}
}
