// Package partition reads Gaia source partition files into blocks of stars
// (star.Block) and writes DR2-format partitions for the mock-sky generator.
//
// # Formats
//
// Read takes a stream and recognises its content, never its name:
//   - gzip, by its magic bytes 1f 8b (concatenated gzip members are one
//     stream; zero bytes after the last member are padding, as GNU gzip
//     takes them, and any other byte there makes the file ErrCorrupt);
//   - ECSV (EDR3/DR3 bulk files, archive and astropy exports), by a first
//     line beginning "# %ECSV": '#'-prefixed YAML, whose delimiter key
//     (',' or ' ', default ' ') sets the delimiter, then a row of column
//     names and the data rows;
//   - otherwise CSV (DR2 bulk GaiaSource_*.csv files, archive CSV exports):
//     a header line of column names, comma separated. Lines starting with
//     '#' before the header are comments.
//
// Fields may be quoted with '"' ("" inside a quoted field is one quote); in a
// space-delimited file a run of spaces is one delimiter. CRLF line ends and a
// UTF-8 byte-order mark are accepted. Blank lines are skipped and are not rows.
//
// ReadParquet reads one Parquet file (a HATS leaf Norder=k/Dir=d/Npix=n.parquet
// or any flat table) row group by row group, decoding only the columns used;
// HATSPixel recognises HATS paths. ReadAny dispatches on the magic bytes of a
// random-access file and ReadFile does the same for a local path.
//
// # Columns
//
// Columns are found by header name (case-insensitive), in any order; other
// columns are ignored. source_id, ra and dec are required: a header without
// one of them is an error wrapping ErrMissingColumn, and a row whose value is
// empty in one of them is rejected. The others are optional: l, b,
// parallax, parallax_error, pmra, pmra_error, pmdec, pmdec_error,
// phot_g_mean_mag, phot_bp_mean_mag, phot_rp_mean_mag, bp_rp,
// phot_{g,bp,rp}_mean_flux_over_error, astrometric_chi2_al,
// astrometric_n_good_obs_al and ruwe (DR3 only). A missing value is NaN.
// Where a value is missing (an absent column or a null field) and can be
// derived, it is: bp_rp = phot_bp_mean_mag - phot_rp_mean_mag, and l, b from
// ra, dec by sky.ICRSToGalactic. (That is astropy's Galactic frame; the
// archive's own l, b differ from it by up to 0.025 arcsec on the DR2 test data.)
//
// Nulls are empty fields; for number columns the fields null, NULL, nan, NaN
// and -- are also missing values (ECSV writes "" and nan, some tools --).
//
// # Errors and rejects
//
// Every data row is either a star in an emitted block or a Reject, reported
// through a callback with its file, line and reason, so that Counts always
// reconcile: Rows == Stars + Rejected. A row is rejected when its number of
// fields differs from the header's, when a used column does not parse as a
// number (the reason names the column), or when source_id, ra or dec is
// empty. Rejects never fail a file. Problems of the whole file stop the read
// with an error naming the file: ErrMissingColumn (a required column is not in
// the header), ErrCorrupt (a truncated or corrupt gzip stream, an unreadable
// Parquet file or page, one that parquet-go panics on included), ErrFormat (no header, an unsupported delimiter, duplicate
// column names, a Parquet column of an unusable type). Blocks emitted before
// an error are not taken back: a caller that needs all or nothing (Beam
// retries a failed bundle and drops its output) must treat the file as failed.
//
// Reading is streaming: memory is a few buffers and the block being filled,
// whatever the size of the file. Reading and decompression run in their own
// goroutine, overlapping the parsing.
package partition
