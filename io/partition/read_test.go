package partition

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

const (
	dr2File  = "testdata/GaiaSource_like_from_pyia_gdr2_sm.csv"
	m67File  = "testdata/m67.csv.gz"
	ecsvFile = "testdata/HD_219829_query_results.ecsv"
)

// result is everything one read produced.
type result struct {
	rows    []star.Row
	blocks  []int // block lengths
	counts  Counts
	rejects []Reject
	err     error
}

// readBytes reads data with Read, checking the invariants every read must
// keep: block File and size, and Rows == Stars + Rejected on success.
func readBytes(t *testing.T, data []byte, name string, opt Options) result {
	t.Helper()
	var res result
	bs := opt.blockSize()
	emit := func(b *star.Block) error {
		if b.File != name {
			t.Errorf("%s: block File %q", name, b.File)
		}
		if b.Len() == 0 || b.Len() > bs {
			t.Errorf("%s: block of %d stars, block size %d", name, b.Len(), bs)
		}
		res.blocks = append(res.blocks, b.Len())
		for i := range b.Len() {
			res.rows = append(res.rows, b.Row(i))
		}
		return nil
	}
	rej := func(r Reject) { res.rejects = append(res.rejects, r) }
	res.counts, res.err = Read(bytes.NewReader(data), name, opt, emit, rej)
	if res.err == nil {
		c := res.counts
		if c.Rows != c.Stars+c.Rejected || c.Stars != int64(len(res.rows)) || c.Rejected != int64(len(res.rejects)) {
			t.Errorf("%s: counts %+v do not reconcile with %d stars and %d rejects", name, c, len(res.rows), len(res.rejects))
		}
	}
	return res
}

func readTestFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gunzip(t testing.TB, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// same reports whether two float64 are the same value, NaN equal to NaN.
func same(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || math.IsNaN(a) && math.IsNaN(b)
}

// rowDiff describes how two rows differ, or returns "".
func rowDiff(a, b star.Row) string {
	if a.SourceID != b.SourceID {
		return fmt.Sprintf("source_id %d != %d", a.SourceID, b.SourceID)
	}
	for c := colRA; c < numCols; c++ {
		x, y := *floatField(&a, c), *floatField(&b, c)
		if !same(x, y) {
			return fmt.Sprintf("source_id %d: %s %v != %v", a.SourceID, colNames[c], x, y)
		}
	}
	return ""
}

func sameRows(t *testing.T, what string, got, want []star.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := rowDiff(got[i], want[i]); d != "" {
			t.Fatalf("%s: row %d: %s", what, i, d)
		}
	}
}

// idSum is the checksum of a file's source_ids: their sum modulo 2^64.
func idSum(rows []star.Row) uint64 {
	var s uint64
	for _, r := range rows {
		s += uint64(r.SourceID)
	}
	return s
}

func byID(rows []star.Row) map[int64]star.Row {
	m := make(map[int64]star.Row, len(rows))
	for _, r := range rows {
		m[r.SourceID] = r
	}
	return m
}

// check compares named values of a row with wants written from the file's
// text; parsing must give exactly the float64 of that text.
func check(t *testing.T, r star.Row, want map[string]float64) {
	t.Helper()
	for name, w := range want {
		c, ok := colByName[name]
		if !ok {
			t.Fatalf("no column %s", name)
		}
		if got := *floatField(&r, c); !same(got, w) {
			t.Errorf("source_id %d: %s = %v, want %v", r.SourceID, name, got, w)
		}
	}
}

