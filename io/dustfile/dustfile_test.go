package dustfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/hdf5"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/store/storetest"
	"github.com/gaiaflow/gaiaflow/model/dust"
)

// The fixtures are written by ../hdf5/testdata/make_fixtures.py with h5py in
// the layout of the Bayestar files: bayestar_mini*.h5 (37 pixels, nside 64
// to 256, 5 samples x 120 DM, values a formula of the row), and
// argonaut_bayestar2015.h5 (the 8 real Argonaut sight lines of
// ../../model/dust/testdata/argonaut_output_v1.txt, one pixel each).

var mini = Options{Version: "bayestar2019"}

// miniCover is the pixel list of the fixture (healpix_cover in the script).
func miniCover() (nside []int32, pix []int64) {
	for p := int64(1000); p < 1016; p++ {
		switch p % 4 {
		case 1:
		case 0:
			for q := 4 * p; q < 4*p+4; q++ {
				if q == 4*p {
					for r := 4 * q; r < 4*q+4; r++ {
						nside, pix = append(nside, 256), append(pix, r)
					}
				} else {
					nside, pix = append(nside, 128), append(pix, q)
				}
			}
		default:
			nside, pix = append(nside, 64), append(pix, p)
		}
	}
	return append(nside, 64), append(pix, 46599)
}

func openH5(t testing.TB, path string) *hdf5.File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	st, _ := fh.Stat()
	f, err := hdf5.Open(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestReadBayestarMini(t *testing.T) {
	nside, pix := miniCover()
	var grids []*dust.Grid
	for _, name := range []string{"bayestar_mini.h5", "bayestar_mini_latest.h5"} {
		g, err := ReadBayestar(openH5(t, "testdata/"+name), name, mini)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		grids = append(grids, g)
		if !reflect.DeepEqual(g.NSide, nside) || !reflect.DeepEqual(g.Pixel, pix) {
			t.Errorf("%s: pixels %v %v", name, g.NSide, g.Pixel)
		}
		if len(g.DM) != 120 || g.DM[0] != 4 || g.DM[119] != 18.875 || g.NumSamples != 5 {
			t.Errorf("%s: DM %v..., %d samples", name, g.DM[:3], g.NumSamples)
		}
		for row := range nside {
			wantNaN := row == 3
			if math.IsNaN(float64(g.DMReliableMin[row])) != wantNaN || (!wantNaN && (g.DMReliableMin[row] != 6 || g.DMReliableMax[row] != 15.5)) {
				t.Errorf("%s row %d: reliable %v..%v", name, row, g.DMReliableMin[row], g.DMReliableMax[row])
			}
			if g.Converged[row] != (row != 5) {
				t.Errorf("%s row %d: converged %v", name, row, g.Converged[row])
			}
			for k := 0; k < 120; k++ {
				// The script's formulas, in float64 then rounded to float32.
				if got, want := g.Best[row*120+k], float32(0.01*float64(row+1)*float64(k+1)/120*1.05); got != want {
					t.Fatalf("%s best[%d][%d] = %v, want %v", name, row, k, got, want)
				}
				for s := 0; s < 5; s++ {
					want := float32(0.01 * float64(row+1) * float64(k+1) / 120 * (1 + 0.1*float64(s)))
					if got := g.Samples[(row*120+k)*5+s]; got != want {
						t.Fatalf("%s samples[%d][%d][%d] = %v, want %v", name, row, k, s, got, want)
					}
				}
			}
		}
	}
	g, err := ReadBayestar(openH5(t, "testdata/bayestar_mini.h5"), "x.h5", Options{Version: "bayestar2019", MaxSamples: 2})
	if err != nil {
		t.Fatal(err)
	}
	if g.NumSamples != 2 || len(g.Samples) != 37*120*2 || g.Samples[(7*120+9)*2+1] != grids[0].Samples[(7*120+9)*5+1] {
		t.Errorf("MaxSamples 2: %d samples", g.NumSamples)
	}
	if _, err := ReadBayestar(openH5(t, "testdata/bayestar_mini.h5"), "map.h5", Options{}); err == nil ||
		!strings.Contains(err.Error(), "give the version") {
		t.Errorf("no version: %v", err)
	}
}

// argonaut reads the sight lines' positions and sample values (testdata of
// model/dust, the source of argonaut_bayestar2015.h5).
func argonaut(t *testing.T) (lb [][2]float64, samples [][][]float64) {
	fh, err := os.Open("../../model/dust/testdata/argonaut_output_v1.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "#     l ="):
			v, _ := strconv.ParseFloat(f[3], 64)
			lb = append(lb, [2]float64{v, 0})
			samples = append(samples, nil)
		case strings.HasPrefix(line, "#     b ="):
			lb[len(lb)-1][1], _ = strconv.ParseFloat(f[3], 64)
		case len(f) == 33 && f[1] == "|":
			if _, err := strconv.Atoi(f[0]); err != nil {
				continue // BestFit
			}
			var row []float64
			for _, s := range f[2:] {
				v, _ := strconv.ParseFloat(s, 64)
				row = append(row, v)
			}
			samples[len(samples)-1] = append(samples[len(samples)-1], row)
		}
	}
	return lb, samples
}

