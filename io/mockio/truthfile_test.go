package mockio

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

// ReadTruthFile reads a truth table gzipped, as simulate writes it, and
// plain; a damaged gzip file is an error naming it.
func TestReadTruthFile(t *testing.T) {
	rows := []mock.Truth{{SourceID: 7, Component: mock.CMDStar, Stream: -1, Sequence: 1, Dist: 812.5, AbsG: 4.1, BPRP0: 0.9, BPG0: 0.3, E: 0.01, Parallax: 1000 / 812.5, Mass: math.NaN()}}
	var plain bytes.Buffer
	if err := WriteTruth(&plain, rows, nil); err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(plain.Bytes())
	zw.Close()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"truth.csv.gz": zipped.Bytes(), "truth.csv": plain.Bytes()} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		got, err := ReadTruthFile(context.Background(), p)
		if err != nil || len(got) != 1 || got[0].SourceID != 7 || got[0].Dist != 812.5 {
			t.Errorf("%s: %+v, %v", name, got, err)
		}
	}
	bad := filepath.Join(dir, "bad.csv.gz")
	os.WriteFile(bad, zipped.Bytes()[:20], 0o644)
	if _, err := ReadTruthFile(context.Background(), bad); err == nil {
		t.Error("a truncated gzip file: no error")
	}
}
