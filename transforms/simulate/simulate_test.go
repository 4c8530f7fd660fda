package simulate_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/simulate"
)

func TestMain(m *testing.M) { ptest.Main(m) }

func smallSky() mock.Config {
	return mock.Config{Seed: 11, Stars: 3000, Background: true, ShardLevel: 1, Streams: []mock.Stream{mock.GD1Stream(300)}}
}

func run(t *testing.T, runner, out string) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	simulate.Write(s, smallSky(), out)
	if _, err := beam.Run(context.Background(), runner, p); err != nil {
		t.Fatalf("%s: %v", runner, err)
	}
}

// TestMockSkyIsComplete checks that the manifest lists every star, that every
// partition reads back with the reader the pipelines use, that source_ids
// carry the level-12 HEALPix pixel of their position, and that the truth
// table matches its partition row for row.
func TestMockSkyIsComplete(t *testing.T) {
	out := t.TempDir()
	run(t, "prism", out)
	data, err := os.ReadFile(filepath.Join(out, mockio.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m mockio.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Stars != 3300 {
		t.Errorf("manifest lists %d stars, want 3000 + 300 stream stars", m.Stars)
	}
	var total, streamStars int64
	for _, f := range m.Files {
		var ids []int64
		emit := func(b *star.Block) error {
			for i, id := range b.SourceID {
				ids = append(ids, id)
				if pix := sky.NestedPixel(4096, b.RA[i], b.Dec[i]); pix != star.HEALPix12(id) {
					t.Fatalf("%s: source_id %d carries pixel %d, its position is in %d", f.Partition, id, star.HEALPix12(id), pix)
				}
			}
			return nil
		}
		fh, err := os.Open(filepath.Join(out, f.Partition))
		if err != nil {
			t.Fatal(err)
		}
		c, err := partition.Read(fh, f.Partition, partition.Options{}, emit, nil)
		fh.Close()
		if err != nil || c.Stars != f.Stars || c.Rejected != 0 {
			t.Fatalf("%s: %+v %v, manifest says %d stars", f.Partition, c, err, f.Stars)
		}
		if ids[0] != f.MinID || ids[len(ids)-1] != f.MaxID {
			t.Errorf("%s: ids %d..%d, manifest %d..%d", f.Partition, ids[0], ids[len(ids)-1], f.MinID, f.MaxID)
		}
		th, err := os.Open(filepath.Join(out, f.Truth))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(th)
		if err != nil {
			t.Fatal(err)
		}
		truth, labels, err := mockio.ReadTruth(zr, f.Truth)
		th.Close()
		if err != nil || len(truth) != len(ids) {
			t.Fatalf("%s: %d truth rows for %d stars: %v", f.Truth, len(truth), len(ids), err)
		}
		for i := range truth {
			if truth[i].SourceID != ids[i] {
				t.Fatalf("%s row %d: truth %d, partition %d", f.Truth, i, truth[i].SourceID, ids[i])
			}
			if labels[i] == "GD-1" {
				streamStars++
			}
		}
		total += c.Stars
	}
	if total != m.Stars || streamStars != 300 {
		t.Errorf("read %d stars (%d GD-1), want %d (300)", total, streamStars, m.Stars)
	}
	if _, err := os.Stat(filepath.Join(out, mockio.DustName)); err != nil {
		t.Error(err)
	}
}

// TestSameBitsOnEveryRunner: the embedded prism runner and the Go direct
// runner (which bundles differently and ignores Reshuffle) write identical files.
func TestSameBitsOnEveryRunner(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	run(t, "prism", a)
	run(t, "direct", b)
	var n int
	filepath.Walk(a, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between runners (%v)", rel, err)
		}
		n++
		return nil
	})
	if n < 5 {
		t.Errorf("only %d files written", n)
	}
}
