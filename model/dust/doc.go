// Package dust holds the dust maps of gaiaflow and the extinction they give
// in the Gaia bands (paper 000 §3.2).
//
// A Map answers, at Galactic (l, b) in degrees and a distance in parsecs, the
// cumulative reddening E along the line of sight: the median, mean and
// standard deviation over the map's posterior samples, one sample chosen by
// the caller's seeded 64-bit draw, the best fit, and flags (covered,
// distance reliable, fit converged). Bayestar is the map of Green et al.
// (2015, 2018, 2019) as the dustmaps package queries it; Exact serves an
// analytic map, such as the Gaussian of the simulation (paper 000 §4.1).
// Queries run over blocks of stars without allocating.
//
// E is in the map's own units (Units); Extinction turns it into A_G,
// E(BP-RP) and E(BP-G) through E(g-r). Reading map files is io/dustfile's.
package dust