func TestReadDR2Sample(t *testing.T) {
	data := readTestFile(t, dr2File)
	res := readBytes(t, data, "GaiaSource_like.csv", Options{BlockSize: 300})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.counts != (Counts{Rows: 1000, Stars: 1000}) {
		t.Fatalf("counts %+v, want 1000 stars", res.counts)
	}
	if fmt.Sprint(res.blocks) != "[300 300 300 100]" {
		t.Errorf("blocks %v, want [300 300 300 100]", res.blocks)
	}
	// Sum of all 1,000 source_ids mod 2^64, by Python's csv module.
	if s := idSum(res.rows); s != 14797915167072832256 {
		t.Errorf("source_id checksum %d", s)
	}
	// One block for the whole file, without allocating for 2^30 stars.
	if big := readBytes(t, data, "big", Options{BlockSize: 1 << 30}); fmt.Sprint(big.blocks) != "[1000]" {
		t.Errorf("blocks %v with a huge block size", big.blocks)
	}
	m := byID(res.rows)
	// Wants: fields 6,8,10,11,13,15,29,32,51,56,61,64,74,75 of lines 2, 501
	// and 1001, printed by awk -F, from the file.
	check(t, m[4205572950572486656], map[string]float64{
		"ra": 284.99739676167115, "dec": -7.213793616274905, "parallax": 0.3368539525614086,
		"parallax_error": 0.2571070860175622, "pmra": 0.2710929173544655, "pmdec": -0.8245084067543891,
		"astrometric_n_good_obs_al": 97, "astrometric_chi2_al": 102.64346, "phot_g_mean_mag": 18.24652,
		"phot_bp_mean_mag": 18.82753, "phot_rp_mean_mag": 17.534872, "bp_rp": 1.2926579,
		"l": 27.465051949212157, "b": -5.174943757191669, "ruwe": math.NaN(),
	})
	check(t, m[5944259270526882432], map[string]float64{
		"ra": 248.36729119466835, "dec": -44.55003548645183, "parallax": -0.16291628729024624,
		"parallax_error": 0.3496595767629757, "pmra": -4.03065279258695, "pmdec": -4.898035091179704,
		"astrometric_n_good_obs_al": 285, "astrometric_chi2_al": 362.7965, "phot_g_mean_mag": 19.016504,
		"bp_rp": 2.9484978, "l": 338.9338392085158, "b": 2.251085265364177,
	})
	check(t, m[5343318858215766272], map[string]float64{
		"ra": 173.06723476570167, "dec": -56.01016634457778, "parallax": 0.07877622853323087,
		"astrometric_chi2_al": 277.95496, "phot_g_mean_mag": 15.939801, "bp_rp": 1.6035833,
		"l": 291.9749608864931, "b": 5.168184047251296,
	})
	// Line 995: bp, rp and bp_rp are empty (79 such rows, by awk), so bp_rp
	// cannot be derived and stays missing.
	check(t, m[5932522022559394816], map[string]float64{
		"phot_bp_mean_mag": math.NaN(), "phot_rp_mean_mag": math.NaN(), "bp_rp": math.NaN(),
		"parallax": -0.08044679692661501,
	})
}

