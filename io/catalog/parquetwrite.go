package catalog

import (
	"fmt"
	"io"
	"math"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// RowGroupRows is the number of rows in each row group of a Parquet file
// (the last one holds the rest).
const RowGroupRows = 1 << 16

// ParquetWriter writes one Parquet catalog file from any number of blocks.
// The file's quantile columns come from the first block's NQuantiles.
type ParquetWriter struct {
	out   io.Writer
	pw    *parquet.Writer
	nq    int   // -1 before the first block
	group int   // rows in the current row group
	rows  int64 // rows written
	vals  []parquet.Value
	err   error

	hats bool // a last column _healpix_29 (NewHATSWriter)
}

// NewParquetWriter returns a writer of a Parquet catalog file to w. Close
// writes the footer but does not close w.
func NewParquetWriter(w io.Writer) *ParquetWriter {
	return &ParquetWriter{out: w, nq: -1}
}

// NewHATSWriter returns a ParquetWriter whose files also hold, as their last
// column, _healpix_29: the HEALPix NESTED index at order 29 of each row's
// (ra, dec), the column by which a HATS catalog (LSDB) places and sorts its
// rows.
func NewHATSWriter(w io.Writer) *ParquetWriter {
	return &ParquetWriter{out: w, nq: -1, hats: true}
}

// HEALPix29Name is the name of the HATS column.
const HEALPix29Name = "_healpix_29"

// HEALPix29 returns the HEALPix NESTED index at order 29 (nside 2^29) of
// (ra, dec) in degrees, -1 if they are not a direction.
func HEALPix29(ra, dec float64) int64 { return sky.NestedPixel(sky.MaxNside, ra, dec) }

func (w *ParquetWriter) open(nq int) {
	w.nq = nq
	w.pw = parquet.NewWriter(w.out, schemaFor(nq, w.hats),
		parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("gaiaflow", "", ""),
		parquet.KeyValueMetadata("gaiaflow.flags", flagNamesMeta()),
		parquet.KeyValueMetadata("gaiaflow.units", unitsMeta),
		parquet.KeyValueMetadata("gaiaflow.columns", columnsMeta(nq)),
	)
}

// Write appends the rows of r. It returns an error if r has another number
// of quantiles than the file's first block, or if writing fails (then every
// later call fails too). It panics if r's columns differ in length.
func (w *ParquetWriter) Write(r *distance.Rows) error {
	if w.err != nil {
		return w.err
	}
	checkRows(r)
	if w.pw == nil {
		w.open(r.NQuantiles)
	}
	if r.NQuantiles != w.nq {
		return fmt.Errorf("catalog: parquet: block of %d quantiles in a file of %d", r.NQuantiles, w.nq)
	}
	for lo := 0; lo < r.Len(); {
		hi := min(r.Len(), lo+RowGroupRows-w.group)
		if err := w.writeColumns(r, lo, hi); err != nil {
			w.err = fmt.Errorf("catalog: parquet: %w", err)
			return w.err
		}
		w.group += hi - lo
		w.rows += int64(hi - lo)
		lo = hi
		if w.group == RowGroupRows {
			if err := w.pw.Flush(); err != nil {
				w.err = fmt.Errorf("catalog: parquet: %w", err)
				return w.err
			}
			w.group = 0
		}
	}
	return nil
}

// writeColumns writes rows [lo, hi) of r column by column.
func (w *ParquetWriter) writeColumns(r *distance.Rows, lo, hi int) error {
	cw := w.pw.ColumnWriters()
	n := hi - lo
	if cap(w.vals) < n {
		w.vals = make([]parquet.Value, n)
	}
	v := w.vals[:n]
	put := func(col int) error {
		_, err := cw[col].WriteRowValues(v)
		return err
	}
	for i := range v {
		v[i] = parquet.Int64Value(r.SourceID[lo+i]).Level(0, 0, 0)
	}
	if err := put(0); err != nil {
		return err
	}
	for k, c := range floatCols(r) {
		optionalDoubles(v, (*c)[lo:hi], 1+k)
		if err := put(1 + k); err != nil {
			return err
		}
	}
	for i := range v {
		v[i] = parquet.Int32Value(r.Iterations[lo+i]).Level(0, 0, pqIterations)
	}
	if err := put(pqIterations); err != nil {
		return err
	}
	for i := range v {
		v[i] = parquet.Int32Value(r.Samples[lo+i]).Level(0, 0, pqSamples)
	}
	if err := put(pqSamples); err != nil {
		return err
	}
	for i := range v {
		v[i] = parquet.Int32Value(int32(r.Flags[lo+i])).Level(0, 0, pqFlags)
	}
	if err := put(pqFlags); err != nil {
		return err
	}
	nq := w.nq
	q0 := pqQ0
	if w.hats {
		col := pqQ0
		q0++
		for i := range v {
			v[i] = parquet.Int64Value(HEALPix29(r.RA[lo+i], r.Dec[lo+i])).Level(0, 0, col)
		}
		if err := put(col); err != nil {
			return err
		}
	}
	for j := 0; j < nq; j++ {
		col := q0 + j
		for i := range v {
			x := r.Quantiles[(lo+i)*nq+j]
			if math.IsNaN(x) {
				v[i] = parquet.NullValue().Level(0, 0, col)
			} else {
				v[i] = parquet.DoubleValue(x).Level(0, 1, col)
			}
		}
		if err := put(col); err != nil {
			return err
		}
	}
	return nil
}

// optionalDoubles fills v with x as values of an optional column, NaN null.
func optionalDoubles(v []parquet.Value, x []float64, col int) {
	for i, f := range x {
		if math.IsNaN(f) {
			v[i] = parquet.NullValue().Level(0, 0, col)
		} else {
			v[i] = parquet.DoubleValue(f).Level(0, 1, col)
		}
	}
}

// Rows returns the number of rows written so far.
func (w *ParquetWriter) Rows() int64 { return w.rows }

// Close writes the last row group and the footer (an empty file of no
// quantile columns if nothing was written). It does not close the
// underlying writer.
func (w *ParquetWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.pw == nil {
		w.open(0)
	}
	if err := w.pw.Close(); err != nil {
		w.err = fmt.Errorf("catalog: parquet: %w", err)
		return w.err
	}
	w.err = fmt.Errorf("catalog: parquet: writer is closed")
	return nil
}

// WriteParquet writes rows as one Parquet catalog file to w (see the
// package doc for the format). It panics if rows' columns differ in length.
func WriteParquet(w io.Writer, rows *distance.Rows) error {
	pw := NewParquetWriter(w)
	if err := pw.Write(rows); err != nil {
		return err
	}
	return pw.Close()
}