// TestArgonautHDF5: the real Bayestar15 values through the whole path, HDF5
// file -> map -> query, the release taken from the file name.
func TestArgonautHDF5(t *testing.T) {
	ctx := context.Background()
	m, err := Open(ctx, "testdata/argonaut_bayestar2015.h5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Units() != dust.Bayestar15Units || m.Samples() != 20 {
		t.Errorf("units %v, %d samples", m.Units(), m.Samples())
	}
	lb, samples := argonaut(t)
	if len(lb) != 8 {
		t.Fatalf("%d sight lines", len(lb))
	}
	n := 0
	for i := range lb {
		for k := 0; k < 31; k++ {
			d := math.Pow(10, (4+0.5*float64(k))/5+1)
			for s := 0; s < 20; s++ {
				p := m.At(lb[i][0], lb[i][1], d, dust.DrawFor(s, 20))
				if want := float64(float32(samples[i][s][k])); math.Abs(p.Sample-want) > 1e-12 || p.Flags&dust.Covered == 0 {
					t.Fatalf("sight line %d DM %v sample %d: %v, want %v", i, 4+0.5*float64(k), s, p.Sample, want)
				}
				n++
			}
		}
	}
	t.Logf("%d Argonaut values reproduced through HDF5", n)
}

func TestCompactRoundTrip(t *testing.T) {
	ctx := context.Background()
	g, err := ReadBayestar(openH5(t, "testdata/bayestar_mini.h5"), "", mini)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, g, "bayestar_mini.h5"); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got.Units = dust.Units{}
	if !reflect.DeepEqual(gridNoNaN(got), gridNoNaN(g)) {
		t.Errorf("round trip differs")
	}
	// Import streams the same bytes.
	dir := t.TempDir()
	out := filepath.Join(dir, "mini.gfdust")
	s, err := Import(ctx, "testdata/bayestar_mini.h5", out, mini)
	if err != nil {
		t.Fatal(err)
	}
	if s.Pixels != 37 || s.Levels[256] != 16 || s.Samples != 5 {
		t.Errorf("summary %+v", s)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, buf.Bytes()) {
		t.Errorf("Import wrote %d bytes, Write %d; they differ", len(b), buf.Len())
	}
	// The compact file and the HDF5 file answer queries alike.
	a, err := Open(ctx, out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := Open(ctx, "testdata/bayestar_mini_latest.h5", mini)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	covered := 0
	for i := 0; i < 20000; i++ {
		// around the fixture's patch of base pixel 0
		l, b := 35+15*rng.Float64(), 30+15*rng.Float64()
		d, draw := math.Pow(10, 1+4*rng.Float64()), rng.Uint64()
		p, q := a.At(l, b, d, draw), h.At(l, b, d, draw)
		if p != q && !(math.IsNaN(p.Median) && math.IsNaN(q.Median)) {
			t.Fatalf("(%v, %v, %v): compact %+v, HDF5 %+v", l, b, d, p, q)
		}
		if p.Flags&dust.Covered != 0 {
			covered++
		}
	}
	if covered < 1000 {
		t.Errorf("only %d of 20000 queries covered", covered)
	}
	var w strings.Builder
	if err := Describe(&w, a); err != nil || !strings.Contains(w.String(), "37 pixels") || !strings.Contains(w.String(), "nside   256: 16 pixels") {
		t.Errorf("Describe: %q %v", w.String(), err)
	}
}

