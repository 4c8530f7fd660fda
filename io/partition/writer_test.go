package partition

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// randomRow returns a star with every DR2 value set, some missing, and some
// of awkward magnitude, for round trips.
func randomRow(rng *rand.Rand, id int64) star.Row {
	r := star.NewRow()
	r.SourceID = id
	r.RA, r.Dec = 360*rng.Float64(), 180*rng.Float64()-90
	r.L, r.B = 360*rng.Float64(), 180*rng.Float64()-90
	vals := []*float64{&r.Parallax, &r.ParallaxError, &r.PMRA, &r.PMRAError, &r.PMDec, &r.PMDecError,
		&r.G, &r.BP, &r.RP, &r.GFluxOverError, &r.BPFluxOverError, &r.RPFluxOverError, &r.Chi2AL}
	for _, v := range vals {
		switch k := rng.IntN(20); {
		case k == 0:
			*v = math.NaN()
		case k == 1:
			*v = rng.NormFloat64() * 1e-9 // exponent form
		case k == 2:
			*v = rng.NormFloat64() * 1e18
		case k == 3:
			*v = float64(rng.IntN(100)) // integral
		case k == 4:
			*v = math.Copysign(0, -1)
		default:
			*v = 20 * rng.NormFloat64()
		}
	}
	r.BPRP = r.BP - r.RP
	if rng.IntN(10) == 0 {
		r.NGoodObsAL = math.NaN()
	} else {
		r.NGoodObsAL = float64(rng.IntN(1000))
	}
	return r
}

func TestDR2Header(t *testing.T) {
	real := strings.SplitN(string(readTestFile(t, dr2File)), "\n", 2)[0]
	if DR2Header != real {
		t.Errorf("DR2Header differs from the header of %s", dr2File)
	}
	if n := len(strings.Split(DR2Header, ",")); n != 94 {
		t.Errorf("DR2Header has %d columns, want 94", n)
	}
	var buf bytes.Buffer
	w := NewDR2Writer(&buf)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != DR2Header+"\n" {
		t.Errorf("empty file %q", buf.String())
	}
	res := readBytes(t, buf.Bytes(), "empty.csv", Options{})
	if res.err != nil || res.counts != (Counts{}) {
		t.Errorf("reading a header-only file: %+v, %v", res.counts, res.err)
	}
}

// TestWriterRoundTripReal writes the 1,000 real DR2 stars and reads them back.
func TestWriterRoundTripReal(t *testing.T) {
	data := readTestFile(t, dr2File)
	ref := readBytes(t, data, "ref", Options{})
	var buf bytes.Buffer
	w := NewDR2Writer(&buf)
	for _, r := range ref.rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got := readBytes(t, buf.Bytes(), "written", Options{})
	if got.err != nil {
		t.Fatal(got.err)
	}
	sameRows(t, "round trip", got.rows, ref.rows)

	// The extra columns: compare with the archive's own values.
	orig := strings.Split(strings.TrimSpace(string(data)), "\n")
	out := strings.Split(strings.TrimSpace(buf.String()), "\n")
	names := strings.Split(DR2Header, ",")
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	for i := 1; i < len(orig); i++ {
		o, g := strings.Split(orig[i], ","), strings.Split(out[i], ",")
		if len(g) != 94 {
			t.Fatalf("line %d has %d fields", i+1, len(g))
		}
		if g[idx["random_index"]] != strconv.Itoa(i-1) {
			t.Errorf("line %d: random_index %q", i+1, g[idx["random_index"]])
		}
		for _, n := range []string{"solution_id", "designation", "source_id", "ref_epoch"} {
			if o[idx[n]] != g[idx[n]] {
				t.Errorf("line %d: %s %q, archive %q", i+1, n, g[idx[n]], o[idx[n]])
			}
		}
		// Derived fluxes, parallax_over_error, bp_g, g_rp: equal to the
		// archive's within the float32 rounding of the magnitudes it gives.
		for _, n := range []string{"parallax_over_error", "phot_g_mean_flux", "phot_bp_mean_flux", "phot_rp_mean_flux",
			"phot_g_mean_flux_error", "phot_rp_mean_flux_error", "bp_g", "g_rp"} {
			ov, gv := o[idx[n]], g[idx[n]]
			if (ov == "") != (gv == "") {
				t.Errorf("line %d: %s %q, archive %q", i+1, n, gv, ov)
				continue
			}
			if ov == "" {
				continue
			}
			a, _ := strconv.ParseFloat(ov, 64)
			b, _ := strconv.ParseFloat(gv, 64)
			tol := 1e-5 * math.Abs(a) // 2e-6 mag is 2e-6 relative in flux
			if n == "bp_g" || n == "g_rp" {
				tol = 5e-6
			}
			if math.Abs(a-b) > tol {
				t.Errorf("line %d: %s %v, archive %v", i+1, n, b, a)
			}
		}
	}
}

