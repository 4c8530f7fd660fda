// Package hist holds fixed-bin two-dimensional histograms that merge,
// Hist2D. They are the accumulators of the Beam combiners
// that make plots over the whole catalog (a colour-magnitude diagram of a
// billion stars is one Hist2D per worker, merged), so they are plain structs
// of exported fields and slices, with no maps and no pointers, that Beam
// encodes as they are.
//
// It also holds the project's one sample quantile (Quantile, QuantileOf:
// numpy's default), which the validation metrics of both pipelines use.
//
// # Conventions
//
// Bins are half-open, [lo + i w, lo + (i+1) w) with w = (hi - lo)/n, the last
// one too: a value equal to hi is overflow. Bin edges are computed as
// lo + i (hi - lo)/n, and Add puts a value on an edge in the bin that the
// edge opens, whatever the rounding of the division.
//
// Counts are sums of weights (float64), so weighted and unweighted fills use
// the same type; Entries counts the calls to Add. Every entry lands in
// exactly one place: a bin, the underflow or overflow (Outside in 2D), NaN
// (a coordinate is NaN), or BadWeight (the weight is NaN or infinite, and is
// added nowhere).
//
// Hist2D stores its bins row-major with x fastest, as an image:
// Counts[iy*NX + ix].
//
// # Merging
//
// Merge adds another histogram of the same binning; it panics on a different
// binning (a programmer error). The zero value of a histogram has no bins and
// merges with anything by becoming a copy of it, which suits a combiner whose
// accumulator starts empty.
package hist
