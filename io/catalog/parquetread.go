package catalog

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/io/internal/parquetcheck"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// ReadParquet reads a Parquet catalog file of size bytes from r (see the
// package doc). Columns are found by name in any order; others are ignored.
// name is the file's name in errors, which wrap ErrFormat for a file that is
// not a readable catalog (truncated, corrupt, a column missing or of another
// type, a page parquet-go panics on) and say the row group and column.
//
// A file whose footer or page headers state sizes it cannot hold is refused
// before parquet-go makes room for them (io/internal/parquetcheck: more rows
// than bytes, a catalog row taking tens of bytes even compressed; a page
// past its column chunk; more values than rows); rows are then read a batch
// at a time, so memory follows the values the file really holds.
func ReadParquet(r io.ReaderAt, size int64, name string) (*distance.Rows, error) {
	return readParquet(r, size, name, false)
}

// ReadParquetPositions reads only the source_id, ra and dec columns of a
// Parquet catalog file, with ReadParquet's checks of them: the returned
// Rows hold those three columns and no others. Counting a catalog's stars
// per sky pixel (the HATS plan) needs no more, and decodes a tenth of the
// file.
func ReadParquetPositions(r io.ReaderAt, size int64, name string) (*distance.Rows, error) {
	return readParquet(r, size, name, true)
}

// isPosition reports whether column i (file order) is source_id, ra or dec.
func isPosition(i int) bool { return i <= 2 }

func readParquet(r io.ReaderAt, size int64, name string, positions bool) (*distance.Rows, error) {
	var (
		f      *parquet.File
		top    []*parquet.Column
		groups []parquet.RowGroup
	)
	err := parquetcheck.Guard(func() (err error) {
		if err := parquetcheck.CheckFooter(r, size); err != nil {
			return err
		}
		if f, err = parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true)); err != nil {
			return err
		}
		top, groups = f.Root().Columns(), f.RowGroups()
		return parquetcheck.CheckRows(f, size)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w: parquet: %w", name, ErrFormat, err)
	}
	byName := map[string]*parquet.Column{}
	qs := 0
	for _, c := range top {
		byName[c.Name()] = c
		if _, ok := parseQuantileName(c.Name()); ok {
			qs++
		}
	}
	want := Columns(qs)
	cols := make([]*parquet.Column, len(want))
	for i, n := range want {
		if positions && !isPosition(i) {
			continue
		}
		c, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("catalog: %s: %w: no column %s", name, ErrFormat, n)
		}
		var kind parquet.Kind
		switch {
		case i == 0:
			kind = parquet.Int64
		case i == pqIterations || i == pqSamples || i == pqFlags:
			kind = parquet.Int32
		default:
			kind = parquet.Double
		}
		var got parquet.Kind
		// Kind panics for a leaf of a logical type without a physical
		// kind (MAP, LIST annotations on a leaf of a damaged schema).
		if err := parquetcheck.Guard(func() error { got = c.Type().Kind(); return nil }); err != nil {
			got = -1
		}
		if !c.Leaf() || c.Repeated() || got != kind {
			return nil, fmt.Errorf("catalog: %s: %w: column %s is %v, want a flat %v", name, ErrFormat, n, c.Type(), kind)
		}
		cols[i] = c
	}

	n := f.NumRows()
	if positions {
		qs = 0
	}
	rows := &distance.Rows{NQuantiles: qs, SourceID: make([]int64, 0, n)}
	if !positions {
		rows.Iterations, rows.Samples, rows.Flags = make([]int32, 0, n), make([]int32, 0, n), make([]distance.Flag, 0, n)
	}
	fc := floatCols(rows)
	for i, c := range fc {
		if !positions || isPosition(1+i) {
			*c = make([]float64, 0, n)
		}
	}
	if qs > 0 && !positions {
		// n*qs can be far more than the file holds (quantile columns
		// cost a few bytes each in the footer): make room as rows come.
		rows.Quantiles = make([]float64, 0, min(n*int64(qs), 8*size))
	}
	vals := make([][]parquet.Value, len(cols))
	for i := range vals {
		if cols[i] != nil {
			vals[i] = make([]parquet.Value, batchRows)
		}
	}
	meta := f.Metadata()
	for gi, rg := range groups {
		if gi >= len(meta.RowGroups) {
			return nil, fmt.Errorf("catalog: %s: %w: %d row groups in the footer", name, ErrFormat, len(meta.RowGroups))
		}
		check := func(c *parquet.Column, rows int64) error {
			md := meta.RowGroups[gi].Columns
			if c.Index() >= len(md) {
				return fmt.Errorf("%d column chunks, no column %d", len(md), c.Index())
			}
			return parquetcheck.CheckChunk(r, size, &md[c.Index()].MetaData, rows)
		}
		if err := readGroup(rg, cols, vals, rows, fc, check); err != nil {
			return nil, fmt.Errorf("catalog: %s: %w: row group %d, %w", name, ErrFormat, gi, err)
		}
	}
	if rows.Len() != int(n) {
		return nil, fmt.Errorf("catalog: %s: %w: row groups hold %d rows, the footer says %d", name, ErrFormat, rows.Len(), n)
	}
	return rows, nil
}

