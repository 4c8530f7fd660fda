package flowfile_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// Fit a flow to a table, score rows, draw samples, and save and load it: the
// calls a command line needs.
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
	f.Meta.XNames = []string{"a", "b"}

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

	// Save and load (flowfile.Save and flowfile.Load do the same with a path).
	var buf bytes.Buffer
	if err := flowfile.Write(&buf, f); err != nil {
		fmt.Println(err)
		return
	}
	g, err := flowfile.Read(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same log p after loading:", g.LogProb(nil, x, nil)[0] == lp[0], g.Meta.XNames)
	// Output:
	// mean log p finite: true
	// samples: 5 x 2
	// same log p after loading: true [a b]
}
