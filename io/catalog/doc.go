// Package catalog reads and writes the files of the photometric-distance
// catalog (paper 000 §4.2, ARCHITECTURE.md, distances pipeline, step 5): one file per shard,
// either gzipped CSV or Parquet, both holding a distance.Rows block per call
// and the same columns in the same order.
//
// # Columns and units
//
//	source_id          Gaia source_id (int64)
//	ra, dec            degrees, ICRS, as read from Gaia
//	parallax           mas, as published (before the parallax offset)
//	parallax_error     mas
//	dist_mean          pc, mean of the distance posterior
//	dist_std           pc, its standard deviation
//	dist_q16, dist_q50, dist_q84
//	                   pc, its quantiles at Phi(-1) = 15.87 %, 50 % and Phi(1) = 84.13 %:
//	                   Bailer-Jones et al. (2021)'s r_lo, r_med and r_hi levels
//	snr                dist_mean/dist_std, the model SNR of Table 1 (+Inf if dist_std is 0)
//	e                  the dust map's median E(g-r) at the final d_best (mag, map units)
//	g0                 absolute G magnitude, dereddened (mag)
//	bp_rp0, bp_g0      dereddened colours BP-RP and BP-G (mag)
//	ess                effective number of samples of the final weights
//	d_best             pc, the final d_best of eq. 2
//	iterations         iterations run (int32)
//	samples            parallax samples K (int32)
//	flags              the distance.Flag word (uint32); bit i is distance.FlagNames()[i]
//	q00 .. q99         pc, the posterior quantiles at levels (j + 1/2)/n, when the
//	                   catalog has n = Rows.NQuantiles > 0 of them (names padded to
//	                   the digits of n-1, at least two: q000..q999 for n = 1000)
//
// # CSV
//
// WriteCSV and CSVWriter write gzip (one member per file) holding an ECSV
// 1.0 header ('#' lines of YAML: every column's datatype, unit and
// description, the flag bits, the Bailer-Jones et al. 2021 equivalents; see
// ColumnInfo), a header line of the column names and one line per star, comma separated, '\n'
// terminated. Floats are in the shortest form that reads back to the same
// float64 (strconv 'g', -1), infinities as +Inf and -Inf, NaN as an empty
// field; integers in decimal. ReadCSV reads such a file back bit for bit (NaN
// comes back as math.NaN()). It also reads the CSV uncompressed (it sniffs the
// gzip magic), finds columns by header name in any order and ignores others;
// every error names the file, the line and the column. It skips the '#'
// lines before the column names. A truncated gzip file
// fails on its missing trailer; a truncated plain file fails on its
// unterminated last line.
//
// # Parquet
//
// WriteParquet and ParquetWriter write one Parquet file with parquet-go:
// source_id INT64, the floats as optional DOUBLE (null for NaN), iterations
// and samples INT32, flags INT32 annotated UINT_32, quantiles optional DOUBLE;
// row groups of RowGroupRows rows, zstd pages, and key-value metadata
// "gaiaflow.flags" (the flag bit names, comma separated, bit 0 first),
// "gaiaflow.units" and "gaiaflow.columns" (ColumnInfo as JSON: type, unit,
// description and Bailer-Jones et al. 2021 equivalent of every column). ReadParquet reads it back bit for bit. It refuses a
// footer that claims more rows than the file has bytes (a row takes tens of
// bytes even compressed), reads rows a batch at a time, and turns a panic of
// parquet-go on a damaged page into an error naming the file.
//
// # Shards
//
// A Beam DoFn that writes a shard opens it with store.Create, makes a
// CSVWriter or ParquetWriter on it, calls Write once per block and Close
// then the store writer's Close; WriteCSV and WriteParquet are the one-block
// shorthand. Writers check that the blocks of one file have the same number
// of quantiles.
package catalog
