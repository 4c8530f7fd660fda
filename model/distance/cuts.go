package distance

import (
	"fmt"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// Cut is the reason a star does not enter the distance estimate. Each has a
// name for the pipeline's counters; a star is counted under the first cut
// it fails, in the order below.
type Cut int

const (
	CutDec         Cut = iota // "dec": no dec, or dec <= MinDec (-30): outside Bayestar
	CutPhotometry             // "photometry": no G, BP, or BP-RP (nor BP and RP to form it)
	CutParallax               // "parallax": no parallax, or a parallax error that is not positive and finite
	CutNoRUWE                 // "no_ruwe": training only: no ruwe value and no chi2, n_good and u0 table to compute it
	CutRUWE                   // "ruwe": training only: RUWE >= Config.MaxRUWE (1.4)
	CutDust                   // "dust": the dust map has no value on the line of sight (a hole), or no l, b
	CutColourError            // "colour_error": training only: BP-RP error above Config.MaxColourError
	NumCuts
)

// MinDec is the declination, in degrees, at or below which stars are cut:
// the southern limit of the Bayestar map (paper 000 §2).
const MinDec = -30.0

var cutNames = [NumCuts]string{"dec", "photometry", "parallax", "no_ruwe", "ruwe", "dust", "colour_error"}

// String returns the cut's counter name.
func (c Cut) String() string {
	if c >= 0 && c < NumCuts {
		return cutNames[c]
	}
	return fmt.Sprintf("Cut(%d)", int(c))
}

// Counts is what became of the stars offered to Prepare: every star is in
// Kept or in exactly one Cut.
type Counts struct {
	In, Kept int64
	Cut      [NumCuts]int64
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.In += o.In
	c.Kept += o.Kept
	for i := range c.Cut {
		c.Cut[i] += o.Cut[i]
	}
}

// Tally returns the cuts of c as a star.Tally (cut.<name> for every cut,
// zero or not, so a run's counts name every cut it applied). Kept stars are
// not in it: they are counted where they leave the pipeline.
func (c *Counts) Tally() star.Tally {
	t := star.Tally{}
	for k, n := range c.Cut {
		t.Cut(Cut(k).String(), n)
	}
	return t
}

// PassesFloor reports whether a star of published parallax plx and error
// plxErr (mas) passes the training's parallax/error floor.
func (c Config) PassesFloor(plx, plxErr float64) bool {
	return !(c.MinParallaxSNR > 0) || plx/plxErr >= c.MinParallaxSNR
}

// PassesColourFloor reports whether a star whose BP-RP error is sigmaBPRP
// (mag; 0 if unknown) passes the training's colour-error floor.
func (c Config) PassesColourFloor(sigmaBPRP float64) bool {
	return !(c.MaxColourError > 0) || !(sigmaBPRP > c.MaxColourError)
}

// PassesFloors reports whether a star passes both training floors, the
// parallax/error one and the colour-error one: the selection FitSelection
// corrects.
func (c Config) PassesFloors(plx, plxErr, sigmaBPRP float64) bool {
	return c.PassesFloor(plx, plxErr) && c.PassesColourFloor(sigmaBPRP)
}