// gridNoNaN replaces NaN reliable bounds so that DeepEqual can compare.
func gridNoNaN(g *dust.Grid) *dust.Grid {
	c := *g
	fix := func(s []float32) []float32 {
		out := append([]float32(nil), s...)
		for i, v := range out {
			if v != v {
				out[i] = -999
			}
		}
		return out
	}
	c.DMReliableMin, c.DMReliableMax = fix(g.DMReliableMin), fix(g.DMReliableMax)
	return &c
}

func TestCompactDamage(t *testing.T) {
	g, err := ReadBayestar(openH5(t, "testdata/bayestar_mini.h5"), "", mini)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, g, ""); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for _, tt := range []struct {
		name string
		b    []byte
		want string
	}{
		{"flipped sample", func() []byte { b := bytes.Clone(good); b[len(b)-100] ^= 1; return b }(), "array samples: checksum"},
		{"truncated", good[:len(good)/2], "truncated"},
		{"no magic", []byte("hello, world"), "no magic"},
		{"future version", append([]byte("GFDUST\x00\x03"), good[8:]...), "format version 3"},
	} {
		_, err := Read(bytes.NewReader(tt.b))
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want ErrFormat saying %q", tt.name, err, tt.want)
		}
	}
}

func TestOpenKinds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	js := filepath.Join(dir, "gauss.json")
	if err := os.WriteFile(js, []byte(`{"type":"gaussian_los_uniform","ra_deg":240,"dec_deg":20,"sigma_ra_deg":40,"sigma_dec_deg":25,"peak_mag_per_kpc":0.2,"base_mag_per_kpc":0.005}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Open(ctx, js, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.(*dust.Exact); !ok || m.Samples() != 1 {
		t.Errorf("Gaussian JSON opened as %T", m)
	}
	var w strings.Builder
	if err := PrintQuery(&w, m, 30, 40, 1000, 0, dust.Extinction{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.String(), "covered yes") || !strings.Contains(w.String(), "A_G") {
		t.Errorf("PrintQuery: %s", w.String())
	}
	txt := filepath.Join(dir, "x.txt")
	os.WriteFile(txt, []byte("not a map"), 0o644)
	if _, err := Open(ctx, txt, Options{}); err == nil {
		t.Errorf("text opened as a map")
	}
	if _, err := Open(ctx, filepath.Join(dir, "missing.gfdust"), Options{}); err == nil {
		t.Errorf("missing file opened")
	}
	if _, err := Open(ctx, "testdata/bayestar_mini.h5", Options{}); err == nil || !strings.Contains(err.Error(), "give the version") {
		t.Errorf("HDF5 without a release: %v", err)
	}
	// Shared loads once.
	a, err := Shared(ctx, js, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Shared(ctx, js, Options{})
	if a != b {
		t.Errorf("Shared loaded twice")
	}
}

// TestGCS imports from and loads through Cloud Storage (an emulator).
func TestGCS(t *testing.T) {
	ctx := context.Background()
	root := storetest.Emulator(t, "maps")
	src := root + "/bayestar2015.h5"
	b, err := os.ReadFile("testdata/argonaut_bayestar2015.h5")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.WriteFile(ctx, src, b); err != nil {
		t.Fatal(err)
	}
	dst := root + "/compact/bayestar2015.gfdust"
	if _, err := Import(ctx, src, dst, Options{}); err != nil {
		t.Fatal(err)
	}
	local, err := Open(ctx, "testdata/argonaut_bayestar2015.h5", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{src, dst} {
		m, err := Shared(ctx, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.At(90, 10, 2000, 5), local.At(90, 10, 2000, 5); got != want {
			t.Errorf("%s: %+v, local %+v", p, got, want)
		}
	}
}
