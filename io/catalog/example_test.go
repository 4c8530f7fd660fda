package catalog_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// A shard written block by block, as a DoFn does, and read back.
func ExampleCSVWriter() {
	block := &distance.Rows{
		SourceID: []int64{4295806720}, RA: []float64{44.99615537864534}, Dec: []float64{0.005615226341515}, Parallax: []float64{-0.42}, ParallaxError: []float64{0.31},
		DistMean: []float64{5376.2}, DistStd: []float64{1200.5}, DistQ16: []float64{4100}, DistQ50: []float64{5300}, DistQ84: []float64{6600},
		SNR: []float64{4.478}, E: []float64{0.05}, G: []float64{3.1}, BPRP: []float64{1.02}, BPG: []float64{math.NaN()},
		ESS: []float64{21.5}, DBest: []float64{5370}, Iterations: []int32{10}, Samples: []int32{32}, Flags: []distance.Flag{distance.FlagNegativeParallax},
	}
	var file bytes.Buffer // in a pipeline: store.Create(ctx, "gs://.../part-00000.csv.gz")
	w := catalog.NewCSVWriter(&file)
	if err := w.Write(block); err != nil {
		fmt.Println(err)
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	rows, err := catalog.ReadCSV(&file, "part-00000.csv.gz")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rows.Len(), rows.RA[0], rows.DistMean[0], rows.BPG[0], rows.Flags[0])
	// Output: 1 44.99615537864534 5376.2 NaN negative_parallax
}
