package dustfile

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gaiaflow/gaiaflow/model/dust"
)

// syntheticGrid is a Bayestar19-shaped map of npix nside-1024 pixels (5
// samples x 120 distance moduli), values a cheap formula.
func syntheticGrid(npix int) *dust.Grid {
	const ndm, ns = 120, 5
	g := &dust.Grid{Version: "bayestar2019", NumSamples: ns,
		NSide: make([]int32, npix), Pixel: make([]int64, npix),
		DMReliableMin: make([]float32, npix), DMReliableMax: make([]float32, npix), Converged: make([]bool, npix),
		Best: make([]float32, npix*ndm), Samples: make([]float32, npix*ndm*ns)}
	for k := 0; k < ndm; k++ {
		g.DM = append(g.DM, 4+0.125*float64(k))
	}
	for i := range npix {
		g.NSide[i], g.Pixel[i] = 1024, int64(i)*5 // every fifth nside-1024 pixel
		g.DMReliableMin[i], g.DMReliableMax[i], g.Converged[i] = 6, 15, true
	}
	for i := range g.Best {
		g.Best[i] = float32(i%ndm) * 0.01
	}
	for i := range g.Samples {
		g.Samples[i] = float32(i%(ndm*ns)) * 0.002
	}
	return g
}

// BenchmarkLoad measures loading a compact Bayestar19-shaped map from local
// disk (page cache warm after the first run): seconds per load, MB/s, and
// the heap the map holds. Sizes (pixels) come from
// GAIAFLOW_DUST_BENCH_PIXELS, comma-separated (default 100000); the full
// Bayestar19 is about 2.5 million pixels and 7.2 GB.
func BenchmarkLoad(b *testing.B) {
	sizes := []int{100000}
	if s := os.Getenv("GAIAFLOW_DUST_BENCH_PIXELS"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	ctx := context.Background()
	for _, npix := range sizes {
		b.Run(strconv.Itoa(npix), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "synthetic.gfdust")
			t0 := time.Now()
			if err := WriteFile(ctx, path, syntheticGrid(npix), "synthetic"); err != nil {
				b.Fatal(err)
			}
			st, _ := os.Stat(path)
			b.Logf("wrote %.0f MB in %v", float64(st.Size())/1e6, time.Since(t0))
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var m dust.Map
			b.ResetTimer()
			for b.Loop() {
				m = nil
				runtime.GC()
				var err error
				if m, err = Open(ctx, path, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(st.Size())/1e6*float64(b.N)/b.Elapsed().Seconds(), "MB/s")
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "heapMB")
			runtime.KeepAlive(m)
		})
	}
}
