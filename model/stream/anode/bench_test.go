package anode

import (
	"fmt"
	"syscall"
	"testing"
	"time"
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

// BenchmarkPaperCost measures the cost of one search region at the paper's
// settings, ANODE against CATHODE, on the patch of BenchmarkScore (65,536
// stars, 30 % in the window), one goroutine. A unit of the schedule is 3
// epochs of each flow and, for CATHODE, 2 epochs of its classifiers (the
// ratio of the paper's 150 to CATHODE's 100); the region is scored with one
// unit (T1) and with two (T2), and the cost of the full schedule is T1 + 49
// (T2 - T1): what does not grow with the epochs (CATHODE's samples, drawn
// over the last epochs, and the setup) is counted once. Reported per patch
// of a million stars (cpu-h/1M-patch-stars, the unit of issue 12's target).
func BenchmarkPaperCost(b *testing.B) {
	const n = 65536
	for _, m := range []Method{ANODE, Cathode} {
		b.Run(m.String(), func(b *testing.B) {
			p := uniformPatch(n, -10, 10, 1)
			run := func(units int) time.Duration {
				opt := Options{Epochs: 3 * units, Average: 3, Workers: 1, Method: m, Cathode: CathodeOptions{Epochs: 2 * units, Average: 2}}
				t0 := time.Now()
				r, err := Score(p, Window{Lo: -3, Hi: 3}, opt)
				if err != nil {
					b.Fatal(err)
				}
				sinkR = r
				return time.Since(t0)
			}
			var t1, t2 time.Duration
			for b.Loop() {
				t1 += run(1)
				t2 += run(2)
			}
			full := (t1 + 49*(t2-t1)).Seconds() / float64(b.N)
			b.ReportMetric(full*1e6/n/3600, "cpu-h/1M-patch-stars")
			b.ReportMetric((t1-(t2-t1)).Seconds()/float64(b.N), "fixed-s")
		})
	}
}

// BenchmarkPeakMemory2M scores one search region (30 % of the patch) of a
// patch of 2 million stars, the largest a worker holds, at the paper's
// architecture for one epoch, and reports the process's peak resident
// memory. The peak is the process's: run one method per process
// (-bench 'PeakMemory2M/anode' or '/cathode').
func BenchmarkPeakMemory2M(b *testing.B) {
	for _, m := range []Method{ANODE, Cathode} {
		b.Run(m.String(), func(b *testing.B) {
			p := uniformPatch(2_000_000, -10, 10, 3)
			opt := Options{Epochs: 1, Average: 1, Workers: 1, Method: m, Cathode: CathodeOptions{Epochs: 1, Average: 1}}
			for b.Loop() {
				r, err := Score(p, Window{Lo: -3, Hi: 3}, opt)
				if err != nil {
					b.Fatal(err)
				}
				sinkR = r
			}
			var ru syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
		})
	}
}
