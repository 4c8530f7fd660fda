package dustfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/hdf5"
	"github.com/gaiaflow/gaiaflow/model/dust"
)

// reseal rewrites the checksums of a compact file (the header's and the
// arrays' in the trailer) to match its bytes, as far as its header can be
// decoded, so that the fuzzer's mutations reach the checks behind them:
// sizes, the array table, the values. It returns data unchanged when the
// header does not decode.
func reseal(data []byte) []byte {
	if len(data) < 12 {
		return data
	}
	n := int(binary.LittleEndian.Uint32(data[8:12]))
	if n < 0 || 12+n+4 > len(data) {
		return data
	}
	b := bytes.Clone(data)
	binary.LittleEndian.PutUint32(b[12+n:], crc32.Checksum(b[:12+n], castagnoli))
	var h header
	if json.Unmarshal(b[12:12+n], &h) != nil {
		return b
	}
	tail := len(b) - len(trailerMagic) - 4*len(h.Arrays)
	if tail < 0 {
		return b
	}
	for i, a := range h.Arrays {
		es, ok := elemSize[a.Type]
		if !ok || a.Offset < 0 || a.Length < 0 || a.Length > int64(len(b)) {
			return b
		}
		end := a.Offset + a.Length*es
		if end > int64(tail) || a.Offset > end {
			return b
		}
		binary.LittleEndian.PutUint32(b[tail+4*i:], crc32.Checksum(b[a.Offset:end], castagnoli))
	}
	return b
}

// compactAllocBound is the most Read may allocate for a compact file of n
// bytes: a read buffer of at most 1 MiB, the header, and arrays that hold
// what the file holds (read as a stream of unknown length, arrays grow as
// bytes arrive: at most about twice that, plus the bool copy of converged).
func compactAllocBound(n int) uint64 { return 4<<20 + 8*uint64(n) }

// FuzzCompact reads arbitrary bytes as a compact dust map (.gfdust), seeded
// with the compact forms of the real Argonaut sight lines and the Bayestar
// fixture and with a file of format version 1. With fix set the checksums
// are rewritten to match the mutated bytes (reseal), so that mutations
// reach the checks behind them; with stream set the reader does not know the
// file's length. Properties: no panic; an error wraps ErrFormat; a grid
// returned passes dust.Grid.Validate and makes a map that answers a query;
// the allocation stays within compactAllocBound.
func FuzzCompact(f *testing.F) {
	f.Add(compactFixture(f), false, false)
	g, err := ReadBayestar(openH5(f, "testdata/bayestar_mini.h5"), "bayestar_mini.h5", mini)
	if err != nil {
		f.Fatal(err)
	}
	g.Samples, g.NumSamples = g.Samples[:0], 1 // a small map: one sample per pixel
	for p := range g.NSide {
		for k := range g.DM {
			g.Samples = append(g.Samples, g.Best[p*len(g.DM)+k])
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, g, "bayestar_mini.h5"); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes(), true, true)
	v1, err := os.ReadFile("testdata/argonaut_bayestar2015_v1.gfdust")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v1, false, false)
	f.Fuzz(func(t *testing.T, data []byte, fix, stream bool) {
		if fix {
			data = reseal(data)
		}
		var g *dust.Grid
		var err error
		n := allocated(func() {
			if stream {
				g, err = Read(streamReader{bytes.NewReader(data)})
			} else {
				g, err = Read(bytes.NewReader(data))
			}
		})
		if bound := compactAllocBound(len(data)); n > bound {
			t.Fatalf("a file of %d bytes made Read allocate %d bytes (bound %d)", len(data), n, bound)
		}
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		checkGrid(t, g)
	})
}

// streamReader hides the Size method of a reader.
type streamReader struct{ r *bytes.Reader }

func (s streamReader) Read(p []byte) (int, error) { return s.r.Read(p) }

// checkGrid checks a grid a reader returned: it validates, makes a map, and
// the map answers queries at the centre of every pixel without a panic.
func checkGrid(t *testing.T, g *dust.Grid) {
	t.Helper()
	if err := g.Validate(); err != nil {
		t.Fatalf("the reader returned a grid that does not validate: %v", err)
	}
	m, err := dust.NewBayestar(*g)
	if err != nil {
		t.Fatalf("the reader returned a grid NewBayestar refuses: %v", err)
	}
	for _, lb := range [][2]float64{{0, 0}, {40, 35}, {120, -10}, {300, 60}} {
		for _, d := range []float64{-1, 0, 10, 1000, 1e6} {
			m.At(lb[0], lb[1], d, 12345)
		}
	}
}

// bayestarAllocFuzzBound is the most reading a Bayestar file of n bytes may
// allocate in the fuzz target: the hdf5 reads of /pixel_info (five fields),
// /best_fit and /samples in blocks, each refused beyond what the file holds,
// and the map's arrays. Mutations do not make deflate bombs with valid
// Adler-32 sums, so the data stays within the few times n of the seeds plus
// the fill slack of a read.
func bayestarAllocFuzzBound(n int) uint64 { return 16*hdf5.FillSlack + 4096*uint64(n) }

// FuzzBayestar reads arbitrary bytes as a Bayestar HDF5 map (what "gaiaflow
// dust query" and "dust import" do with a .h5 file), seeded with the three
// Bayestar-layout fixtures (libver "earliest" files have no metadata
// checksums, so mutations reach every structure; the hdf5 package's own
// target also fuzzes past the checksums of libver "latest"). Properties:
// no panic; a grid returned passes dust.Grid.Validate and answers queries;
// allocation within bayestarAllocFuzzBound.
func FuzzBayestar(f *testing.F) {
	for _, name := range []string{"testdata/bayestar_mini.h5", "testdata/bayestar_mini_latest.h5", "testdata/argonaut_bayestar2015.h5"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var g *dust.Grid
		var err error
		n := allocated(func() { g, err = readBayestarBytes(data, "bayestar2019_fuzz.h5") })
		if bound := bayestarAllocFuzzBound(len(data)); n > bound {
			t.Fatalf("a file of %d bytes made ReadBayestar allocate %d bytes (bound %d)", len(data), n, bound)
		}
		if err == nil {
			checkGrid(t, g)
		}
	})
}
