package dustfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/hdf5"
	"github.com/gaiaflow/gaiaflow/model/dust"
)

// allocated returns the bytes fn allocates (cumulative, from the runtime's
// counter), to check that a damaged header cannot ask for memory the file
// does not hold.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// readBayestarBytes reads a Bayestar HDF5 file held in b, returning the grid
// checked by dust.NewBayestar.
func readBayestarBytes(b []byte, name string) (*dust.Grid, error) {
	f, err := hdf5.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("dustfile: %s: %w", name, err)
	}
	g, err := ReadBayestar(f, name, mini)
	if err != nil {
		return nil, err
	}
	if _, err := dust.NewBayestar(*g); err != nil {
		return nil, err
	}
	return g, nil
}

// bayestarAllocBound is the most ReadBayestar may allocate for a file of n
// bytes: the map's arrays (the data the file stores, decompressed, which
// deflate can make at most 1032 times larger) read in blocks and
// transposed, bounded as hdf5 bounds one read.
func bayestarAllocBound(n int) uint64 { return 8*hdf5.MaxReadBytes(int64(n), true) + 64<<20 }

// TestBayestarDamagedShape changes, one byte at a time, the stored shape of
// /samples ([npix, nsamp, nDM] as 8-byte lengths, and its maximum shape) in
// both fixtures. One changed byte used to make ReadBayestar allocate up to
// hundreds of terabytes (fatal error: out of memory) and Import panic in
// makeslice. Each damaged file must give an error or a valid grid, within
// a bound of allocation set by the file's size.
func TestBayestarDamagedShape(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"testdata/bayestar_mini.h5", "testdata/bayestar_mini_latest.h5"} {
		good, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var dims [24]byte
		binary.LittleEndian.PutUint64(dims[0:], 37)
		binary.LittleEndian.PutUint64(dims[8:], 5)
		binary.LittleEndian.PutUint64(dims[16:], 120)
		var at []int
		for i := 0; ; {
			k := bytes.Index(good[i:], dims[:])
			if k < 0 {
				break
			}
			at = append(at, i+k)
			i += k + 1
		}
		if len(at) == 0 {
			t.Fatalf("%s: the shape of /samples is not in the file", name)
		}
		bound := bayestarAllocBound(len(good))
		for _, a := range at {
			for i := a; i < a+len(dims); i++ {
				for _, v := range []byte{0x00, 0x02, 0x40, 0xff, good[i] ^ 0x10} {
					bad := bytes.Clone(good)
					bad[i] = v
					var err error
					n := allocated(func() { _, err = readBayestarBytes(bad, filepath.Base(name)) })
					if n > bound {
						t.Errorf("%s byte %d = %#x: allocated %d bytes, bound %d", name, i, v, n, bound)
					}
					if err != nil && !errors.Is(err, hdf5.ErrFormat) && !strings.Contains(err.Error(), "/samples") {
						t.Errorf("%s byte %d = %#x: %v", name, i, v, err)
					}
					// dust import streams the same file to a compact one.
					src := filepath.Join(dir, "bayestar2019_damaged.h5")
					if err := os.WriteFile(src, bad, 0o644); err != nil {
						t.Fatal(err)
					}
					n = allocated(func() { _, err = Import(ctx, src, filepath.Join(dir, "out.gfdust"), Options{}) })
					if n > bound {
						t.Errorf("%s byte %d = %#x: Import allocated %d bytes, bound %d", name, i, v, n, bound)
					}
					if err != nil && !strings.Contains(err.Error(), src) {
						t.Errorf("%s byte %d = %#x: Import: %v does not name the file", name, i, v, err)
					}
				}
			}
		}
	}
}

// TestBayestarTruncated cuts the fixtures to 44 bytes (and other lengths)
// and opens them as dust maps, as "gaiaflow dust query" and "dust import"
// do: each must fail with an error naming the file.
func TestBayestarTruncated(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"bayestar_mini.h5", "bayestar_mini_latest.h5"} {
		good, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{8, 12, 44, 48, 100, 512, 1000, 4096, len(good) / 2, len(good) - 1} {
			path := filepath.Join(dir, fmt.Sprintf("bayestar2019_cut%d.h5", n))
			if err := os.WriteFile(path, good[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("Open(%s cut to %d): %v, want an error naming the file", name, n, err)
			}
			out := filepath.Join(dir, "out.gfdust")
			if _, err := Import(ctx, path, out, Options{}); err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("Import(%s cut to %d): %v, want an error naming the file", name, n, err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("Import(%s cut to %d) left %s", name, n, out)
			}
		}
	}
}

// compactFixture returns the compact form of the real Argonaut sight lines
// (argonaut_bayestar2015.h5), as Write makes it.
func compactFixture(t testing.TB) []byte {
	t.Helper()
	g, err := ReadBayestar(openH5(t, "testdata/argonaut_bayestar2015.h5"), "argonaut_bayestar2015.h5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, g, "argonaut_bayestar2015.h5"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCompactHeaderBitFlip flips each bit of the header of a compact file
// (magic, length, the JSON with units and distance moduli, and its
// checksum). The header of format version 1 had no checksum: a flipped bit
// in the units or a distance modulus was accepted and shifted every query.
// Every flip must now be an error wrapping ErrFormat.
func TestCompactHeaderBitFlip(t *testing.T) {
	good := compactFixture(t)
	if _, err := Read(bytes.NewReader(good)); err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint32(good[8:12]))
	accepted := 0
	for i := 0; i < 12+n+4; i++ {
		for bit := 0; bit < 8; bit++ {
			bad := bytes.Clone(good)
			bad[i] ^= 1 << bit
			if _, err := Read(bytes.NewReader(bad)); err == nil {
				accepted++
				if accepted < 5 {
					t.Errorf("byte %d bit %d (%q -> %q): accepted", i, bit, good[i], bad[i])
				}
			} else if !errors.Is(err, ErrFormat) {
				t.Errorf("byte %d bit %d: %v, want ErrFormat", i, bit, err)
			}
		}
	}
	if accepted > 0 {
		t.Errorf("%d of %d flipped header bits accepted", accepted, 8*(12+n+4))
	}
}

// stream hides the Size method of a reader, as a network stream would.
type stream struct{ r io.Reader }

func (s stream) Read(p []byte) (int, error) { return s.r.Read(p) }

// TestCompactTruncatedStream cuts a compact file read as a stream of unknown
// length: the header's sizes are not checked against a file size, so the
// arrays must grow with the bytes that arrive, not with what the header
// says.
func TestCompactTruncatedStream(t *testing.T) {
	good := compactFixture(t)
	if _, err := Read(stream{bytes.NewReader(good)}); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(good); n += 97 {
		_, err := Read(stream{bytes.NewReader(good[:n])})
		if !errors.Is(err, ErrFormat) {
			t.Errorf("cut to %d bytes: %v, want ErrFormat", n, err)
		}
	}
}

// TestCompactVersion1 reads a file of format version 1 (written by this
// package before the header checksum, from argonaut_bayestar2015.h5): it
// is refused, telling the user how to rewrite it.
func TestCompactVersion1(t *testing.T) {
	_, err := ReadFile(context.Background(), "testdata/argonaut_bayestar2015_v1.gfdust")
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "version 1") ||
		!strings.Contains(err.Error(), "gaiaflow dust import") || !strings.Contains(err.Error(), "argonaut_bayestar2015_v1.gfdust") {
		t.Errorf("version 1 file: %v", err)
	}
}
