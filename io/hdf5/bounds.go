package hdf5

import "math/bits"

// Bounds on what a file can ask for. Sizes and counts in an HDF5 file are
// 8-byte numbers; a damaged one must give an error, not an allocation of
// terabytes or a loop without end. Every count is checked against the bytes
// that hold it before anything is allocated for it, and a read of values is
// checked against what a file of its size can hold.
const (
	// DeflateMaxRatio is the most bytes one byte of a deflate stream
	// decodes to (a 258-byte match coded in about 2 bits: 1032 to 1).
	DeflateMaxRatio = 1032

	// FillSlack is how many bytes of fill values (chunks never written, a
	// contiguous dataset without storage) a read may return beyond what the
	// file stores.
	FillSlack = 16 << 20

	// maxChunkBytes is HDF5's limit on the size of one chunk (4 GiB).
	maxChunkBytes = 1 << 32
)

// MaxReadBytes returns the largest read of one dataset, in bytes, that this
// package performs in a file of size bytes: the file's size (at most
// DeflateMaxRatio times that when the dataset is deflate-compressed) plus
// FillSlack. Dataset.ReadRaw and the typed reads refuse a larger box with an
// error wrapping ErrFormat: its values cannot be in the file.
func MaxReadBytes(size int64, deflate bool) uint64 {
	n := uint64(max(size, 0))
	if deflate {
		n = mulSat(n, DeflateMaxRatio)
	}
	return addSat(n, FillSlack)
}

// mulSat returns a*b, or the largest uint64 if that overflows.
func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return ^uint64(0)
	}
	return lo
}

func addSat(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return ^uint64(0)
	}
	return s
}

// product returns the product of v (1 for none) times k, and false if it
// overflows a uint64.
func product(k uint64, v []uint64) (uint64, bool) {
	for _, x := range v {
		hi, lo := bits.Mul64(k, x)
		if hi != 0 {
			return 0, false
		}
		k = lo
	}
	return k, true
}
