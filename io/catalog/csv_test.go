package catalog

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

func TestCSVRoundTrip(t *testing.T) {
	for _, nq := range []int{0, 1, 7, 100, 101} {
		want := testRows(500, nq, uint64(nq))
		var buf bytes.Buffer
		if err := WriteCSV(&buf, want); err != nil {
			t.Fatal(err)
		}
		got, err := ReadCSV(&buf, "shard.csv.gz")
		if err != nil {
			t.Fatalf("nq = %d: %v", nq, err)
		}
		checkSame(t, got, want)
	}
}

func TestCSVBlocksAndPlain(t *testing.T) {
	a, b := testRows(300, 5, 1), testRows(200, 5, 2)
	var buf bytes.Buffer
	w := NewCSVWriter(&buf)
	for _, r := range []*distance.Rows{a, {NQuantiles: 5}, b} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(testRows(3, 4, 3)); err == nil {
		t.Errorf("a block of 4 quantiles in a file of 5 was accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != 500 {
		t.Errorf("Rows = %d, want 500", w.Rows())
	}
	// Read the decompressed text too: ReadCSV sniffs gzip.
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes())) // the standard library's gzip, an independent reader
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var header string
	for _, line := range strings.Split(string(plain), "\n") {
		if !strings.HasPrefix(line, "#") {
			header = line
			break
		}
	}
	wantHeader := "source_id,ra,dec,parallax,parallax_error,dist_mean,dist_std,dist_q16,dist_q50,dist_q84," +
		"snr,e,g0,bp_rp0,bp_g0,ess,d_best,iterations,samples,flags,q00,q01,q02,q03,q04"
	if header != wantHeader {
		t.Errorf("header\n%s\nwant\n%s", header, wantHeader)
	}
	for name, in := range map[string][]byte{"gzip": buf.Bytes(), "plain": plain} {
		got, err := ReadCSV(bytes.NewReader(in), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkSame(t, got, concat(a, b))
	}
}

func TestCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, &distance.Rows{}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(&buf, "empty.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 0 || got.NQuantiles != 0 {
		t.Errorf("read %d rows of %d quantiles from an empty catalog", got.Len(), got.NQuantiles)
	}
}

// TestCSVTruncated cuts a gzipped and a plain file at several places: every
// read must fail with an error naming the file (a plain file cut exactly at
// a line end is indistinguishable from a shorter file, so it is not tried).
func TestCSVTruncated(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, testRows(2000, 10, 4)); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	for _, cut := range []int{0, 1, 10, len(full) / 3, len(full) - 9, len(full) - 1} {
		_, err := ReadCSV(bytes.NewReader(full[:cut]), "gs://bucket/cat/part-00007.csv.gz")
		if err == nil {
			t.Errorf("gzip cut at %d of %d: no error", cut, len(full))
			continue
		}
		if !strings.Contains(err.Error(), "gs://bucket/cat/part-00007.csv.gz") || !errors.Is(err, ErrFormat) {
			t.Errorf("gzip cut at %d: error %q does not name the file or wrap ErrFormat", cut, err)
		}
	}
	zr, _ := gzip.NewReader(bytes.NewReader(full))
	plain, _ := io.ReadAll(zr)
	for _, cut := range []int{len(plain) / 2, len(plain) - 1, len(plain) - 5} {
		if plain[cut-1] == '\n' {
			cut--
		}
		_, err := ReadCSV(bytes.NewReader(plain[:cut]), "part-7.csv")
		if err == nil || !strings.Contains(err.Error(), "part-7.csv: line ") {
			t.Errorf("plain cut at %d of %d: error %v", cut, len(plain), err)
		}
	}
}

func TestCSVErrors(t *testing.T) {
	header := strings.Join(Columns(2), ",")
	good := "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,10,32,0,100,200"
	for _, c := range []struct{ name, text, want string }{
		{"bad float", header + "\n" + good + "\n" + strings.Replace(good, ",4,", ",4x,", 1) + "\n",
			"f.csv: line 3, column 4 (parallax): not a valid catalog file: \"4x\": invalid syntax"},
		{"empty id", header + "\n" + strings.Replace(good, "1,", ",", 1) + "\n", "line 2, column 1 (source_id)"},
		{"flags overflow", header + "\n" + strings.Replace(good, ",32,0,", ",32,4294967296,", 1) + "\n",
			"line 2, column 20 (flags): not a valid catalog file: \"4294967296\": value out of range"},
		{"short row", header + "\n" + good + ",1\n", "line 2: not a valid catalog file: 23 fields, header has 22"},
		{"missing column", strings.Replace(header, ",snr,", ",snr_x,", 1) + "\n", "line 1: not a valid catalog file: no column snr"},
		{"quantile gap", strings.Replace(header, "q01", "q02", 1) + "\n", "2 quantile columns but no q01"},
		{"duplicate", header + ",ra\n", "column ra appears twice"},
		{"empty", "", "f.csv: not a valid catalog file: empty file"},
	} {
		_, err := ReadCSV(strings.NewReader(c.text), "f.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	// Any column order, extra columns, CRLF and a long line are fine.
	cols := Columns(2)
	cols[1], cols[5] = cols[5], cols[1]
	text := "extra," + strings.Join(cols, ",") + "\r\n" + strings.Repeat("x", 70000) + "," + good + "\r\n"
	got, err := ReadCSV(strings.NewReader(text), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got.RA[0] != 6 || got.DistMean[0] != 2 || got.Quantiles[1] != 200 || got.DBest[0] != 17 {
		t.Errorf("permuted columns read as ra %v dist_mean %v q01 %v d_best %v", got.RA[0], got.DistMean[0], got.Quantiles[1], got.DBest[0])
	}
}
