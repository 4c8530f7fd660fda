package partition

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// benchCopies of the 1,000 real DR2 rows make one partition of the size of a
// DR2 bulk file (1.69e9 sources in 61,234 files: about 27,600 rows).
const benchCopies = 28

// benchDR2 returns a DR2 bulk-format partition, plain and gzipped (level 6,
// as gzip's default). The same text, for the command line:
//
//	(head -1 F; for i in $(seq 28); do tail -n +2 F; done) | gzip -6 > /tmp/dr2_28k.csv.gz
//
// with F = testdata/GaiaSource_like_from_pyia_gdr2_sm.csv. If the environment
// variable PARTITION_BENCH_FILE names a gzipped file, that file is used
// instead, so Read and `gzip -dc FILE | wc -l` can be timed on the same bytes.
func benchDR2(b *testing.B) (plain, zipped []byte, rows int) {
	b.Helper()
	if p := os.Getenv("PARTITION_BENCH_FILE"); p != "" {
		z, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			b.Fatal(err)
		}
		plain, err = io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		return plain, z, bytes.Count(plain, []byte{'\n'}) - 1
	}
	data, err := os.ReadFile(dr2File)
	if err != nil {
		b.Fatal(err)
	}
	head, body, _ := strings.Cut(string(data), "\n")
	var buf bytes.Buffer
	buf.WriteString(head + "\n")
	for range benchCopies {
		buf.WriteString(body)
	}
	plain = buf.Bytes()
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, 6)
	zw.Write(plain)
	zw.Close()
	return plain, z.Bytes(), 1000 * benchCopies
}

var benchSink int64

func discardBlocks(b *star.Block) error {
	benchSink += int64(b.Len())
	return nil
}

// BenchmarkRead reads a DR2 bulk-size partition, gzipped and plain. MB/s is
// of the decompressed text.
func BenchmarkRead(b *testing.B) {
	plain, zipped, rows := benchDR2(b)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"gzip", zipped}, {"plain", plain}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			for b.Loop() {
				c, err := Read(bytes.NewReader(bc.data), "bench", Options{}, discardBlocks, nil)
				if err != nil || c.Stars != int64(rows) {
					b.Fatalf("%+v %v", c, err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "stars/s")
		})
	}
}

// BenchmarkGunzipLines is the floor for BenchmarkRead/gzip: decompress the
// same partition with compress/gzip and count its lines, in Go.
func BenchmarkGunzipLines(b *testing.B) {
	plain, zipped, rows := benchDR2(b)
	b.SetBytes(int64(len(plain)))
	buf := make([]byte, chunkSize)
	for b.Loop() {
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			k, err := zr.Read(buf)
			n += bytes.Count(buf[:k], []byte{'\n'})
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if n != rows+1 {
			b.Fatalf("%d lines", n)
		}
	}
	b.ReportMetric(float64((rows+1)*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParseRow is the parsing of one DR2 row alone.
func BenchmarkParseRow(b *testing.B) {
	data, err := os.ReadFile(dr2File)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte{'\n'})
	names := strings.Split(string(lines[0]), ",")
	bd, err := bind(names)
	if err != nil {
		b.Fatal(err)
	}
	p := newRowParser(bd, len(names), ',')
	rows := lines[1:]
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if r := p.parse(rows[i%len(rows)]); r != "" {
			b.Fatal(r)
		}
		derive(&p.row)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "stars/s")
}

func BenchmarkReadParquet(b *testing.B) {
	const n = 28000
	data := writeParquet(b, pqRows(n), 10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		c, err := ReadParquet(bytes.NewReader(data), int64(len(data)), "bench", Options{}, discardBlocks, nil)
		if err != nil || c.Stars != n {
			b.Fatalf("%+v %v", c, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
}

func BenchmarkDR2Writer(b *testing.B) {
	data, err := os.ReadFile(dr2File)
	if err != nil {
		b.Fatal(err)
	}
	var blk star.Block
	if _, err := Read(bytes.NewReader(data), "w", Options{}, func(x *star.Block) error {
		for i := range x.Len() {
			blk.Append(x.Row(i))
		}
		return nil
	}, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		w := NewDR2Writer(io.Discard)
		if err := w.WriteBlock(&blk); err != nil {
			b.Fatal(err)
		}
		w.Flush()
	}
	b.ReportMetric(float64(blk.Len()*b.N)/b.Elapsed().Seconds(), "stars/s")
}
