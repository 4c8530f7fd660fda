package partition

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/io/internal/parquetcheck"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// pqColumn is a used column of a Parquet file.
type pqColumn struct {
	want
	name  string // as the file spells it
	chunk int    // leaf index: position in a row group's column chunks
	vals  []parquet.Value
}

// ReadParquet reads one Parquet partition (a HATS leaf file or any flat
// table) of size bytes from r, row group by row group and block by block,
// decoding only the used columns; memory is the pages of those columns, not
// the file. Columns are matched by name as in Read; they must be flat
// (neither nested nor repeated) and of a numeric physical type (INT32,
// INT64, FLOAT, DOUBLE; source_id an integer). Nulls are missing values.
// FLOAT (float32) values are widened through their shortest decimal form,
// the text the Gaia archive writes for them in CSV and ECSV, so a star gets
// the same float64 values from every format.
//
// Emit, reject and the results are as for Read; Reject.Line is the 1-based
// row number in the file and Reject.Text lists the row's used values. An
// unreadable file or page is an error wrapping ErrCorrupt: so is a file
// whose footer or page headers state sizes the file cannot hold (more rows
// than bytes, a page past its column chunk, more values than rows; see
// io/internal/parquetcheck), checked before parquet-go makes room for them,
// and a page parquet-go panics on.
func ReadParquet(r io.ReaderAt, size int64, name string, opt Options, emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
	var (
		f     *parquet.File
		top   []*parquet.Column
		names []string
	)
	err := parquetcheck.Guard(func() (err error) {
		if err := parquetcheck.CheckFooter(r, size); err != nil {
			return err
		}
		if f, err = parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true)); err != nil {
			return err
		}
		top = f.Root().Columns()
		names = make([]string, len(top))
		for i, c := range top {
			names[i] = c.Name()
		}
		return parquetcheck.CheckRows(f, size)
	})
	if err != nil {
		return Counts{}, fmt.Errorf("partition: %s: %w: parquet: %w", name, ErrCorrupt, err)
	}
	b, err := bind(names)
	if err != nil {
		return Counts{}, fmt.Errorf("partition: %s: %w", name, err)
	}

	var row star.Row
	var cols []*pqColumn
	bs := opt.blockSize()
	for c, i := range b.index {
		if i < 0 {
			continue
		}
		pc := top[i]
		if !pc.Leaf() || pc.Repeated() {
			return Counts{}, fmt.Errorf("partition: %s: %w: column %s is nested or repeated", name, ErrFormat, pc.Name())
		}
		var k parquet.Kind
		// Kind panics for a leaf of a logical type without a physical
		// kind (MAP, LIST annotations on a leaf of a damaged schema).
		if err := parquetcheck.Guard(func() error { k = pc.Type().Kind(); return nil }); err != nil {
			return Counts{}, fmt.Errorf("partition: %s: %w: column %s has type %s, want a number", name, ErrFormat, pc.Name(), pc.Type())
		}
		switch k {
		case parquet.Int32, parquet.Int64:
		case parquet.Float, parquet.Double:
			if col(c) == colSourceID {
				return Counts{}, fmt.Errorf("partition: %s: %w: column source_id has type %s, want an integer", name, ErrFormat, k)
			}
		default:
			return Counts{}, fmt.Errorf("partition: %s: %w: column %s has type %s, want a number", name, ErrFormat, pc.Name(), k)
		}
		w := want{field: i, c: col(c)}
		if col(c) != colSourceID {
			w.dst = floatField(&row, col(c))
		}
		cols = append(cols, &pqColumn{want: w, name: pc.Name(), chunk: pc.Index(), vals: make([]parquet.Value, min(bs, maxPrealloc))})
	}

	var (
		cnt   Counts
		rowNo int64
		blk   = newBlock(name, bs)
	)
	var groups []parquet.RowGroup
	if err := parquetcheck.Guard(func() error { groups = f.RowGroups(); return nil }); err != nil {
		return cnt, fmt.Errorf("partition: %s: %w: parquet: %w", name, ErrCorrupt, err)
	}
	meta := f.Metadata()
	for gi, rg := range groups {
		readers := make([]parquet.ColumnChunkValueReader, len(cols))
		var nrows int64
		err := parquetcheck.Guard(func() error {
			chunks := rg.ColumnChunks()
			if len(chunks) != len(top) || gi >= len(meta.RowGroups) || len(meta.RowGroups[gi].Columns) != len(top) {
				return fmt.Errorf("%d column chunks for %d columns", len(chunks), len(top))
			}
			nrows = rg.NumRows()
			for _, c := range cols {
				if err := parquetcheck.CheckChunk(r, size, &meta.RowGroups[gi].Columns[c.chunk].MetaData, nrows); err != nil {
					return fmt.Errorf("column %s: %w", c.name, err)
				}
			}
			for k, c := range cols {
				readers[k] = parquet.NewColumnChunkValueReader(chunks[c.chunk])
			}
			return nil
		})
		closeAll := func() {
			for _, rd := range readers {
				if rd != nil {
					parquetcheck.Guard(rd.Close)
				}
			}
		}
		if err != nil {
			closeAll()
			return cnt, fmt.Errorf("partition: %s: %w: parquet row group %d: %w", name, ErrCorrupt, gi, err)
		}
		for done := int64(0); done < nrows; {
			m := int(min(int64(min(bs, maxPrealloc)), nrows-done))
			for k, c := range cols {
				if err := parquetcheck.Guard(func() error { return readValues(readers[k], c.vals[:m]) }); err != nil {
					closeAll()
					return cnt, fmt.Errorf("partition: %s: %w: parquet row group %d, column %s: %w", name, ErrCorrupt, gi, c.name, err)
				}
			}
			for i := range m {
				rowNo++
				cnt.Rows++
				row = star.NewRow()
				reason := ""
				for _, c := range cols {
					v := c.vals[i]
					if c.dst != nil {
						*c.dst = pqFloat(v)
						continue
					}
					if v.IsNull() {
						reason = "source_id: missing value"
					} else {
						row.SourceID = pqInt(v)
					}
				}
				if reason == "" {
					reason = checkRequired(&row)
				}
				if reason != "" {
					cnt.Rejected++
					if reject != nil {
						reject(Reject{File: name, Line: rowNo, Reason: reason, Text: pqText(cols, i)})
					}
					continue
				}
				derive(&row)
				blk.Append(row)
				cnt.Stars++
				if blk.Len() == bs {
					if err := emit(blk); err != nil {
						closeAll()
						return cnt, fmt.Errorf("partition: %s: %w", name, err)
					}
					blk = opt.next(blk, name)
				}
			}
			done += int64(m)
		}
		closeAll()
	}
	if blk.Len() > 0 {
		if err := emit(blk); err != nil {
			return cnt, fmt.Errorf("partition: %s: %w", name, err)
		}
	}
	return cnt, nil
}