func TestReadM67DR3(t *testing.T) {
	res := readBytes(t, readTestFile(t, m67File), "m67.csv.gz", Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.counts != (Counts{Rows: 1494, Stars: 1494}) {
		t.Fatalf("counts %+v, want 1494 stars", res.counts)
	}
	// Sum of all 1,494 source_ids mod 2^64, by Python's csv module.
	if s := idSum(res.rows); s != 17154382853776915456 {
		t.Errorf("source_id checksum %d", s)
	}
	m := byID(res.rows)
	// Wants: lines 2, 702 and 1495 of m67.csv, read with Python's csv.DictReader.
	check(t, m[597743311687984768], map[string]float64{
		"ra": 133.49819786634765, "dec": 10.020891914072495, "parallax": 1.3898977168705,
		"ruwe": 1.0358286, "bp_rp": 2.180664, "l": 217.92142513699764, "b": 31.734477150261093,
		"phot_g_mean_mag": 18.520203, "astrometric_n_good_obs_al": 575,
	})
	check(t, m[604914193381246336], map[string]float64{
		"parallax": 0.9922956258970593, "ruwe": 1.0650587, "bp_rp": 1.4764757, "phot_g_mean_mag": 16.16025,
	})
	check(t, m[607989355604856192], map[string]float64{
		"parallax": 1.194348403694512, "ruwe": 0.9852908, "bp_rp": 0.9932718,
		"l": 215.0255032429019, "b": 31.52059622967865, "astrometric_n_good_obs_al": 344,
	})
	// Line 529: the only row without BP and RP photometry.
	check(t, m[604903713662565248], map[string]float64{"bp_rp": math.NaN(), "phot_bp_mean_mag": math.NaN()})
}

func TestReadECSV(t *testing.T) {
	res := readBytes(t, readTestFile(t, ecsvFile), "HD_219829_query_results.ecsv", Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.counts != (Counts{Rows: 6, Stars: 6}) {
		t.Fatalf("counts %+v, want 6 stars", res.counts)
	}
	want := []int64{2661015604634933376, 2661015810793360640, 2661015540210781568,
		2661015707714189184, 2661015608930257920, 2661015913872579200}
	for i, r := range res.rows {
		if r.SourceID != want[i] {
			t.Errorf("row %d: source_id %d, want %d", i, r.SourceID, want[i])
		}
	}
	// Wants: the file read with Python's csv.reader(delimiter=' ').
	// HD 219829 itself is the third row.
	check(t, res.rows[2], map[string]float64{
		"ra": 349.72896715675495, "dec": 5.405115847648341, "parallax": 29.00319440995681,
		"pmra": 483.4165901889734, "bp_rp": 1.0438037, "l": 84.97288436651142, "b": -50.52053841797158,
		"astrometric_n_good_obs_al": 172, "ruwe": math.NaN(),
	})
	check(t, res.rows[5], map[string]float64{
		"ra": 349.7150602330541, "dec": 5.427438298209662, "parallax": -3.8129011453293926,
		"pmra": 8.260768485296449, "bp_rp": 1.0569534, "astrometric_n_good_obs_al": 82,
	})
}

// TestGzipSame reads each test file plain and gzipped: the results must be
// identical, value for value.
func TestGzipSame(t *testing.T) {
	for _, path := range []string{dr2File, m67File, ecsvFile} {
		data := readTestFile(t, path)
		var plain, zipped []byte
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			plain, zipped = gunzip(t, data), data
		} else {
			plain, zipped = data, gzipBytes(t, data)
		}
		a := readBytes(t, plain, path, Options{BlockSize: 100})
		b := readBytes(t, zipped, path, Options{BlockSize: 100})
		if a.err != nil || b.err != nil {
			t.Fatalf("%s: %v / %v", path, a.err, b.err)
		}
		if a.counts != b.counts {
			t.Errorf("%s: counts %+v plain, %+v gzipped", path, a.counts, b.counts)
		}
		sameRows(t, path, b.rows, a.rows)
	}
}

// replaceLine returns data with line n (1-based) changed by f.
func replaceLine(data []byte, n int, f func(string) string) []byte {
	lines := strings.Split(string(data), "\n")
	lines[n-1] = f(lines[n-1])
	return []byte(strings.Join(lines, "\n"))
}

// field returns field i (0-based) of a comma-separated line.
func field(line string, i int) string { return strings.Split(line, ",")[i] }

func setField(line string, i int, v string) string {
	f := strings.Split(line, ",")
	f[i] = v
	return strings.Join(f, ",")
}

func TestRejects(t *testing.T) {
	data := readTestFile(t, dr2File)
	const plx = 9 // parallax is field 10
	tests := []struct {
		name   string
		line   int
		edit   func(string) string
		reason string // a part of the reason
	}{
		{"malformed parallax", 10, func(s string) string { return setField(s, plx, "0.33x6") }, `parallax: cannot parse "0.33x6"`},
		{"two dots", 20, func(s string) string { return setField(s, plx, "1.2.3") }, "parallax:"},
		{"malformed pmdec", 30, func(s string) string { return setField(s, 14, "--1") }, "pmdec:"},
		{"malformed n_good_obs", 31, func(s string) string { return setField(s, 28, "97e") }, "astrometric_n_good_obs_al:"},
		{"malformed source_id", 40, func(s string) string { return setField(s, 2, "4205572950572486656x") }, "source_id:"},
		{"source_id too large", 41, func(s string) string { return setField(s, 2, "99999999999999999999") }, "source_id:"},
		{"empty source_id", 50, func(s string) string { return setField(s, 2, "") }, "source_id: missing value"},
		{"empty ra", 60, func(s string) string { return setField(s, 5, "") }, "ra: missing value"},
		{"null dec", 61, func(s string) string { return setField(s, 7, "null") }, "dec: missing value"},
		{"too few fields", 70, func(s string) string { return s[:strings.LastIndexByte(s, ',')] }, "93 fields, header has 94"},
		{"too many fields", 80, func(s string) string { return s + ",1" }, "95 fields, header has 94"},
		{"cut short", 90, func(s string) string { return s[:len(s)/3] }, "fields, header has 94"},
		{"empty line of commas", 91, func(s string) string { return strings.Repeat(",", 93) }, "source_id: missing value"},
		{"unterminated quote", 100, func(s string) string { return setField(s, 1, `"Gaia DR2 1`) }, "unterminated quoted field"},
		{"garbage", 110, func(s string) string { return "\x00\xff\xfe binary" }, "1 fields, header has 94"},
		// Values that parse but no Gaia row holds.
		{"infinite ra", 120, func(s string) string { return setField(s, 5, "+Inf") }, "ra: +Inf deg is outside [0, 360]"},
		{"ra off the sphere", 121, func(s string) string { return setField(s, 5, "-400") }, "ra: -400 deg is outside"},
		{"dec off the sphere", 122, func(s string) string { return setField(s, 7, "95.5") }, "dec: 95.5 deg is outside [-90, 90]"},
		{"negative source_id", 123, func(s string) string { return setField(s, 2, "-5") }, "source_id: -5 is not a Gaia source_id"},
		{"infinite parallax", 124, func(s string) string { return setField(s, plx, "inf") }, "parallax: infinite value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := replaceLine(data, tc.line, tc.edit)
			for _, zip := range []bool{false, true} {
				in := bad
				if zip {
					in = gzipBytes(t, bad)
				}
				res := readBytes(t, in, "bad.csv", Options{})
				if res.err != nil {
					t.Fatal(res.err)
				}
				if res.counts != (Counts{Rows: 1000, Stars: 999, Rejected: 1}) {
					t.Fatalf("counts %+v, want 999 stars and 1 reject", res.counts)
				}
				r := res.rejects[0]
				if r.File != "bad.csv" || r.Line != int64(tc.line) || !strings.Contains(r.Reason, tc.reason) {
					t.Errorf("reject %+v; want line %d, reason containing %q", r, tc.line, tc.reason)
				}
				if len(r.Text) > maxRejectText+3 || !strings.HasPrefix(strings.Split(string(bad), "\n")[tc.line-1], strings.TrimSuffix(r.Text, "...")) {
					t.Errorf("reject text %q", r.Text)
				}
			}
		})
	}
}

