package catalog

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(b []byte) (int, error) { w.n += int64(len(b)); return len(b), nil }

var sink io.Writer

// BenchmarkWrite writes one shard of 65536 rows (in blocks of 4096, as a
// DoFn receives them) without and with 100 quantiles; the file goes to a
// byte counter, so this is the encoding and compression cost alone.
func BenchmarkWrite(b *testing.B) {
	const rows, block = 1 << 16, 4096
	for _, nq := range []int{0, 100} {
		all := testRows(rows, nq, 1)
		blocks := split(all, block)
		for _, format := range []string{"csv.gz", "parquet"} {
			b.Run(format+"/q"+strconv.Itoa(nq), func(b *testing.B) {
				var cw countWriter
				b.ReportAllocs()
				for b.Loop() {
					var err error
					if format == "parquet" {
						w := NewParquetWriter(&cw)
						for _, r := range blocks {
							if err = w.Write(r); err != nil {
								break
							}
						}
						err = w.Close()
					} else {
						w := NewCSVWriter(&cw)
						for _, r := range blocks {
							if err = w.Write(r); err != nil {
								break
							}
						}
						err = w.Close()
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				sink = &cw
				b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(cw.n)/float64(rows*b.N), "bytes/row")
			})
		}
	}
}

// BenchmarkRead reads back the shard of BenchmarkWrite.
func BenchmarkRead(b *testing.B) {
	const rows = 1 << 16
	for _, nq := range []int{0, 100} {
		all := testRows(rows, nq, 1)
		var csv, pq bytes.Buffer
		if err := WriteCSV(&csv, all); err != nil {
			b.Fatal(err)
		}
		if err := WriteParquet(&pq, all); err != nil {
			b.Fatal(err)
		}
		b.Run("csv.gz/q"+strconv.Itoa(nq), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadCSV(bytes.NewReader(csv.Bytes()), "b"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run("parquet/q"+strconv.Itoa(nq), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadParquet(bytes.NewReader(pq.Bytes()), int64(pq.Len()), "b"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