// batchRows is how many rows ReadParquet decodes at a time.
const batchRows = 4096

// readGroup appends the rows of one row group to rows, batchRows at a time
// from every column.
func readGroup(rg parquet.RowGroup, cols []*parquet.Column, vals [][]parquet.Value, rows *distance.Rows, fc [nFloat]*[]float64,
	check func(c *parquet.Column, rows int64) error) error {
	readers := make([]parquet.ColumnChunkValueReader, len(cols))
	defer func() {
		for _, rd := range readers {
			if rd != nil {
				parquetcheck.Guard(rd.Close)
			}
		}
	}()
	var m int64
	err := parquetcheck.Guard(func() error {
		chunks := rg.ColumnChunks()
		m = rg.NumRows()
		for _, c := range cols {
			if c == nil {
				continue
			}
			if c.Index() >= len(chunks) {
				return fmt.Errorf("%d column chunks, no column %d", len(chunks), c.Index())
			}
			if err := check(c, m); err != nil {
				return fmt.Errorf("column %s: %w", c.Name(), err)
			}
		}
		for i, c := range cols {
			if c != nil {
				readers[i] = parquet.NewColumnChunkValueReader(chunks[c.Index()])
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	qs := rows.NQuantiles
	for done := int64(0); done < m; {
		k := int(min(batchRows, m-done))
		for i := range cols {
			if cols[i] == nil {
				continue
			}
			if err := parquetcheck.Guard(func() error { return readValues(readers[i], vals[i][:k]) }); err != nil {
				return fmt.Errorf("column %s: %w", cols[i].Name(), err)
			}
		}
		q0 := len(rows.Quantiles)
		if qs > 0 {
			rows.Quantiles = append(rows.Quantiles, make([]float64, k*qs)...)
		}
		for i, vs := range vals {
			if cols[i] == nil {
				continue
			}
			vs = vs[:k]
			switch {
			case i == 0:
				for _, v := range vs {
					rows.SourceID = append(rows.SourceID, v.Int64())
				}
			case i == pqIterations:
				for _, v := range vs {
					rows.Iterations = append(rows.Iterations, v.Int32())
				}
			case i == pqSamples:
				for _, v := range vs {
					rows.Samples = append(rows.Samples, v.Int32())
				}
			case i == pqFlags:
				for _, v := range vs {
					rows.Flags = append(rows.Flags, distance.Flag(uint32(v.Int32())))
				}
			case i < pqIterations:
				dst := fc[i-1]
				for _, v := range vs {
					*dst = append(*dst, double(v))
				}
			default:
				j := i - pqQ0
				for r, v := range vs {
					rows.Quantiles[q0+r*qs+j] = double(v)
				}
			}
		}
		done += int64(k)
	}
	return nil
}

// double returns v's float64, NaN for a null.
func double(v parquet.Value) float64 {
	if v.IsNull() {
		return math.NaN()
	}
	return v.Double()
}

// readValues fills dst from rd, which must hold at least len(dst) more
// values.
func readValues(rd parquet.ValueReader, dst []parquet.Value) error {
	got := 0
	for got < len(dst) {
		k, err := rd.ReadValues(dst[got:])
		got += k
		if got == len(dst) {
			break
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("fewer values than rows")
		}
		if err != nil {
			return err
		}
		if k == 0 {
			return fmt.Errorf("no progress reading values")
		}
	}
	return nil
}