// TestRejectCallbackOptional: a nil reject callback still counts.
func TestRejectCallbackOptional(t *testing.T) {
	bad := replaceLine(readTestFile(t, dr2File), 5, func(s string) string { return setField(s, 9, "x") })
	c, err := Read(bytes.NewReader(bad), "f", Options{}, func(*star.Block) error { return nil }, nil)
	if err != nil || c != (Counts{Rows: 1000, Stars: 999, Rejected: 1}) {
		t.Fatalf("counts %+v, err %v", c, err)
	}
}

func TestFileErrors(t *testing.T) {
	data := readTestFile(t, dr2File)
	zipped := gzipBytes(t, data)
	corrupt := bytes.Clone(zipped)
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] ^= 0x5a
	}
	crc := bytes.Clone(zipped)
	crc[len(crc)-6] ^= 1 // the CRC-32 in the gzip trailer
	noRA := replaceLine(data, 1, func(s string) string { return strings.Replace(s, ",ra,", ",ra_deg,", 1) })
	noID := replaceLine(data, 1, func(s string) string { return strings.Replace(s, ",source_id,", ",sourceid,", 1) })
	dup := replaceLine(data, 1, func(s string) string { return strings.Replace(s, ",ecl_lon,", ",ra,", 1) })
	tests := []struct {
		name  string
		data  []byte
		is    error
		parts []string // in the message
	}{
		{"truncated gzip", zipped[:len(zipped)/2], ErrCorrupt, []string{"f.csv.gz", "truncated"}},
		{"gzip without trailer", zipped[:len(zipped)-4], ErrCorrupt, []string{"f.csv.gz"}},
		{"gzip header only", zipped[:5], ErrCorrupt, []string{"f.csv.gz"}},
		{"corrupt gzip", corrupt, ErrCorrupt, []string{"f.csv.gz", "gzip"}},
		{"gzip checksum", crc, ErrCorrupt, []string{"f.csv.gz", "checksum"}},
		{"gzip then garbage", append(bytes.Clone(zipped), "garbage!"...), ErrCorrupt, []string{"f.csv.gz"}},
		{"missing ra", noRA, ErrMissingColumn, []string{"f.csv.gz", "missing required column: ra"}},
		{"missing ra, gzipped", gzipBytes(t, noRA), ErrMissingColumn, []string{"f.csv.gz", ": ra"}},
		{"missing source_id", noID, ErrMissingColumn, []string{"f.csv.gz", "source_id"}},
		{"duplicate ra", dup, ErrFormat, []string{"f.csv.gz", "ra appears twice"}},
		{"empty", nil, ErrFormat, []string{"f.csv.gz", "empty"}},
		{"empty gzip", gzipBytes(t, nil), ErrFormat, []string{"f.csv.gz", "empty"}},
		{"comments only", []byte("# a\n# b\n"), ErrFormat, []string{"no header"}},
		{"parquet bytes", []byte("PAR1\x00\x00"), ErrFormat, []string{"ReadParquet"}},
		{"bad ECSV delimiter", []byte("# %ECSV 1.0\n# ---\n# delimiter: '|'\nsource_id|ra|dec\n1|2|3\n"), ErrFormat, []string{"delimiter"}},
		{"no line ends", bytes.Repeat([]byte("x"), maxLine+10), ErrFormat, []string{"longer than"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := readBytes(t, tc.data, "f.csv.gz", Options{})
			if !errors.Is(res.err, tc.is) {
				t.Fatalf("error %v, want one wrapping %v", res.err, tc.is)
			}
			for _, p := range tc.parts {
				if !strings.Contains(res.err.Error(), p) {
					t.Errorf("error %q does not mention %q", res.err, p)
				}
			}
		})
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestSourceError: a failure of the reader itself (a network error, say) is
// passed on as it is, not called corruption, gzipped or not.
func TestSourceError(t *testing.T) {
	data := readTestFile(t, dr2File)
	netErr := errors.New("connection reset")
	z := gzipBytes(t, data)
	for _, in := range [][]byte{data[:len(data)/2], z[:len(z)/2]} {
		_, err := Read(&failingReader{in, netErr}, "gs://b/f", Options{}, func(*star.Block) error { return nil }, nil)
		if !errors.Is(err, netErr) || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "gs://b/f") {
			t.Errorf("error %v, want the reader's own", err)
		}
	}
}

