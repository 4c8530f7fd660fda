package stars_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
	"github.com/parquet-go/parquet-go"
)

type hatsRow struct {
	SourceID int64   `parquet:"source_id"`
	RA       float64 `parquet:"ra"`
	Dec      float64 `parquet:"dec"`
	Parallax float64 `parquet:"parallax"`
}

// TestReadHATSTree reads a HATS-layout Parquet tree through the pipeline: the
// reader recognises Parquet by its magic bytes, whatever the file is called.
func TestReadHATSTree(t *testing.T) {
	root := t.TempDir()
	var wantRows, wantSum int64
	for k, npix := range []int{12, 13, 700} {
		path := filepath.Join(root, "Norder=3", "Dir=0", fmt.Sprintf("Npix=%d.parquet", npix))
		os.MkdirAll(filepath.Dir(path), 0o755)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := parquet.NewGenericWriter[hatsRow](f, parquet.MaxRowsPerRowGroup(700))
		rows := make([]hatsRow, 2000+k)
		for i := range rows {
			id := int64(npix)<<53 | int64(i)
			rows[i] = hatsRow{SourceID: id, RA: float64(i % 360), Dec: 10, Parallax: 1}
			wantRows++
			wantSum += id
		}
		if _, err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	p, s := beam.NewPipelineWithRoot()
	blocks, _, _ := stars.Read(s, []string{filepath.Join(root, "Norder=*", "Dir=*", "Npix=*.parquet")}, stars.ReadOptions{})
	passert.Equals(s, stats.Sum(s, beam.ParDo(s, blockLen, blocks)), wantRows)
	passert.Equals(s, stats.Sum(s, beam.ParDo(s, blockIDSum, blocks)), wantSum)
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
}
