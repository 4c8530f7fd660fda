package partition

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// The fuzz targets feed arbitrary bytes to the readers, seeded with the
// partitions of testdata (the start of each, so that an execution is fast
// and mutations land in every part of a row), and check beyond "no panic":
//
//   - every data row is a star or a reject: Counts.Rows == Stars + Rejected,
//     Stars is the number of stars emitted and Rejected the number of
//     rejects reported, on success and on error alike (blocks already
//     emitted stay emitted);
//   - Rows is the number of non-blank lines after the header of the text
//     (plain, or gzipped and decompressed whole by the standard library),
//     counted here independently of the reader's chunking;
//   - every emitted block is valid: at most BlockSize stars, columns of one
//     length, the file's name, a source_id, ra and dec present;
//   - an error wraps ErrMissingColumn, ErrCorrupt or ErrFormat and names
//     the file;
//   - the allocation stays within a bound linear in the text (textAllocBound).
//
// The loops of the readers are bounded by the input: lines by maxLine, reads
// by the stream's end (readChunk and lineReader.fill give up after 100 reads
// without progress), Parquet rows by the values decoded.

// fuzzBlockSize is small, so that the fuzz inputs cross block boundaries.
const fuzzBlockSize = 5

// headLines returns the first n lines of text.
func headLines(text []byte, n int) []byte {
	end := 0
	for i := 0; i < n && end < len(text); i++ {
		k := bytes.IndexByte(text[end:], '\n')
		if k < 0 {
			return text
		}
		end += k + 1
	}
	return text[:end]
}

// plainText returns the text Read sees in data: data itself, or what the
// standard library's gzip decompresses from it, and whether that is the
// whole text (false when gzip stopped at an error, GNU gzip's zero padding
// included).
func plainText(data []byte) (text []byte, whole bool) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data, true
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	text, err = io.ReadAll(io.LimitReader(zr, 64<<20))
	return text, err == nil && len(text) < 64<<20
}

// textAllocBound is the most Read may allocate for a text of n bytes: its
// buffers (a 64 KiB bufio, three 256 KiB chunks, the line buffer that grows
// to the longest line, the gzip window), the blocks of stars (168 bytes of
// columns per star; a star takes at least 6 bytes of text, "1,2,3\n") and
// the rejects' copies of their lines.
func textAllocBound(n int) uint64 { return 8<<20 + 256*uint64(n) }

// dataRows counts the non-blank lines after the header of text, by the
// package's rules: the first line without its byte-order mark, then lines
// that are empty, blank or begin with '#' are skipped up to the header.
func dataRows(text []byte) int64 {
	lines := bytes.Split(text, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1] // the text ends with a line end
	}
	blank := func(l []byte) bool {
		return len(l) == 0 || l[0] <= ' ' && len(bytes.TrimSpace(l)) == 0
	}
	i := 0
	for ; i < len(lines); i++ {
		l := bytes.TrimSuffix(lines[i], []byte("\r"))
		if i == 0 {
			l = bytes.TrimPrefix(l, []byte("\xef\xbb\xbf"))
		}
		if !(len(l) == 0 || l[0] == '#' || blank(l)) {
			break
		}
	}
	var rows int64
	for _, l := range lines[min(i+1, len(lines)):] {
		if !blank(bytes.TrimSuffix(l, []byte("\r"))) {
			rows++
		}
	}
	return rows
}

// checkBlock reports what is wrong with an emitted block.
func checkBlock(t *testing.T, b *star.Block, name string) {
	t.Helper()
	n := b.Len()
	if n < 1 || n > fuzzBlockSize || b.File != name {
		t.Fatalf("block of %d stars (block size %d) named %q", n, fuzzBlockSize, b.File)
	}
	for _, c := range [][]float64{b.RA, b.Dec, b.L, b.B, b.Parallax, b.ParallaxError, b.PMRA, b.PMRAError,
		b.PMDec, b.PMDecError, b.G, b.BP, b.RP, b.BPRP, b.GFluxOverError, b.BPFluxOverError, b.RPFluxOverError,
		b.Chi2AL, b.NGoodObsAL, b.RUWE} {
		if len(c) != n {
			t.Fatalf("a column of %d values in a block of %d stars", len(c), n)
		}
	}
	for i := range n {
		if math.IsNaN(b.RA[i]) || math.IsNaN(b.Dec[i]) {
			t.Fatalf("star %d (source_id %d) without ra or dec", i, b.SourceID[i])
		}
	}
}