func TestEmitError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	c, err := Read(bytes.NewReader(gzipBytes(t, readTestFile(t, dr2File))), "f", Options{BlockSize: 100},
		func(*star.Block) error {
			if n++; n == 3 {
				return stop
			}
			return nil
		}, nil)
	if !errors.Is(err, stop) || c.Stars != 300 {
		t.Fatalf("counts %+v, error %v; want emit's error after 300 stars", c, err)
	}
}

// reorder rewrites a comma-separated file (no quotes) with its columns in the
// order of names; a name not in the file makes a column of value fill.
func reorder(data []byte, names []string, fill string) []byte {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	idx := map[string]int{}
	for i, n := range strings.Split(lines[0], ",") {
		idx[n] = i
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(names, ","))
	out.WriteByte('\n')
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		for i, n := range names {
			if i > 0 {
				out.WriteByte(',')
			}
			if j, ok := idx[n]; ok {
				out.WriteString(f[j])
			} else {
				out.WriteString(fill)
			}
		}
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

func TestReorderedHeader(t *testing.T) {
	data := readTestFile(t, dr2File)
	ref := readBytes(t, data, "ref", Options{})
	// Used columns in a shuffled order, upper-case names, and extra ones.
	names := []string{"phot_rp_mean_mag", "extra_1", "B", "pmdec_error", "ruwe", "dec", "astrometric_chi2_al",
		"phot_g_mean_flux_over_error", "bp_rp", "parallax_error", "L", "designation", "pmra", "source_id",
		"phot_bp_mean_flux_over_error", "phot_bp_mean_mag", "Ra", "pmra_error", "phot_g_mean_mag", "parallax",
		"astrometric_n_good_obs_al", "pmdec", "phot_rp_mean_flux_over_error", "extra_2"}
	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(n)
	}
	shuffled := reorder(data, lower, "")
	shuffled = replaceLine(shuffled, 1, func(string) string { return strings.Join(names, ",") })
	got := readBytes(t, shuffled, "shuffled", Options{})
	if got.err != nil {
		t.Fatal(got.err)
	}
	sameRows(t, "reordered", got.rows, ref.rows)
}

