package plot_test

import (
	"context"
	"log"

	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/model/hist"
)

// Fig. 4 from two CMD histograms that a Beam combiner filled over the
// catalog (here three stars), saved to a local or gs:// path.
func ExampleFig4() {
	gaia := hist.NewHist2D(-0.5, 3.5, 200, -5, 17, 220) // bp-rp, absolute g (mag)
	model := hist.NewHist2D(-0.5, 3.5, 200, -5, 17, 220)
	for _, s := range [][3]float64{{0.8, 4.6, 4.9}, {1.2, 0.4, 0.7}, {2.1, 9.0, 8.2}} {
		gaia.Add(s[0], s[2], 1)  // g from 1/parallax
		model.Add(s[0], s[1], 1) // g from the model's distance
	}
	if err := plot.Fig4(gaia, model).Save(context.Background(), "/tmp/gaiaflow-example/fig4.png"); err != nil {
		log.Fatal(err)
	}
}
