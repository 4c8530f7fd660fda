package catalog

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// ReadParquet reads a Parquet catalog file of size bytes from r (see the
// package doc). Columns are found by name in any order; others are ignored.
// name is the file's name in errors, which wrap ErrFormat for a file that is
// not a readable catalog (truncated, corrupt, a column missing or of another
// type) and say the row group and column.
func ReadParquet(r io.ReaderAt, size int64, name string) (*distance.Rows, error) {
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w: parquet: %w", name, ErrFormat, err)
	}
	byName := map[string]*parquet.Column{}
	qs := 0
	for _, c := range f.Root().Columns() {
		byName[c.Name()] = c
		if _, ok := parseQuantileName(c.Name()); ok {
			qs++
		}
	}
	want := Columns(qs)
	cols := make([]*parquet.Column, len(want))
	for i, n := range want {
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
		if !c.Leaf() || c.Repeated() || c.Type().Kind() != kind {
			return nil, fmt.Errorf("catalog: %s: %w: column %s is %v, want a flat %v", name, ErrFormat, n, c.Type(), kind)
		}
		cols[i] = c
	}

	n := int(f.NumRows())
	rows := &distance.Rows{
		NQuantiles: qs,
		SourceID:   make([]int64, 0, n),
		Iterations: make([]int32, 0, n),
		Samples:    make([]int32, 0, n),
		Flags:      make([]distance.Flag, 0, n),
	}
	fc := floatCols(rows)
	for _, c := range fc {
		*c = make([]float64, 0, n)
	}
	if qs > 0 {
		rows.Quantiles = make([]float64, n*qs)
	}
	var buf []parquet.Value
	start := 0 // first row of the row group
	for gi, rg := range f.RowGroups() {
		m := int(rg.NumRows())
		if start+m > n {
			return nil, fmt.Errorf("catalog: %s: %w: row groups hold more rows than the footer's %d", name, ErrFormat, n)
		}
		if cap(buf) < m {
			buf = make([]parquet.Value, m)
		}
		vals := buf[:m]
		chunks := rg.ColumnChunks()
		for i, c := range cols {
			if err := readChunk(chunks[c.Index()], vals); err != nil {
				return nil, fmt.Errorf("catalog: %s: %w: row group %d, column %s: %w", name, ErrFormat, gi, want[i], err)
			}
			switch {
			case i == 0:
				for _, v := range vals {
					rows.SourceID = append(rows.SourceID, v.Int64())
				}
			case i == pqIterations:
				for _, v := range vals {
					rows.Iterations = append(rows.Iterations, v.Int32())
				}
			case i == pqSamples:
				for _, v := range vals {
					rows.Samples = append(rows.Samples, v.Int32())
				}
			case i == pqFlags:
				for _, v := range vals {
					rows.Flags = append(rows.Flags, distance.Flag(uint32(v.Int32())))
				}
			case i < pqIterations:
				dst := fc[i-1]
				for _, v := range vals {
					*dst = append(*dst, double(v))
				}
			default:
				j := i - pqQ0
				for k, v := range vals {
					rows.Quantiles[(start+k)*qs+j] = double(v)
				}
			}
		}
		start += m
	}
	if start != n {
		return nil, fmt.Errorf("catalog: %s: %w: row groups hold %d rows, the footer says %d", name, ErrFormat, start, n)
	}
	return rows, nil
}

// double returns v's float64, NaN for a null.
func double(v parquet.Value) float64 {
	if v.IsNull() {
		return math.NaN()
	}
	return v.Double()
}

// readChunk fills dst with the values of one column chunk, which must hold
// at least len(dst) values.
func readChunk(chunk parquet.ColumnChunk, dst []parquet.Value) error {
	rd := parquet.NewColumnChunkValueReader(chunk)
	defer rd.Close()
	got := 0
	for got < len(dst) {
		k, err := rd.ReadValues(dst[got:])
		got += k
		if got == len(dst) {
			break
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%d values, want %d", got, len(dst))
		}
		if err != nil {
			return err
		}
	}
	return nil
}