func TestDerived(t *testing.T) {
	data := readTestFile(t, dr2File)
	ref := readBytes(t, data, "ref", Options{})
	names := []string{"source_id", "ra", "dec", "parallax", "phot_g_mean_mag", "phot_bp_mean_mag", "phot_rp_mean_mag"}
	res := readBytes(t, reorder(data, names, ""), "derived", Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.rows) != 1000 {
		t.Fatalf("%d rows", len(res.rows))
	}
	nbprp := 0
	for i, r := range res.rows {
		w := ref.rows[i]
		// bp_rp derived as BP - RP agrees with the archive's bp_rp to the
		// float32 rounding of the magnitudes (ulp 1.9e-6 at 16-32 mag).
		if math.IsNaN(w.BPRP) != math.IsNaN(r.BPRP) || math.Abs(r.BPRP-w.BPRP) > 5e-6 {
			t.Errorf("source_id %d: derived bp_rp %v, file has %v", r.SourceID, r.BPRP, w.BPRP)
		}
		if !math.IsNaN(r.BPRP) {
			nbprp++
			if r.BPRP != r.BP-r.RP {
				t.Errorf("bp_rp %v != bp - rp %v", r.BPRP, r.BP-r.RP)
			}
		}
		// l, b derived from ra, dec by sky.ICRSToGalactic (astropy's Galactic
		// frame, through FK5) against the archive's l, b (the Hipparcos
		// matrix applied to ICRS): the two Galactic frames differ by about
		// 0.02 arcsec, so the tolerance is 3e-5 deg (0.1 arcsec).
		dl := math.Abs(r.L - w.L)
		if dl > 180 {
			dl = 360 - dl
		}
		if dl*math.Cos(w.B*math.Pi/180) > 3e-5 || math.Abs(r.B-w.B) > 3e-5 {
			t.Errorf("source_id %d: derived l, b = %v, %v; file has %v, %v", r.SourceID, r.L, r.B, w.L, w.B)
		}
		if !math.IsNaN(r.PMRA) || !math.IsNaN(r.Chi2AL) || !math.IsNaN(r.RUWE) {
			t.Errorf("absent columns not NaN: %+v", r)
		}
	}
	if nbprp != 921 { // 1000 - 79 rows without BP or RP (awk)
		t.Errorf("%d derived bp_rp, want 921", nbprp)
	}
}

func TestQuotedAndECSVVariants(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []star.Row // only source_id, ra, dec, parallax, g are compared
		rej  []string   // reasons
	}{
		{"quoted CSV", "\xef\xbb\xbfsource_id,designation,ra,dec,parallax,phot_g_mean_mag\n" +
			`1,"Gaia DR2 1, with comma",10.5,-20.25,"1.5",""` + "\n" +
			`2,"say ""hi""",11,12,,15` + "\n\n  \n" +
			`3,"x"y,1,2,3,4` + "\n",
			[]star.Row{{SourceID: 1, RA: 10.5, Dec: -20.25, Parallax: 1.5, G: math.NaN()},
				{SourceID: 2, RA: 11, Dec: 12, Parallax: math.NaN(), G: 15}},
			[]string{"text after the closing quote of field 2"}},
		{"ECSV comma", "# %ECSV 1.0\n# ---\n# delimiter: ','\n# datatype:\n# - {name: source_id, datatype: int64}\n" +
			"source_id,ra,dec,parallax,phot_g_mean_mag\n5,1.5,2.5,nan,--\n6,1,2,null,NaN\n7,1,2,\"\",\n",
			[]star.Row{{SourceID: 5, RA: 1.5, Dec: 2.5, Parallax: math.NaN(), G: math.NaN()},
				{SourceID: 6, RA: 1, Dec: 2, Parallax: math.NaN(), G: math.NaN()},
				{SourceID: 7, RA: 1, Dec: 2, Parallax: math.NaN(), G: math.NaN()}}, nil},
		{"ECSV space, runs and quotes", "# %ECSV 1.0\n# ---\n# datatype:\n#   delimiter: ','\n" +
			"source_id designation   ra dec parallax phot_g_mean_mag\r\n" +
			`8 """Gaia DR3 8"""  3.25 -4 "" 17.5` + "\r\n" +
			`  9 "a b" 3 4 0.5 ""  ` + "\r\n" +
			`10 "" 3 4 0.5` + "\r\n",
			[]star.Row{{SourceID: 8, RA: 3.25, Dec: -4, Parallax: math.NaN(), G: 17.5},
				{SourceID: 9, RA: 3, Dec: 4, Parallax: 0.5, G: math.NaN()}},
			[]string{"row has 5 fields, header has 6"}},
		{"CSV with comments and spaces", "# written by hand\nsource_id, ra, dec, parallax, phot_g_mean_mag\n11, 1 , 2,3 ,4\n",
			[]star.Row{{SourceID: 11, RA: 1, Dec: 2, Parallax: 3, G: 4}}, nil},
		{"no final newline", "source_id,ra,dec,parallax,phot_g_mean_mag\n12,1,2,3,4",
			[]star.Row{{SourceID: 12, RA: 1, Dec: 2, Parallax: 3, G: 4}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := readBytes(t, []byte(tc.text), tc.name, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d; rejects %v", len(res.rows), len(tc.want), res.rejects)
			}
			for i, r := range res.rows {
				w := tc.want[i]
				if r.SourceID != w.SourceID || !same(r.RA, w.RA) || !same(r.Dec, w.Dec) || !same(r.Parallax, w.Parallax) || !same(r.G, w.G) {
					t.Errorf("row %d: %+v, want %+v", i, r, w)
				}
			}
			if len(res.rejects) != len(tc.rej) {
				t.Fatalf("rejects %v, want %v", res.rejects, tc.rej)
			}
			for i, r := range res.rejects {
				if !strings.Contains(r.Reason, tc.rej[i]) {
					t.Errorf("reject %v, want reason %q", r, tc.rej[i])
				}
			}
		})
	}
}

