package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"testing"
)

// fixtures are the HDF5 files of the tests: this package's and the
// Bayestar-layout ones of io/dustfile.
var fixtures = []string{
	"testdata/features_earliest.h5",
	"testdata/features_latest.h5",
}

// openWalk opens b and walks it; it fails the test on a panic (which the
// test binary reports by itself) and on an error without a sentinel.
func openWalk(t *testing.T, what string, b []byte) (objects int, err error) {
	t.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: Open: %v, want ErrFormat or ErrUnsupported", what, err)
		}
		return 0, err
	}
	n, errs := walk(f)
	if err := checkWalkErrors(errs); err != nil {
		t.Errorf("%s: %v", what, err)
	}
	return n, errors.Join(errs...)
}

// TestTruncated reads every prefix of the first 4 KiB of each fixture, and
// prefixes every few hundred bytes after: the metadata is cut at every
// place. A file cut after 44 bytes (the superblock of version 2 or 3 without
// its checksum) used to panic with a slice out of range in the superblock
// parser.
func TestTruncated(t *testing.T) {
	for _, name := range fixtures {
		good, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		full, err := openWalk(t, name, good)
		if full < 10 {
			t.Fatalf("%s: walk visits %d objects (%v)", name, full, err)
		}
		for n := 0; n < len(good); n++ {
			if n > 4096 && n%397 != 0 {
				continue
			}
			openWalk(t, fmt.Sprintf("%s cut to %d bytes", name, n), good[:n])
		}
		if _, err := openWalk(t, name+" cut to 44 bytes", good[:44]); !errors.Is(err, ErrFormat) {
			t.Errorf("%s cut to 44 bytes: %v, want ErrFormat", name, err)
		}
	}
}
