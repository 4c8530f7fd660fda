//go:build amd64 && !purego

package flow

import "testing"

// BenchmarkPeak measures the core's peak floating-point rate: independent
// register-to-register FMAs, no memory traffic, in the widest vectors the
// core has (AVX-512, or AVX2 on a core without it; the AVX-512 loop there
// would stop the benchmark with an illegal instruction).
func BenchmarkPeak(b *testing.B) {
	const n = 1 << 16
	type loop struct {
		name  string
		fn    func(int)
		fmas  int // independent FMAs per iteration
		lanes int
	}
	var loops []loop
	switch {
	case isa == isaAVX512:
		loops = []loop{{"f32", peakS, 24, 16}, {"f64", peakD, 24, 8}}
	case isa == isaAVX2:
		loops = []loop{{"f32_avx2", peak2S, 12, 8}, {"f64_avx2", peak2D, 12, 4}}
	default:
		b.Skip("no AVX2 or AVX-512")
	}
	for _, tc := range loops {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := cpuSeconds()
			for b.Loop() {
				tc.fn(n)
			}
			flops := float64(n*tc.fmas*tc.lanes*2) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuSeconds() - cpu0; cpu > 0 {
				b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
			}
		})
	}
}