func TestReadAnyAndFile(t *testing.T) {
	dir := t.TempDir()
	data := readTestFile(t, dr2File)
	p := filepath.Join(dir, "GaiaSource_1_2.csv.gz")
	if err := os.WriteFile(p, gzipBytes(t, data), 0o644); err != nil {
		t.Fatal(err)
	}
	var n int
	c, err := ReadFile(context.Background(), p, Options{}, func(b *star.Block) error {
		if b.File != p {
			t.Errorf("File %q", b.File)
		}
		n += b.Len()
		return nil
	}, nil)
	if err != nil || c.Stars != 1000 || n != 1000 {
		t.Fatalf("ReadFile: %+v, %d, %v", c, n, err)
	}
	if _, err := ReadFile(context.Background(), filepath.Join(dir, "none.csv"), Options{}, nil, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	c, err = ReadAny(bytes.NewReader(data), int64(len(data)), "x", Options{}, func(*star.Block) error { return nil }, nil)
	if err != nil || c.Stars != 1000 {
		t.Fatalf("ReadAny: %+v, %v", c, err)
	}
}

func TestCountsAdd(t *testing.T) {
	if got := (Counts{1, 2, 3}).Add(Counts{10, 20, 30}); got != (Counts{11, 22, 33}) {
		t.Errorf("Add: %+v", got)
	}
	if got := fmt.Sprint(RequiredColumns()); got != "[source_id ra dec]" {
		t.Errorf("RequiredColumns: %s", got)
	}
}

// TestReuse reads a CSV and a Parquet partition into one block (Reuse) and
// into a new block each time: the same stars in the same blocks, and with
// Reuse every block is the first one refilled.
func TestReuse(t *testing.T) {
	csv := readTestFile(t, dr2File)
	pq := writeParquet(t, pqRows(2500), 1000)
	reads := map[string]func(Options, func(*star.Block) error) (Counts, error){
		"csv": func(o Options, emit func(*star.Block) error) (Counts, error) {
			return Read(bytes.NewReader(csv), "f", o, emit, nil)
		},
		"parquet": func(o Options, emit func(*star.Block) error) (Counts, error) {
			return ReadParquet(bytes.NewReader(pq), int64(len(pq)), "f", o, emit, nil)
		},
	}
	for name, read := range reads {
		var fresh, reused []star.Row
		blocks := map[*star.Block]bool{}
		collect := func(rows *[]star.Row) func(*star.Block) error {
			return func(b *star.Block) error {
				blocks[b] = true
				for i := range b.Len() {
					*rows = append(*rows, b.Row(i))
				}
				return nil
			}
		}
		if _, err := read(Options{BlockSize: 300}, collect(&fresh)); err != nil {
			t.Fatal(err)
		}
		nFresh := len(blocks)
		clear(blocks)
		if _, err := read(Options{BlockSize: 300, Reuse: true}, collect(&reused)); err != nil {
			t.Fatal(err)
		}
		if len(fresh) == 0 || idSum(fresh) != idSum(reused) || fmt.Sprint(fresh) != fmt.Sprint(reused) {
			t.Errorf("%s: %d stars read into new blocks, %d into one reused block, or they differ", name, len(fresh), len(reused))
		}
		if nFresh < 3 || len(blocks) != 1 {
			t.Errorf("%s: %d blocks without Reuse, %d with it; want several and 1", name, nFresh, len(blocks))
		}
	}
}
