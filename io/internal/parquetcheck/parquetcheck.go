// Package parquetcheck guards the reading of Parquet files from outside
// with parquet-go (v0.32), which trusts the sizes it finds in a file and
// panics on some damaged pages. A reader of partitions or catalog shards
// calls CheckRows once on an open file, CheckChunk on every column chunk
// before parquet-go reads it, and makes every call into parquet-go on the
// file's bytes through Guard.
//
// The limits are the readers' documented bound on memory: a file holds at
// most one row per byte (a Gaia or catalog row takes tens of bytes even
// compressed), a flat numeric column one value per row, and a page of n
// values at most 16 bytes a value plus 64 KiB once decompressed (8-byte
// values plus their levels, in any encoding of numbers). parquet-go makes
// buffers of the sizes a page header states before it reads the page (a
// damaged header of a 15 KB file made it allocate 2.8 GB); checked first,
// every buffer is bounded by the file's size.
package parquetcheck

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Guard runs fn, a call into parquet-go on the bytes of a file, and turns a
// panic into an error. parquet-go panics on some damaged pages (its
// decompressors panic on a bad stream, compress.Decompressor.Decode); that
// is the response of the library to bad bytes in one file, so it becomes
// that file's error.
func Guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("parquet-go failed on damaged data: %v", p)
		}
	}()
	return fn()
}

// CheckRows checks the row counts of the footer of f, a file of size bytes:
// every row group and the file hold at most size rows, and the row groups
// add up to the file's count.
func CheckRows(f *parquet.File, size int64) error {
	md := f.Metadata()
	var sum int64
	for i, rg := range md.RowGroups {
		if rg.NumRows < 0 || rg.NumRows > size {
			return fmt.Errorf("row group %d claims %d rows in a file of %d bytes", i, rg.NumRows, size)
		}
		sum += rg.NumRows
	}
	if md.NumRows < 0 || md.NumRows > size || sum != md.NumRows {
		return fmt.Errorf("the footer claims %d rows (row groups: %d) in a file of %d bytes", md.NumRows, sum, size)
	}
	return nil
}

// maxHeader is the largest page header CheckChunk decodes: statistics of a
// numeric column are a few bytes.
const maxHeader = 1 << 20

// CheckChunk checks the page headers of a column chunk of a flat numeric
// column (md, from the footer) of a row group of rows rows, in r, a file of
// size bytes, before parquet-go reads it: the chunk lies in the file, each
// page in the chunk, no page claims more values than rows or more
// decompressed bytes than 16 a value plus 64 KiB, and no compressed page
// decodes to more than its header says (see checkCompressed). It walks the
// pages as parquet-go does, from the dictionary page (if any) to the end of
// the chunk, reading the headers (and the start, or for some codecs all, of
// each compressed page).
func CheckChunk(r io.ReaderAt, size int64, md *format.ColumnMetaData, rows int64) error {
	start := md.DataPageOffset
	if md.DictionaryPageOffset != 0 {
		start = md.DictionaryPageOffset
	}
	end := start + md.TotalCompressedSize
	if start < 0 || md.TotalCompressedSize < 0 || end < start || end > size {
		return fmt.Errorf("column chunk of %d bytes at %d is outside the file (%d bytes)", md.TotalCompressedSize, start, size)
	}
	if md.NumValues < 0 || md.NumValues > rows {
		return fmt.Errorf("column chunk claims %d values for %d rows", md.NumValues, rows)
	}
	for pos := start; pos < end; {
		h, hlen, err := readHeader(r, pos, end)
		if err != nil {
			return fmt.Errorf("page header at %d: %w", pos, err)
		}
		if h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > end-pos-hlen {
			return fmt.Errorf("page of %d bytes at %d runs past its column chunk (%d bytes left)", h.CompressedPageSize, pos, end-pos-hlen)
		}
		var n int64
		switch {
		case h.DataPageHeader.Valid:
			n = int64(h.DataPageHeader.V.NumValues)
		case h.DataPageHeaderV2.Valid:
			n = int64(h.DataPageHeaderV2.V.NumValues)
		case h.DictionaryPageHeader.Valid:
			n = int64(h.DictionaryPageHeader.V.NumValues)
		}
		if n < 0 || n > rows {
			return fmt.Errorf("page at %d claims %d values for %d rows", pos, n, rows)
		}
		if u := int64(h.UncompressedPageSize); u < 0 || u > 16*n+64<<10 {
			return fmt.Errorf("page at %d claims %d bytes for %d values", pos, u, n)
		}
		if err := checkCompressed(r, md.Codec, h, pos+hlen); err != nil {
			return fmt.Errorf("page at %d: %w", pos, err)
		}
		pos += hlen + int64(h.CompressedPageSize)
	}
	return nil
}

// readHeader decodes the page header at pos, reading a window that grows
// until the header fits (up to maxHeader or the end of the chunk).
func readHeader(r io.ReaderAt, pos, end int64) (*format.PageHeader, int64, error) {
	for window := int64(4 << 10); ; window *= 8 {
		n := min(window, end-pos)
		b := make([]byte, n)
		if _, err := r.ReadAt(b, pos); err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
		pr := (&thrift.CompactProtocol{}).NewReaderFromBytes(b)
		h := new(format.PageHeader)
		err := thrift.NewDecoder(pr).Decode(h)
		if err == nil {
			return h, int64(pr.BytesRead()), nil
		}
		if n == end-pos || n >= maxHeader {
			return nil, 0, err
		}
	}
}