// readValues fills dst from rd, which must hold at least len(dst) more values.
func readValues(rd parquet.ValueReader, dst []parquet.Value) error {
	got := 0
	for got < len(dst) {
		n, err := rd.ReadValues(dst[got:])
		got += n
		if got == len(dst) {
			return nil
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("fewer values than rows")
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no progress reading values")
		}
	}
	return nil
}

// pqFloat converts a numeric Parquet value to float64, NaN for a null.
func pqFloat(v parquet.Value) float64 {
	switch v.Kind() {
	case parquet.Double:
		if v.IsNull() {
			return math.NaN()
		}
		return v.Double()
	case parquet.Float:
		if v.IsNull() {
			return math.NaN()
		}
		return widen32(v.Float())
	case parquet.Int32:
		if v.IsNull() {
			return math.NaN()
		}
		return float64(v.Int32())
	case parquet.Int64:
		if v.IsNull() {
			return math.NaN()
		}
		return float64(v.Int64())
	}
	return math.NaN()
}

func pqInt(v parquet.Value) int64 {
	if v.Kind() == parquet.Int32 {
		return int64(v.Int32())
	}
	return v.Int64()
}

// widen32 returns the float64 nearest to the shortest decimal that reads
// back as x: the value a CSV reader gets from the archive's text of x.
func widen32(x float32) float64 {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) || f == math.Trunc(f) && math.Abs(f) < 1<<24 {
		return f // integers and non-finite values are already exact
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], f, 'g', -1, 32)
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return f
	}
	return v
}

// pqText shows the used values of row i for a Reject.
func pqText(cols []*pqColumn, i int) string {
	var s []byte
	for k, c := range cols {
		if k > 0 {
			s = append(s, ' ')
		}
		s = append(s, c.name...)
		s = append(s, '=')
		s = append(s, c.vals[i].String()...)
		if len(s) > maxRejectText {
			return string(s[:maxRejectText]) + "..."
		}
	}
	return string(s)
}
