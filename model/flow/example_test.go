package flow_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"gonum.org/v1/gonum/mat"
)

// Fit a flow to a table, score rows and draw samples (io/flowfile's example
// also saves and loads it).
func Example() {
	// A table of 2000 rows: two correlated columns.
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(2000, 2, nil)
	for i := 0; i < 2000; i++ {
		a := rng.NormFloat64()
		x.Set(i, 0, 3+a)
		x.Set(i, 1, a*a+0.5*rng.NormFloat64())
	}
	f, err := flow.Fit(x, nil, nil, flow.Config{Blocks: 3, Hidden: []int{32, 32}},
		flow.Train{Epochs: 10, Batch: 200, LR: 3e-3, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Score: log p of each row, in the table's units.
	lp := f.LogProb(nil, x, nil)
	mean := 0.0
	for _, v := range lp {
		mean += v / float64(len(lp))
	}
	fmt.Println("mean log p finite:", !math.IsNaN(mean) && !math.IsInf(mean, 0))

	// Sample.
	s := f.Sample(nil, 5, nil, rand.New(rand.NewPCG(3, 4)))
	r, c := s.Dims()
	fmt.Println("samples:", r, "x", c)

	// Output:
	// mean log p finite: true
	// samples: 5 x 2
}
