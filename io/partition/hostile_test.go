package partition

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// dr2Star is a Parquet row of the columns of the DR2 fixture the reader uses,
// nullable where the archive's are.
type dr2Star struct {
	SourceID int64    `parquet:"source_id"`
	RA       float64  `parquet:"ra"`
	Dec      float64  `parquet:"dec"`
	Parallax *float64 `parquet:"parallax,optional"`
	PMRA     *float64 `parquet:"pmra,optional"`
	PMDec    *float64 `parquet:"pmdec,optional"`
	G        *float32 `parquet:"phot_g_mean_mag,optional"`
	BP       *float32 `parquet:"phot_bp_mean_mag,optional"`
	RP       *float32 `parquet:"phot_rp_mean_mag,optional"`
	NGood    int32    `parquet:"astrometric_n_good_obs_al"`
}

// dr2Stars returns the first n stars of the real DR2 fixture (all if n <= 0).
func dr2Stars(t testing.TB, n int) []dr2Star {
	t.Helper()
	data := readTestFile(t, dr2File)
	var out []dr2Star
	opt64 := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	opt32 := func(v float64) *float32 {
		if math.IsNaN(v) {
			return nil
		}
		f := float32(v)
		return &f
	}
	_, err := Read(bytes.NewReader(data), dr2File, Options{}, func(b *star.Block) error {
		for i := range b.Len() {
			r := b.Row(i)
			out = append(out, dr2Star{SourceID: r.SourceID, RA: r.RA, Dec: r.Dec, Parallax: opt64(r.Parallax),
				PMRA: opt64(r.PMRA), PMDec: opt64(r.PMDec), G: opt32(r.G), BP: opt32(r.BP), RP: opt32(r.RP),
				NGood: int32(r.NGoodObsAL)})
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 && n < len(out) {
		out = out[:n]
	}
	return out
}

// dr2Parquet writes stars as a Parquet file with the options given.
func dr2Parquet(t testing.TB, stars []dr2Star, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[dr2Star](&buf, opts...)
	if _, err := w.Write(stars); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// libraryPanics reports whether parquet-go itself panics reading every value
// of every column of data.
func libraryPanics(data []byte) (panicked bool) {
	defer func() {
		if recover() != nil {
			panicked = true
		}
	}()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	vals := make([]parquet.Value, 256)
	for _, rg := range f.RowGroups() {
		for _, c := range rg.ColumnChunks() {
			r := parquet.NewColumnChunkValueReader(c)
			for {
				if _, err := r.ReadValues(vals); err != nil {
					break
				}
			}
			r.Close()
		}
	}
	return false
}

// TestParquetDamagedPageHeader damages, one byte at a time, the header of
// the first data page of the parallax column in a gzip-compressed Parquet
// file of real DR2 stars. parquet-go panics on some of these files (its
// gzip decompressor panics on a bad stream, which a wrong level length
// in the page header produces); the reader must return an error wrapping
// ErrCorrupt that names the file, or good data, and never panic.
func TestParquetDamagedPageHeader(t *testing.T) {
	good := dr2Parquet(t, dr2Stars(t, 0), parquet.Compression(&parquet.Gzip), parquet.PageBufferSize(4096))
	f, err := parquet.OpenFile(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, c := range f.Root().Columns() {
		if c.Name() == "parallax" {
			col = i
		}
	}
	off := f.Metadata().RowGroups[0].Columns[col].MetaData.DataPageOffset
	pr := (&thrift.CompactProtocol{}).NewReaderFromBytes(good[off:])
	var ph format.PageHeader
	if err := thrift.NewDecoder(pr).Decode(&ph); err != nil {
		t.Fatal(err)
	}
	hlen := int64(pr.BytesRead())
	t.Logf("page header of %d bytes at %d: %+v", hlen, off, ph.DataPageHeaderV2)

	const name = "Norder=3/Dir=0/Npix=42.parquet"
	panics, errs := 0, 0
	for i := off; i < off+hlen; i++ {
		for _, v := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff, good[i] ^ 0x01, good[i] ^ 0x10} {
			bad := bytes.Clone(good)
			bad[i] = v
			if libraryPanics(bad) {
				panics++
			}
			var got int64
			c, err := ReadParquet(bytes.NewReader(bad), int64(len(bad)), name, Options{},
				func(b *star.Block) error { got += int64(b.Len()); return nil }, nil)
			if err != nil {
				errs++
				if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), name) {
					t.Errorf("byte %d = %#x: error %v, want ErrCorrupt naming the file", i, v, err)
				}
				continue
			}
			if c.Rows != c.Stars+c.Rejected || c.Stars != got {
				t.Errorf("byte %d = %#x: counts %+v, %d stars emitted", i, v, c, got)
			}
		}
	}
	t.Logf("%d damaged headers: parquet-go panics on %d, the reader returns %d errors", 7*hlen, panics, errs)
	if panics == 0 {
		t.Log("parquet-go no longer panics on these files; the test still checks the errors")
	}
}

// TestGzipTrailingZeros reads the real gzipped M67 partition with zero
// bytes after its gzip member, as tape and some copy tools leave them: GNU
// gzip accepts such a file ("decompression OK, trailing zero bytes
// ignored"), so the reader must read it as the original. Bytes other than
// zeros after the last member are still refused as corrupt.
func TestGzipTrailingZeros(t *testing.T) {
	good := readTestFile(t, m67File)
	want := readBytes(t, good, "m67.csv.gz", Options{})
	if want.err != nil || want.counts.Stars != 1494 {
		t.Fatalf("original: %+v %v", want.counts, want.err)
	}
	for _, n := range []int{1, 7, 512, 70000} {
		padded := append(bytes.Clone(good), make([]byte, n)...)
		got := readBytes(t, padded, "m67.csv.gz", Options{})
		if got.err != nil || got.counts != want.counts {
			t.Errorf("%d zero bytes after the gzip member: %+v, %v; want %+v", n, got.counts, got.err, want.counts)
		}
	}
	for _, tail := range [][]byte{[]byte("garbage"), {0, 0, 0, 1}, {0x1f}} {
		bad := append(bytes.Clone(good), tail...)
		got := readBytes(t, bad, "m67.csv.gz", Options{})
		if !errors.Is(got.err, ErrCorrupt) || !strings.Contains(got.err.Error(), "m67.csv.gz") {
			t.Errorf("%q after the gzip member: %v, want ErrCorrupt naming the file", tail, got.err)
		}
	}
	// Concatenated members are still one stream.
	half := gzipBytes(t, gunzip(t, good)[:100000])
	rest := gzipBytes(t, gunzip(t, good)[100000:])
	two := append(append(bytes.Clone(half), rest...), make([]byte, 64)...)
	if got := readBytes(t, two, "two.csv.gz", Options{}); got.err != nil || got.counts != want.counts {
		t.Errorf("two members and zeros: %+v, %v", got.counts, got.err)
	}
}

// allocated returns the bytes fn allocates (the runtime's cumulative count).
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// withPageHeader returns the Parquet file data with the header of the first
// data page of column col changed by edit (and re-encoded, so that its length
// may change: the page that follows is kept).
func withPageHeader(t *testing.T, data []byte, col string, edit func(*format.PageHeader)) []byte {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var off int64 = -1
	for i, c := range f.Root().Columns() {
		if c.Name() == col {
			off = f.Metadata().RowGroups[0].Columns[i].MetaData.DataPageOffset
		}
	}
	pr := (&thrift.CompactProtocol{}).NewReaderFromBytes(data[off:])
	var h format.PageHeader
	if err := thrift.NewDecoder(pr).Decode(&h); err != nil {
		t.Fatal(err)
	}
	edit(&h)
	nb, err := thrift.Marshal(&thrift.CompactProtocol{}, &h)
	if err != nil {
		t.Fatal(err)
	}
	return append(append(bytes.Clone(data[:off]), nb...), data[off+int64(pr.BytesRead()):]...)
}

// TestParquetHostileSizes gives a Parquet file of real DR2 stars sizes it
// cannot hold, where parquet-go trusts them. A page header stating a page
// of 2^31-1 bytes made parquet-go allocate 2.8 GB for a 15 KB file before
// reading the page; a footer whose schema list states 2^31-1 elements made
// it ask for 206 GB (fatal error: out of memory, which no recover catches).
// Each must be ErrCorrupt naming the file, within a bound of allocation set
// by the file's size.
func TestParquetHostileSizes(t *testing.T) {
	good := dr2Parquet(t, dr2Stars(t, 50), parquet.Compression(&parquet.Snappy))
	const max32 = 1<<31 - 1
	cases := map[string][]byte{
		"page of 2^31 bytes":       withPageHeader(t, good, "ra", func(h *format.PageHeader) { h.CompressedPageSize = max32 }),
		"page of 2^31 bytes (raw)": withPageHeader(t, good, "ra", func(h *format.PageHeader) { h.UncompressedPageSize = max32 }),
		"page of 2^31 values": withPageHeader(t, good, "parallax", func(h *format.PageHeader) {
			h.DataPageHeaderV2.V.NumValues, h.DataPageHeaderV2.V.NumRows = max32, max32
		}),
	}
	// The footer's schema list (field 2 of FileMetaData, the first byte 0x19
	// of the footer after the version) with the long form of its size:
	// 2^31-1 elements.
	n := int(binary.LittleEndian.Uint32(good[len(good)-8:]))
	start := len(good) - 8 - n
	foot := good[start : len(good)-8]
	i := bytes.IndexByte(foot[:8], 0x19)
	if i < 0 {
		t.Fatal("no schema list at the start of the footer")
	}
	nf := append(append(bytes.Clone(foot[:i+1]), 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07), foot[i+2:]...)
	bad := append(append(bytes.Clone(good[:start]), nf...), 0, 0, 0, 0, 'P', 'A', 'R', '1')
	binary.LittleEndian.PutUint32(bad[len(bad)-8:], uint32(len(nf)))
	cases["schema of 2^31 columns"] = bad

	const name = "Norder=2/Dir=0/Npix=7.parquet"
	for what, data := range cases {
		var err error
		got := allocated(func() {
			_, err = ReadParquet(bytes.NewReader(data), int64(len(data)), name, Options{}, func(*star.Block) error { return nil }, nil)
		})
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want ErrCorrupt naming the file", what, err)
		}
		if bound := parquetAllocBound(len(data)); got > bound {
			t.Errorf("%s: allocated %d bytes, bound %d", what, got, bound)
		}
	}
}
