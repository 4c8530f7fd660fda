package sky_test

import (
	"fmt"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

func ExampleFrame() {
	// The patch frame of a patch centred on (ra, dec) = (150, 30).
	f := sky.NewFrame(150, 30)
	phi, lambda, pmPhi, pmLambda := f.Star(155, 32, 3, -4)
	fmt.Printf("phi %.6f lambda %.6f mu_phi* %.6f mu_lambda %.6f\n", phi, lambda, pmPhi, pmLambda)
	// Output: phi 4.241560 lambda 2.092508 mu_phi* 3.171574 mu_lambda -3.865374
}

func ExampleGrid_Containing() {
	// The default Via Machinae grid, and the patches holding a star at the
	// centre of the paper's worked example (pixel 51, l 207.0, b 50.2).
	g := sky.NewGrid(sky.GridConfig{})
	fmt.Println(len(g.Patches), "patches")
	for _, i := range g.Containing(nil, 148.6, 24.2) {
		p := g.Patches[i]
		fmt.Printf("pixel %d at l %.1f b %.1f\n", p.Pixel, p.L, p.B)
	}
	// Output:
	// 202 patches
	// pixel 32 at l 191.2 b 58.4
	// pixel 33 at l 213.8 b 58.4
	// pixel 50 at l 189.0 b 50.2
	// pixel 51 at l 207.0 b 50.2
	// pixel 52 at l 225.0 b 50.2
	// pixel 73 at l 202.5 b 41.8
	// pixel 74 at l 217.5 b 41.8
}

func ExampleNestedPixel() {
	// The Bayestar pixel (NESTED, Galactic, nside 1024) of a star.
	l, b := sky.ICRSToGalactic(193.73916652989953, -3.4349715572454791)
	fmt.Println(sky.NestedPixel(1024, l, b))
	// Output: 4068419
}
