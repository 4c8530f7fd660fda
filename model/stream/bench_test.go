package stream

import (
	"math/rand/v2"
	"testing"
)

// Package sinks keep the compiler from removing benchmarked calls.
var sinkFit Fit

// BenchmarkFind times the Hough line finder on ROIs of n uniform stars in
// the 10-degree disk with 30% of them on a line, the paper's configuration
// (100 x 100 bins, 3 x 5 inner box, outer factor 5), with either
// background.
func BenchmarkFind(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		bg   Background
	}{{"ring/100", 100, BackgroundRing}, {"ring/1000", 1000, BackgroundRing}, {"tiles/100", 100, BackgroundTiles}} {
		n := c.n
		b.Run(c.name, func(b *testing.B) {
			const sets = 64
			rng := rand.New(rand.NewPCG(3, 4))
			phi, lambda := make([][]float64, sets), make([][]float64, sets)
			for k := range sets {
				phi[k], lambda[k] = make([]float64, n), make([]float64, n)
				nl := 3 * n / 10
				OnLine(rng, phi[k][:nl], lambda[k][:nl], Line{Theta: 3 * rng.Float64(), Rho: 16*rng.Float64() - 8}, 0.1, 10)
				UniformDisk(rng, phi[k][nl:], lambda[k][nl:], 10)
			}
			f := NewFinder(HoughConfig{Background: c.bg})
			f.Find(phi[0], lambda[0])
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				sinkFit = f.Find(phi[k%sets], lambda[k%sets])
				k++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ROIs/s")
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "curves/s")
		})
	}
}

// BenchmarkSearch times Search end to end (cuts, windows, top-R, Hough,
// members, veto, merging) on a simulated patch: 7 search regions of 2000
// background stars and a stream.
func BenchmarkSearch(b *testing.B) {
	sim := Simulate(SimConfig{Centres: [][2]float64{{148.6, 24.2}}, PoleRA: 34, PoleDec: 36, PMRA: -5, PMDec: -12,
		StreamStars: 60, BackgroundPerSR: 2000, SRsBelow: 3, SRsAbove: 3, Seed: 2})
	cfg := Config{ROI: ROIConfig{Skip: CutMag | CutColour}}
	var rois, stars int
	for _, r := range sim.Regions {
		stars += r.Stars.Len()
	}
	rois = len(Search(sim.Regions, cfg).ROIs)
	b.ReportAllocs()
	for b.Loop() {
		sinkResult = Search(sim.Regions, cfg)
	}
	b.ReportMetric(float64(rois*b.N)/b.Elapsed().Seconds(), "ROIs/s")
	b.ReportMetric(float64(stars*b.N)/b.Elapsed().Seconds(), "stars/s")
}

var sinkResult *Result