// checkRead reads data with read (Read, ReadAny or ReadParquet behind one
// signature) and checks the properties above; text is the plain text for
// the line count, nil when it does not apply.
func checkRead(t *testing.T, data []byte, name string, text []byte, bound uint64,
	read func(emit func(*star.Block) error, reject func(Reject)) (Counts, error)) {
	t.Helper()
	var emitted, rejected int64
	emit := func(b *star.Block) error {
		checkBlock(t, b, name)
		emitted += int64(b.Len())
		return nil
	}
	reject := func(r Reject) {
		if r.File != name || r.Line < 1 || r.Reason == "" {
			t.Fatalf("reject %+v", r)
		}
		rejected++
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	c, err := read(emit, reject)
	runtime.ReadMemStats(&after)
	if c.Rows != c.Stars+c.Rejected || c.Rejected != rejected {
		t.Fatalf("counts %+v with %d rejects reported (error %v)", c, rejected, err)
	}
	if err == nil && c.Stars != emitted || err != nil && emitted > c.Stars {
		t.Fatalf("counts %+v with %d stars emitted (error %v)", c, emitted, err)
	}
	if err != nil {
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrMissingColumn) ||
			!strings.Contains(err.Error(), name) {
			t.Fatalf("error %v: want ErrCorrupt, ErrFormat or ErrMissingColumn naming %s", err, name)
		}
	} else if text != nil {
		if want := dataRows(text); c.Rows != want {
			t.Fatalf("%d rows read, the text has %d data lines", c.Rows, want)
		}
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > bound {
		t.Fatalf("%d bytes in made the reader allocate %d bytes (bound %d)", len(data), n, bound)
	}
}

// fuzzText is the body of the three text targets.
func fuzzText(t *testing.T, data []byte, name string) {
	text, whole := plainText(data)
	bound := textAllocBound(max(len(data), len(text)))
	if !whole {
		text = nil // no line count: the reader may read more than that text
	}
	checkRead(t, data, name, text, bound,
		func(emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
			return Read(bytes.NewReader(data), name, Options{BlockSize: fuzzBlockSize}, emit, reject)
		})
}

// FuzzDR2CSV reads DR2 bulk CSV (GaiaSource_*.csv: a header of 94 columns,
// comma separated), plain and gzipped, seeded with the DR2 fixture.
func FuzzDR2CSV(f *testing.F) {
	text := readTestFile(f, dr2File)
	for _, n := range []int{1, 2, 4} {
		f.Add(headLines(text, n))
	}
	f.Add(gzipBytes(f, headLines(text, 3)))
	f.Add(append(headLines(text, 2), make([]byte, 8)...))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzText(t, data, "GaiaSource_000-000-000.csv") })
}

// FuzzECSV reads EDR3/DR3 ECSV (a '#' YAML header with the delimiter, then
// the column names and rows), seeded with the ECSV fixture.
func FuzzECSV(f *testing.F) {
	text := readTestFile(f, ecsvFile)
	f.Add(text)
	lines := bytes.Count(text, []byte("\n"))
	f.Add(headLines(text, lines-4))
	f.Add(bytes.ReplaceAll(text, []byte("# delimiter: ','"), []byte("# delimiter: ' '")))
	f.Add(gzipBytes(f, text))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzText(t, data, "GaiaSource_000-000-000.ecsv") })
}

// FuzzArchiveCSV reads Gaia archive CSV exports (152 DR3 columns, booleans
// and nulls as the archive writes them), seeded with the M67 export.
func FuzzArchiveCSV(f *testing.F) {
	text := gunzip(f, readTestFile(f, m67File))
	for _, n := range []int{1, 2, 4} {
		f.Add(headLines(text, n))
	}
	head := gzipBytes(f, headLines(text, 3))
	f.Add(head)
	f.Add(append(bytes.Clone(head), 0, 0, 0, 0))
	f.Add(append(bytes.Clone(head), head...))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzText(t, data, "m67-result.csv.gz") })
}

// parquetAllocBound is the most ReadParquet may allocate for a file of n
// bytes (found by fuzzing, well above what the seeds need): parquet-go's
// page buffers and decoded values, the value batches of the used columns
// and the blocks of stars.
func parquetAllocBound(n int) uint64 { return 64<<20 + 2048*uint64(n) }

// FuzzParquet reads Parquet partitions (HATS leaves and flat tables),
// seeded with files of real DR2 stars written by parquet-go with each
// compression, both page versions, dictionaries and nulls, and with the
// HATS-like test rows.
func FuzzParquet(f *testing.F) {
	stars := dr2Stars(f, 12)
	for _, opts := range [][]parquet.WriterOption{
		nil,
		{parquet.Compression(&parquet.Snappy), parquet.PageBufferSize(256)},
		{parquet.Compression(&parquet.Gzip), parquet.DataPageStatistics(true)},
		{parquet.Compression(&parquet.Zstd), parquet.DataPageVersion(1), parquet.MaxRowsPerRowGroup(5)},
	} {
		f.Add(dr2Parquet(f, stars, opts...))
	}
	f.Add(writeParquet(f, pqRows(8), 3))
	const name = "Norder=3/Dir=0/Npix=42.parquet"
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, data, name, nil, parquetAllocBound(len(data)),
			func(emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
				return ReadAny(bytes.NewReader(data), int64(len(data)), name, Options{BlockSize: fuzzBlockSize}, emit, reject)
			})
	})
}
