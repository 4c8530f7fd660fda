package stream_test

import (
	"fmt"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/stream"
)

// A Finder recovers the line that stars lie on, in the Hough
// parametrisation rho = phi sin(theta) - lambda cos(theta).
func ExampleFinder() {
	want := stream.Line{Theta: 1.0, Rho: 3} // radians, degrees
	var phi, lambda []float64
	for t := -8.0; t <= 8; t++ {
		p, l := want.Point(t)
		phi, lambda = append(phi, p), append(lambda, l)
	}
	phi, lambda = append(phi, -6, 5, 2), append(lambda, 4, -7, 8) // three strays
	f := stream.NewFinder(stream.HoughConfig{})
	fit := f.Find(phi, lambda)
	fmt.Printf("theta %.4f rad, rho %.4f deg; %d curves in the box, sigma_L %.1f\n",
		fit.Line.Theta, fit.Line.Rho, fit.N, fit.Sigma)
	ra, dec := fit.Line.Pole(sky.NewFrame(148.6, 24.2), stream.PoleSpan)
	fmt.Printf("great-circle pole (%.1f, %.1f)\n", ra, dec)
	// Output:
	// theta 1.0000 rad, rho 3.0000 deg; 17 curves in the box, sigma_L 6.3
	// great-circle pole (47.1, 30.7)
}

// Search runs the whole chain from search regions with R values to stream
// candidates; Simulate makes such regions with a known stream.
func ExampleSearch() {
	g := sky.NewGrid(sky.GridConfig{})
	var centres [][2]float64
	for _, i := range stream.CirclePatches(g, 34, 36, 6)[:3] {
		centres = append(centres, [2]float64{g.Patches[i].RA, g.Patches[i].Dec})
	}
	sim := stream.Simulate(stream.SimConfig{Centres: centres, PoleRA: 34, PoleDec: 36, PMRA: -5, PMDec: -12,
		BackgroundPerSR: 2000, SRsBelow: 3, SRsAbove: 3, Seed: 1})
	// The simulation has no photometry: skip the magnitude and colour cuts.
	res := stream.Search(sim.Regions, stream.Config{ROI: stream.ROIConfig{Skip: stream.CutMag | stream.CutColour}})
	best := res.Candidates[0]
	fmt.Printf("patches %v, N_SR %d, pole (%.0f, %.0f)\n", best.Patches, best.NSR, best.PoleRA, best.PoleDec)
	// Output:
	// patches [0 1 2], N_SR 5, pole (34, 36)
}
