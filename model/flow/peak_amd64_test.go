//go:build amd64 && !purego

package flow

import "testing"

// BenchmarkPeak measures the core's peak floating-point rate: independent
// register-to-register AVX-512 FMAs, no memory traffic.
func BenchmarkPeak(b *testing.B) {
	if !useAsm {
		b.Skip("no AVX-512")
	}
	const n = 1 << 16
	for _, tc := range []struct {
		name  string
		fn    func(int)
		lanes int
	}{{"f32", peakS, 16}, {"f64", peakD, 8}} {
		b.Run(tc.name, func(b *testing.B) {
			cpu0 := cpuSeconds()
			for b.Loop() {
				tc.fn(n)
			}
			flops := float64(n*24*tc.lanes*2) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuSeconds() - cpu0; cpu > 0 {
				b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
			}
		})
	}
}
