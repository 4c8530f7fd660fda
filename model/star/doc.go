// Package star defines Block, the unit of work of every gaiaflow pipeline: a
// few thousand Gaia stars stored as columns.
//
// Conventions: angles in degrees (ICRS ra, dec; Galactic l, b), parallaxes in
// mas, proper motions in mas/yr, magnitudes in Vega mag as Gaia publishes them.
// A missing value is NaN (a Gaia null); Missing reports it. Beam's cost per
// element is paid once per block, and the inner loops of model/ see contiguous
// []float64 columns.
package star
