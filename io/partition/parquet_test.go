package partition

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// pqStar is a HATS-like Gaia row: nullable columns, float32 magnitudes, an
// int32 count, and columns the reader does not use.
type pqStar struct {
	Healpix     int64    `parquet:"_healpix_29"`
	Designation string   `parquet:"designation"`
	SourceID    int64    `parquet:"source_id"`
	RA          *float64 `parquet:"ra,optional"`
	Dec         float64  `parquet:"dec"`
	Parallax    *float64 `parquet:"parallax,optional"`
	PMRA        float64  `parquet:"pmra"`
	G           *float32 `parquet:"phot_g_mean_mag,optional"`
	BP          *float32 `parquet:"phot_bp_mean_mag,optional"`
	RP          *float32 `parquet:"phot_rp_mean_mag,optional"`
	NGood       int32    `parquet:"astrometric_n_good_obs_al"`
	RUWE        *float32 `parquet:"ruwe,optional"`
}

func f32(rng *rand.Rand, lo, hi float32) *float32 {
	if rng.IntN(10) == 0 {
		return nil
	}
	v := lo + (hi-lo)*rng.Float32()
	return &v
}

func pqRows(n int) []pqStar {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([]pqStar, n)
	for i := range rows {
		ra, plx := 360*rng.Float64(), rng.NormFloat64()
		r := pqStar{
			SourceID: int64(i)<<35 + rng.Int64N(1<<35), Designation: "Gaia DR3 " + strconv.Itoa(i),
			RA: &ra, Dec: 180*rng.Float64() - 90, Parallax: &plx, PMRA: rng.NormFloat64(),
			G: f32(rng, 3, 21), BP: f32(rng, 3, 22), RP: f32(rng, 3, 20), NGood: int32(rng.IntN(500)), RUWE: f32(rng, 0.8, 3),
		}
		r.Healpix = r.SourceID << 3
		if i%1000 == 999 {
			r.Parallax = nil
		}
		rows[i] = r
	}
	return rows
}

func writeParquet(t testing.TB, rows []pqStar, rowsPerGroup int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqStar](&buf, parquet.MaxRowsPerRowGroup(rowsPerGroup))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// csvOf writes rows as an archive would: float32 values in their shortest
// float32 form, nulls empty.
func csvOf(rows []pqStar) []byte {
	var b bytes.Buffer
	b.WriteString("_healpix_29,designation,source_id,ra,dec,parallax,pmra,phot_g_mean_mag,phot_bp_mean_mag,phot_rp_mean_mag,astrometric_n_good_obs_al,ruwe\n")
	f64 := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'g', -1, 64)
	}
	f32 := func(v *float32) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(float64(*v), 'g', -1, 32)
	}
	for _, r := range rows {
		b.WriteString(strings.Join([]string{strconv.FormatInt(r.Healpix, 10), r.Designation, strconv.FormatInt(r.SourceID, 10),
			f64(r.RA), f64(&r.Dec), f64(r.Parallax), f64(&r.PMRA), f32(r.G), f32(r.BP), f32(r.RP),
			strconv.Itoa(int(r.NGood)), f32(r.RUWE)}, ","))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func readParquetBytes(t *testing.T, data []byte, name string, opt Options) result {
	t.Helper()
	var res result
	emit := func(b *star.Block) error {
		if b.File != name || b.Len() == 0 || b.Len() > opt.blockSize() {
			t.Errorf("block %q of %d stars", b.File, b.Len())
		}
		res.blocks = append(res.blocks, b.Len())
		for i := range b.Len() {
			res.rows = append(res.rows, b.Row(i))
		}
		return nil
	}
	res.counts, res.err = ReadParquet(bytes.NewReader(data), int64(len(data)), name, opt,
		emit, func(r Reject) { res.rejects = append(res.rejects, r) })
	if res.err == nil && res.counts.Rows != res.counts.Stars+res.counts.Rejected {
		t.Errorf("counts %+v do not reconcile", res.counts)
	}
	return res
}

func TestReadParquet(t *testing.T) {
	rows := pqRows(10000)
	rows[1234].RA = nil // a null in a required column
	data := writeParquet(t, rows, 3000)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.RowGroups()); n != 4 {
		t.Fatalf("test file has %d row groups, want 4", n)
	}

	res := readParquetBytes(t, data, "Npix=1.parquet", Options{BlockSize: 1000})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if res.counts != (Counts{Rows: 10000, Stars: 9999, Rejected: 1}) {
		t.Fatalf("counts %+v", res.counts)
	}
	if r := res.rejects[0]; r.Line != 1235 || r.Reason != "ra: missing value" || !strings.Contains(r.Text, "source_id=") {
		t.Errorf("reject %+v", r)
	}
	var sum uint64
	for i, r := range rows {
		if i != 1234 {
			sum += uint64(r.SourceID)
		}
	}
	if idSum(res.rows) != sum {
		t.Errorf("source_id checksum %d, want %d", idSum(res.rows), sum)
	}

	// The same stars through the CSV reader: the same values bit for bit,
	// float32 columns included.
	csvRes := readBytes(t, csvOf(rows), "csv", Options{BlockSize: 1000})
	if csvRes.err != nil {
		t.Fatal(csvRes.err)
	}
	sameRows(t, "parquet vs csv", res.rows, csvRes.rows)

	// Spot checks against the generated values.
	r, w := res.rows[0], rows[0]
	if r.SourceID != w.SourceID || r.RA != *w.RA || r.Dec != w.Dec || r.NGoodObsAL != float64(w.NGood) {
		t.Errorf("row 0: %+v from %+v", r, w)
	}
	if l, b := sky.ICRSToGalactic(r.RA, r.Dec); r.L != l || r.B != b {
		t.Errorf("l, b not derived: %v %v", r.L, r.B)
	}
	if w.G != nil && float32(r.G) != *w.G {
		t.Errorf("G %v from float32 %v", r.G, *w.G)
	}
	if !math.IsNaN(res.rows[999].Parallax) || !math.IsNaN(res.rows[0].PMDec) {
		t.Error("missing values are not NaN")
	}
	nbprp := 0
	for _, r := range res.rows {
		if !math.IsNaN(r.BPRP) {
			nbprp++
			if r.BPRP != r.BP-r.RP {
				t.Fatalf("bp_rp %v, bp - rp %v", r.BPRP, r.BP-r.RP)
			}
		}
	}
	if nbprp < 7000 {
		t.Errorf("only %d derived bp_rp", nbprp)
	}

	// ReadAny recognises Parquet.
	c, err := ReadAny(bytes.NewReader(data), int64(len(data)), "any", Options{}, func(*star.Block) error { return nil }, nil)
	if err != nil || c != res.counts {
		t.Errorf("ReadAny: %+v, %v", c, err)
	}
}

func TestReadParquetHATSFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "gaia_dr3", "dataset", "Norder=3", "Dir=0", "Npix=123.parquet")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, writeParquet(t, pqRows(500), 100), 0o644); err != nil {
		t.Fatal(err)
	}
	order, pix, ok := HATSPixel(p)
	if !ok || order != 3 || pix != 123 {
		t.Errorf("HATSPixel(%s) = %d, %d, %v", p, order, pix, ok)
	}
	c, err := ReadFile(context.Background(), p, Options{}, func(b *star.Block) error {
		if b.File != p {
			t.Errorf("File %q", b.File)
		}
		return nil
	}, nil)
	if err != nil || c != (Counts{Rows: 500, Stars: 500}) {
		t.Errorf("ReadFile: %+v, %v", c, err)
	}
}

func writeRows[T any](t *testing.T, rows []T) []byte {
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadParquetErrors(t *testing.T) {
	good := writeParquet(t, pqRows(2000), 500)
	type noDec struct {
		SourceID int64   `parquet:"source_id"`
		RA       float64 `parquet:"ra"`
	}
	type stringRA struct {
		SourceID int64  `parquet:"source_id"`
		RA       string `parquet:"ra"`
		Dec      float64
	}
	type floatID struct {
		SourceID float64 `parquet:"source_id"`
		RA       float64 `parquet:"ra"`
		Dec      float64 `parquet:"dec"`
	}
	footer := bytes.Clone(good)
	for i := len(footer) - 200; i < len(footer)-8; i++ {
		footer[i] = 0xff
	}
	tests := []struct {
		name string
		data []byte
		is   error
		part string
	}{
		{"truncated", good[:len(good)-100], ErrCorrupt, "parquet"},
		{"cut in half", good[:len(good)/2], ErrCorrupt, "parquet"},
		{"corrupt footer", footer, ErrCorrupt, "parquet"},
		{"not parquet", []byte("PAR1 this is not a parquet file PAR1"), ErrCorrupt, "parquet"},
		{"missing dec", writeRows(t, []noDec{{1, 2}}), ErrMissingColumn, "dec"},
		{"string ra", writeRows(t, []stringRA{{1, "x", 2}}), ErrFormat, "column ra has type BYTE_ARRAY"},
		{"float source_id", writeRows(t, []floatID{{1, 2, 3}}), ErrFormat, "source_id has type DOUBLE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := readParquetBytes(t, tc.data, "Npix=7.parquet", Options{})
			if !errors.Is(res.err, tc.is) || !strings.Contains(res.err.Error(), "Npix=7.parquet") || !strings.Contains(res.err.Error(), tc.part) {
				t.Errorf("error %v, want %v naming the file and %q", res.err, tc.is, tc.part)
			}
		})
	}
}

func TestHATSPixel(t *testing.T) {
	tests := []struct {
		path  string
		order int
		pix   int64
		ok    bool
	}{
		{"Norder=0/Dir=0/Npix=11.parquet", 0, 11, true},
		{"gs://bucket/gaia_dr3/dataset/Norder=5/Dir=10000/Npix=12287.parquet", 5, 12287, true},
		{"/data/hats/Norder=8/Dir=780000/Npix=786431.parquet", 8, 786431, true},
		{"/data/hats/Norder=8/Dir=0/Npix=42.parquet/part-0.parquet", 8, 42, true},
		{"/data/hats/Norder=8/Dir=0/Npix=42/", 8, 42, true},
		{"Norder=0/Dir=0/Npix=12.parquet", 0, 0, false},            // pixel out of range for order 0
		{"Norder=5/Dir=0/Npix=12287.parquet", 0, 0, false},         // wrong Dir
		{"Norder=x/Dir=0/Npix=1.parquet", 0, 0, false},             // bad order
		{"Norder=3/Dir=0/Npix=-1.parquet", 0, 0, false},            // negative pixel
		{"Norder=3/Npix=1.parquet", 0, 0, false},                   // no Dir
		{"Norder=30/Dir=0/Npix=1.parquet", 0, 0, false},            // order too deep
		{"GaiaSource_1_2.csv.gz", 0, 0, false},                     // not HATS
		{"Norder=3/Dir=0/Npix=1.parquet/a/b.parquet", 0, 0, false}, // too deep below the leaf
	}
	for _, tc := range tests {
		order, pix, ok := HATSPixel(tc.path)
		if ok != tc.ok || ok && (order != tc.order || pix != tc.pix) {
			t.Errorf("HATSPixel(%q) = %d, %d, %v; want %d, %d, %v", tc.path, order, pix, ok, tc.order, tc.pix, tc.ok)
		}
	}
}
