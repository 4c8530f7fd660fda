package sky

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Package sinks keep the compiler from removing benchmarked calls.
var (
	sinkPix int64
	sinkF   float64
	sinkIdx []int
)

// benchSky returns n random directions uniform on the sphere and proper
// motions, seeded.
func benchSky(n int) (lon, lat, pmLon, pmLat []float64) {
	rng := rand.New(rand.NewPCG(11, 12))
	lon, lat = make([]float64, n), make([]float64, n)
	pmLon, pmLat = make([]float64, n), make([]float64, n)
	for i := range n {
		lon[i] = 360 * rng.Float64()
		lat[i] = math.Asin(2*rng.Float64()-1) * rad
		pmLon[i], pmLat[i] = 10*rng.NormFloat64(), 10*rng.NormFloat64()
	}
	return lon, lat, pmLon, pmLat
}

func BenchmarkNestedPixel(b *testing.B) {
	const n = 4096
	lon, lat, _, _ := benchSky(n)
	for _, nside := range []int64{64, 1024, 4096, MaxNside} {
		b.Run(strconv.FormatInt(nside, 10), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for i := range lon {
					sinkPix += NestedPixel(nside, lon[i], lat[i])
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
		})
	}
}

func BenchmarkRingPixel(b *testing.B) {
	const n = 4096
	lon, lat, _, _ := benchSky(n)
	b.ReportAllocs()
	for b.Loop() {
		for i := range lon {
			sinkPix += RingPixel(6, lon[i], lat[i])
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
}

func BenchmarkICRSToGalactic(b *testing.B) {
	const n = 4096
	ra, dec, _, _ := benchSky(n)
	b.ReportAllocs()
	for b.Loop() {
		for i := range ra {
			l, _ := ICRSToGalactic(ra[i], dec[i])
			sinkF += l
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
}

func BenchmarkFrameStars(b *testing.B) {
	for _, n := range []int{256, 4096, 65536} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			ra, dec, pmRA, pmDec := benchSky(n)
			f := NewFrame(150, 30)
			phi, lambda := make([]float64, n), make([]float64, n)
			pmPhi, pmLambda := make([]float64, n), make([]float64, n)
			b.ReportAllocs()
			for b.Loop() {
				f.Stars(phi, lambda, pmPhi, pmLambda, ra, dec, pmRA, pmDec)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
		})
	}
}

func BenchmarkGridContaining(b *testing.B) {
	const n = 4096
	ra, dec, _, _ := benchSky(n)
	g := NewGrid(GridConfig{})
	dst := make([]int, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		for i := range ra {
			dst = g.Containing(dst, ra[i], dec[i])
		}
	}
	sinkIdx = dst
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
}

func BenchmarkNewGrid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkF += NewGrid(GridConfig{}).Radius
	}
}

// TestFrameStarsNoAlloc checks that converting columns does not allocate.
// want: 0 allocations (STYLE.md sec. 6).
func TestFrameStarsNoAlloc(t *testing.T) {
	ra, dec, pmRA, pmDec := benchSky(1000)
	f := NewFrame(10, -20)
	phi, lambda, pmPhi, pmLambda := make([]float64, 1000), make([]float64, 1000), make([]float64, 1000), make([]float64, 1000)
	if a := testing.AllocsPerRun(10, func() {
		f.Stars(phi, lambda, pmPhi, pmLambda, ra, dec, pmRA, pmDec)
		f.Stars(phi, lambda, nil, nil, ra, dec, nil, nil)
	}); a != 0 {
		t.Errorf("Frame.Stars allocates %v times per call, want 0", a)
	}
}
