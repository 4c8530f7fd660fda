package parquetcheck

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/andybalholm/brotli"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
)

// checkCompressed checks the compressed data of the page with header h,
// whose data begin at off in r, against the decoded size the header states,
// which parquet-go sizes its buffer with. parquet-go's codecs trust the
// data instead:
//   - snappy makes a buffer of the length the stream states (a mutated
//     page of 3 KB asked for 240 MB): the stated length is read and checked;
//   - zstd makes one of the content size a frame header states: the first
//     frame's header is read and checked;
//   - LZ4_RAW doubles its buffer, without end, while a block does not
//     decode (a damaged block never does), and brotli decodes without a
//     limit: their pages are decoded here first, into a buffer of the
//     stated size;
//   - gzip decodes without a limit too, but deflate expands at most 1032
//     times, so its buffer stays within that factor of the file's size.
func checkCompressed(r io.ReaderAt, codec format.CompressionCodec, h *format.PageHeader, off int64) error {
	if codec == format.Uncompressed || codec == format.Gzip {
		return nil
	}
	start, n := off, int64(h.CompressedPageSize)
	want := int64(h.UncompressedPageSize)
	if v := h.DataPageHeaderV2; v.Valid {
		// Version 2: the levels come first, never compressed.
		levels := int64(v.V.RepetitionLevelsByteLength) + int64(v.V.DefinitionLevelsByteLength)
		if levels > n || levels > want {
			return fmt.Errorf("levels of %d bytes in a page of %d (%d decoded)", levels, n, want)
		}
		if v.V.IsCompressed.Valid && !v.V.IsCompressed.V {
			return nil
		}
		start, n, want = start+levels, n-levels, want-levels
	}
	if n == 0 {
		return nil
	}
	switch codec {
	case format.Snappy:
		var b [binary.MaxVarintLen64]byte
		k := min(n, int64(len(b)))
		if _, err := r.ReadAt(b[:k], start); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		stated, m := binary.Uvarint(b[:k])
		if m <= 0 || stated > uint64(want) {
			return fmt.Errorf("snappy data stating %d bytes for a page of %d", stated, want)
		}
	case format.Zstd:
		var b [18]byte // magic, descriptor, window, dictionary id, content size
		k := min(n, int64(len(b)))
		if _, err := r.ReadAt(b[:k], start); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if fcs, ok := zstdContentSize(b[:k]); ok && fcs > uint64(want) {
			return fmt.Errorf("zstd frame stating %d bytes for a page of %d", fcs, want)
		}
	case format.Lz4Raw, format.Brotli:
		src := make([]byte, n)
		if _, err := r.ReadAt(src, start); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		dst := make([]byte, want)
		if codec == format.Lz4Raw {
			if m, err := lz4.UncompressBlock(src, dst); err != nil || int64(m) != want {
				return fmt.Errorf("LZ4 data that do not decode to the %d bytes stated (%d, %v)", want, m, err)
			}
			return nil
		}
		m, err := io.ReadFull(brotli.NewReader(bytes.NewReader(src)), dst)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) || int64(m) != want {
			return fmt.Errorf("brotli data that do not decode to the %d bytes stated (%d, %v)", want, m, err)
		}
	}
	return nil
}

// zstdContentSize returns the content size a zstd frame header states, if
// it states one (RFC 8878, 3.1.1.1).
func zstdContentSize(b []byte) (uint64, bool) {
	if len(b) < 5 || binary.LittleEndian.Uint32(b) != 0xFD2FB528 {
		return 0, false
	}
	fhd := b[4]
	single := fhd&0x20 != 0
	p := 5
	if !single {
		p++ // window descriptor
	}
	p += [4]int{0, 1, 2, 4}[fhd&3] // dictionary id
	size := [4]int{0, 2, 4, 8}[fhd>>6]
	if fhd>>6 == 0 && single {
		size = 1
	}
	if size == 0 || p+size > len(b) {
		return 0, false
	}
	var v uint64
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[p+i])
	}
	if size == 2 {
		v += 256
	}
	return v, true
}
