package hist_test

import (
	"fmt"

	"github.com/gaiaflow/gaiaflow/model/hist"
)

// A colour-magnitude diagram filled by two workers and merged, as a Beam
// combiner does: each worker's accumulator starts as the zero value or a
// NewHist2D of the agreed binning.
func ExampleHist2D_Merge() {
	newCMD := func() *hist.Hist2D { return hist.NewHist2D(-0.5, 3.5, 4, -5, 15, 4) }
	a, b := newCMD(), newCMD()
	a.Add(0.8, 4.5, 1) // bp-rp (mag), absolute G (mag)
	b.Add(0.9, 4.7, 1) // same bin
	b.Add(5.0, 4.7, 1) // too red: outside
	var total hist.Hist2D
	total.Merge(a)
	total.Merge(b)
	ix, iy, _ := total.Bin(0.8, 4.5)
	fmt.Println(total.At(ix, iy), total.Outside, total.XOver, total.Entries)
	// Output: 2 1 1 3
}
