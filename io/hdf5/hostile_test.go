package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
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

// datasetLayout opens name and returns its bytes and the layout of the
// dataset at path.
func datasetLayout(t *testing.T, name, path string) ([]byte, *File, *Dataset) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Dataset(path)
	if err != nil {
		t.Fatal(err)
	}
	return b, f, d
}

// readAll reads every value of the dataset at path in b.
func readAll(b []byte, path string) error {
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	d, err := f.Dataset(path)
	if err != nil {
		return err
	}
	_, err = d.ReadRaw(nil, nil)
	return err
}

// TestChunkBTreeCycle makes the root of a chunk B-tree (libver earliest) an
// inner node whose children are all itself: an error naming the node reached
// twice (the depth limit of 64 levels stopped it before, with a less telling
// message; the visited set also bounds trees whose nodes are shared).
func TestChunkBTreeCycle(t *testing.T) {
	b, f, d := datasetLayout(t, "testdata/features_earliest.h5", "num/chunked_f32")
	if d.lay.index != indexBTree1 {
		t.Fatalf("num/chunked_f32 has chunk index %d, want a B-tree", d.lay.index)
	}
	at := d.lay.addr + f.base
	if string(b[at:at+4]) != "TREE" {
		t.Fatalf("no B-tree node at %d", at)
	}
	bad := bytes.Clone(b)
	bad[at+5] = 1 // level: an inner node
	n := int(binary.LittleEndian.Uint16(b[at+6:]))
	if n < 2 {
		t.Fatalf("the B-tree node has %d entries, want several", n)
	}
	keySize := uint64(8 + 8*(len(d.shape)+1))
	for k := range n { // every child: the node itself
		child := at + 8 + 2*uint64(f.offSize) + keySize + uint64(k)*(keySize+uint64(f.offSize))
		for i := range f.offSize {
			bad[child+uint64(i)] = byte(d.lay.addr >> (8 * i))
		}
	}
	if err := readAll(bad, "num/chunked_f32"); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "reached twice") {
		t.Errorf("a B-tree node that is its own child: %v, want ErrFormat", err)
	}
}

// resealFixedArray rewrites the lookup3 checksum of the fixed-array header
// at at (file offset) after a change.
func resealFixedArray(b []byte, at uint64, f *File) {
	n := at + 8 + uint64(f.lenSize+f.offSize)
	binary.LittleEndian.PutUint32(b[n:], lookup3(b[at:n]))
}

// TestFixedArrayHeader damages the header of a fixed-array chunk index
// (libver latest) under a valid checksum: 64 page bits made the page size 0,
// an integer division by zero (a panic); an entry size that no field
// decodes and an entry count beyond the file must be errors too.
func TestFixedArrayHeader(t *testing.T) {
	var path string
	for _, p := range []string{"num/chunked_f32", "num/big_chunked", "num/fletcher", "more/paged"} {
		_, _, d := datasetLayout(t, "testdata/features_latest.h5", p)
		if d.lay.index == indexFixedArray && len(d.filters) > 0 {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no filtered dataset with a fixed-array index in features_latest.h5")
	}
	b, f, d := datasetLayout(t, "testdata/features_latest.h5", path)
	at := d.lay.addr + f.base
	if string(b[at:at+4]) != "FAHD" {
		t.Fatalf("no fixed-array header at %d", at)
	}
	for _, tc := range []struct {
		what string
		edit func(h []byte)
		want string
	}{
		{"64 page bits", func(h []byte) { h[7] = 64 }, "page bits"},
		{"entries of 30 bytes", func(h []byte) { h[6] = 30 }, "fixed array"},
		{"2^40 entries", func(h []byte) { binary.LittleEndian.PutUint64(h[8:], 1<<40) }, "entries"},
	} {
		bad := bytes.Clone(b)
		tc.edit(bad[at:])
		resealFixedArray(bad, at, f)
		if err := readAll(bad, path); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrFormat mentioning %q", tc.what, err, tc.want)
		}
	}
}