// TestWriterRoundTripRandom: awkward values survive writing and reading bit
// for bit, in many gzipped files; counts and source_id checksums are exact.
func TestWriterRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, 2999, 4096, 4097, 10000}
	var id int64 = 1 << 40
	for f, n := range sizes {
		var want []star.Row
		var sum uint64
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		w := NewDR2Writer(zw)
		blk := &star.Block{}
		for range n {
			id += 1 + rng.Int64N(1<<30)
			r := randomRow(rng, id)
			want = append(want, r)
			sum += uint64(id)
			blk.Append(r)
		}
		if err := w.WriteBlock(blk); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("GaiaSource_%d.csv.gz", f)
		res := readBytes(t, buf.Bytes(), name, Options{})
		if res.err != nil {
			t.Fatal(res.err)
		}
		if res.counts != (Counts{Rows: int64(n), Stars: int64(n)}) || idSum(res.rows) != sum {
			t.Fatalf("%s: counts %+v checksum %d, want %d stars, checksum %d", name, res.counts, idSum(res.rows), n, sum)
		}
		if want := (n + DefaultBlockSize - 1) / DefaultBlockSize; len(res.blocks) != want {
			t.Errorf("%s: %d blocks, want %d", name, len(res.blocks), want)
		}
		sameRows(t, name, res.rows, want)
	}
}

// TestGzipMembers: a file made of several gzip members (as gzip file
// concatenation or parallel compressors make) reads as one stream.
func TestGzipMembers(t *testing.T) {
	data := readTestFile(t, dr2File)
	ref := readBytes(t, data, "ref", Options{})
	lines := strings.SplitAfter(string(data), "\n")
	var multi []byte
	for _, part := range [][]string{lines[:1], lines[1:400], lines[400:401], lines[401:]} {
		multi = append(multi, gzipBytes(t, []byte(strings.Join(part, "")))...)
	}
	got := readBytes(t, multi, "multi.csv.gz", Options{})
	if got.err != nil {
		t.Fatal(got.err)
	}
	sameRows(t, "gzip members", got.rows, ref.rows)
}

func TestWriterRejectsNoPosition(t *testing.T) {
	var buf bytes.Buffer
	w := NewDR2Writer(&buf)
	r := star.NewRow()
	r.SourceID, r.RA = 7, 1
	if err := w.Write(r); err == nil {
		t.Error("a star without dec was written")
	}
}

func TestAppendFloat(t *testing.T) {
	tenth := 0.1 // a variable, so that 0.1 + 0.2 is a float64 sum
	for _, tc := range []struct {
		v    float64
		bits int
		want string
	}{
		{2015.5, 64, "2015.5"}, {5, 64, "5.0"}, {0, 64, "0.0"}, {math.Copysign(0, -1), 64, "-0.0"},
		{1e-5, 64, "1e-05"}, {1e16, 64, "1e+16"}, {123456789.125, 64, "123456789.125"},
		{tenth + 0.2, 64, "0.30000000000000004"}, {1.3101698, 32, "1.3101698"}, {math.NaN(), 64, ""},
		{math.Inf(-1), 64, "-Inf"},
	} {
		if got := string(appendFloat(nil, tc.v, tc.bits)); got != tc.want {
			t.Errorf("appendFloat(%v, %d) = %q, want %q (Python repr)", tc.v, tc.bits, got, tc.want)
		}
	}
}
