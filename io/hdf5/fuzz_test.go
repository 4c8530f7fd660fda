package hdf5

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"testing"
)

// fuzzSeeds are the HDF5 files of the repository: this package's feature
// fixtures and the Bayestar-layout files of io/dustfile.
var fuzzSeeds = []string{
	"testdata/features_earliest.h5",
	"testdata/features_latest.h5",
	"../dustfile/testdata/bayestar_mini.h5",
	"../dustfile/testdata/bayestar_mini_latest.h5",
	"../dustfile/testdata/argonaut_bayestar2015.h5",
}

// walkAllocBound is the most a walk of a file of n bytes may allocate. The
// reader refuses any read beyond what the file can hold (MaxRead) and any
// chunk that claims to decode to more than its stored bytes can; a walk reads
// a box of at most maxWalkElems elements of each dataset a few times. On
// data that deflate shrinks by less than a few hundred times (all real data;
// mutations do not make deflate bombs with valid Adler-32 sums), that stays
// within 64 MiB plus 4 KiB per byte of file, a bound the fuzz target checks
// so that a header asking for memory the file does not hold shows up.
func walkAllocBound(n int) uint64 { return 64<<20 + 4096*uint64(n) }

// FuzzHDF5 opens arbitrary bytes as an HDF5 file and walks it as a reader of
// an unknown file would (walk: every group, attribute, dataset and a box of
// values of each, with every typed read): superblocks, object headers and
// their continuations, links, symbol tables and B-trees, datatypes,
// dataspaces, layouts, fixed-array and B-tree chunk indexes and the
// filters. With skip set the lookup3 checksums of version-2 structures are
// not checked, so that mutations reach what they protect. Properties: no
// panic; every error wraps ErrFormat, ErrUnsupported or ErrNotFound;
// every read returns as many bytes as its box holds (walk checks); the
// allocation stays within walkAllocBound; and the walk ends (its loops are
// bounded by the bytes of the file and by the visited sets).
func FuzzHDF5(f *testing.F) {
	for _, name := range fuzzSeeds {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		skipChecksums = skip
		defer func() { skipChecksums = false }()
		var (
			objects int
			errs    []error
			openErr error
		)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		h, err := Open(bytes.NewReader(data), int64(len(data)))
		if err == nil {
			objects, errs = walk(h)
		}
		openErr = err
		runtime.ReadMemStats(&after)
		if openErr != nil && !errors.Is(openErr, ErrFormat) && !errors.Is(openErr, ErrUnsupported) {
			t.Fatalf("Open: %v, want ErrFormat or ErrUnsupported", openErr)
		}
		if err := checkWalkErrors(errs); err != nil {
			t.Fatal(err)
		}
		if n, bound := after.TotalAlloc-before.TotalAlloc, walkAllocBound(len(data)); n > bound {
			t.Fatalf("a file of %d bytes (%d objects) made the reader allocate %d bytes (bound %d)", len(data), objects, n, bound)
		}
	})
}
