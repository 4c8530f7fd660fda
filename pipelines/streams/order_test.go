package streams_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
	tstreams "github.com/gaiaflow/gaiaflow/transforms/streams"
)

// TestSearchIsTheSameForStarsInAnotherOrder: the same sky with the rows of
// every file in reverse order reaches each patch in another order (a
// runner's GroupByKey fixes none either); the search must train the same
// flows and find the same ROIs, candidates and members, bit for bit.
func TestSearchIsTheSameForStarsInAnotherOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a sky and searches it twice")
	}
	dir := t.TempDir()
	skyDir := writeSky(t, dir, mock.Config{Seed: 5, Stars: 200000, NoCMD: true, Background: true, Streams: []mock.Stream{mock.GD1Stream(1000)}})
	reversed := filepath.Join(dir, "reversed")
	if err := os.MkdirAll(reversed, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(skyDir, "GaiaSource_*.csv.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("sky files: %v %v", files, err)
	}
	for _, f := range files {
		reverseRows(t, f, filepath.Join(reversed, filepath.Base(f)))
	}
	search := func(input, out string) []byte {
		so := anode.QuickOptions()
		so.Epochs, so.Blocks, so.Hidden = 2, 2, 8
		opt := streams.Options{Inputs: []string{filepath.Join(input, "GaiaSource_*.csv.gz")}, Search: tstreams.Options{
			Pixels: []int64{31}, Regions: anode.RegionOptions{MinStars: 300}, SRRange: &anode.Window{Lo: -15, Hi: -5},
			Score: so, Search: stream.Config{ROI: stream.ROIConfig{MinStars: 50}}, Out: out, ShareCR: 3,
		}}
		pl, err := build(t, opt)
		if err != nil {
			t.Fatal(err)
		}
		runCounts(t, pl, opt)
		var all []byte
		for _, f := range []string{streamio.ROIsCSV, streamio.CandidatesCSV, streamio.MembersCSV} {
			b, err := os.ReadFile(filepath.Join(out, f))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d rows", f, bytes.Count(b, []byte("\n"))-1)
			all = append(all, b...)
		}
		return all
	}
	a := search(skyDir, filepath.Join(dir, "run-a"))
	b := search(reversed, filepath.Join(dir, "run-b"))
	if n := bytes.Count(a, []byte("\n")); n < 10 {
		t.Fatalf("only %d rows of ROIs, candidates and members: the test shows nothing", n)
	}
	if !bytes.Equal(a, b) {
		la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
		diff := 0
		for i := range min(len(la), len(lb)) {
			if !slices.Equal(la[i], lb[i]) {
				diff++
			}
		}
		t.Errorf("the ROIs, candidates and members differ in %d of %d rows for the same stars in reverse order", diff, len(la))
	}
}

// reverseRows writes the gzipped CSV src to dst with its header first and
// its rows in reverse order.
func reverseRows(t *testing.T, src, dst string) {
	t.Helper()
	text, err := gz.OpenFile(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	defer text.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(text); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	slices.Reverse(lines[1:])
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(append(bytes.Join(lines, []byte("\n")), '\n')); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
