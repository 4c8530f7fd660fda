package anode

import (
	"fmt"
	"testing"
)

var sinkR *Result

// BenchmarkScore measures ANODE training of one search region at the
// paper's architecture (20 blocks x 64, batch 512, Full features, float32):
// both flows for 2 epochs, with the per-epoch evaluation of the SR stars
// under each flow that App. A's averages need. The patch is uniform in
// mu_lambda over [-10, 10] and the window [-3, 3] holds 30% of it. The
// throughput is in patch stars x epochs per second (an epoch of an SR is
// one pass of the SR flow over the SR stars and one of the CR flow over the
// rest of the patch).
func BenchmarkScore(b *testing.B) {
	for _, n := range []int{16384, 65536} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("stars=%d/workers=%d", n, workers), func(b *testing.B) {
				p := uniformPatch(n, -10, 10, 1)
				opt := Options{Epochs: 2, Average: 1, Workers: workers}
				b.ReportAllocs()
				for b.Loop() {
					r, err := Score(p, Window{Lo: -3, Hi: 3}, opt)
					if err != nil {
						b.Fatal(err)
					}
					sinkR = r
				}
				b.ReportMetric(float64(n*opt.Epochs*b.N)/b.Elapsed().Seconds(), "star-epochs/s")
			})
		}
	}
}

// BenchmarkRegions measures the search regions of a patch with the cluster
// statistic of every region that passes the size limits.
func BenchmarkRegions(b *testing.B) {
	n := 1 << 20
	p := uniformPatch(n, -30, 30, 2)
	b.ReportAllocs()
	for b.Loop() {
		sinkRegions = Regions(p, RegionOptions{MinStars: 1000})
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
}

var sinkRegions []Region
