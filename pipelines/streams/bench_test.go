package streams_test

import (
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/pipelines/streams"
	"github.com/gaiaflow/gaiaflow/transforms/simulate"
	tstreams "github.com/gaiaflow/gaiaflow/transforms/streams"
)

// BenchmarkPipelinePerPatch runs the whole search (read, assign, regions,
// ANODE, ROIs and Hough, merge) over one patch along GD-1 of a 400,000-star
// mock sky, with the quick ANODE at the paper's flow size (20 blocks x 64,
// 20 epochs), and reports the patch's stars per second and seconds per
// patch and per search region. The sky is small, so reading it dominates.
func BenchmarkPipelinePerPatch(b *testing.B) {
	sky := filepath.Join(b.TempDir(), "sky")
	p, s := beam.NewPipelineWithRoot()
	simulate.Write(s, mock.Config{Seed: 3, Stars: 400000, NoCMD: true, Background: true, Streams: []mock.Stream{mock.GD1Stream(3000)}}, sky)
	if err := ptest.Run(p); err != nil {
		b.Fatal(err)
	}
	var patchStars, regions, read int64
	for b.Loop() {
		opt := streams.Options{Inputs: []string{filepath.Join(sky, "GaiaSource_*.csv.gz")}, Search: tstreams.Options{
			Pixels:  []int64{31},
			Regions: anode.RegionOptions{MinStars: 300},
			Score:   anode.QuickOptions(),
			Search:  stream.Config{ROI: stream.ROIConfig{MinStars: 50}},
			Out:     filepath.Join(b.TempDir(), "run"),
		}}
		pl, err := build(b, opt)
		if err != nil {
			b.Fatal(err)
		}
		c := runCounts(b, pl, opt)
		patchStars, regions, read = c[tstreams.PatchMembers], c[tstreams.SRScored], c[star.RowsIn]
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	// Most of a small patch's time is reading the whole sky to find its stars.
	b.ReportMetric(float64(read)/sec, "stars-read/s")
	b.ReportMetric(float64(patchStars)/sec, "patch-stars/s")
	b.ReportMetric(sec, "s/patch")
	if regions > 0 {
		b.ReportMetric(sec/float64(regions), "s/region")
	}
}
