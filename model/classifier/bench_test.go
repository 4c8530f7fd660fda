package classifier

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// BenchmarkFit measures training at CATHODE's settings on Via Machinae's
// five features (three hidden layers of 64, batches of 128, float32), one
// goroutine, in rows x epochs per second.
func BenchmarkFit(b *testing.B) {
	const rows, in = 32768, 5
	rng := keyrand.New(1, 1)
	x := mat.NewDense(rows, in, nil)
	y := make([]bool, rows)
	for i := range rows {
		for j := range in {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = i%5 == 0
	}
	n, err := New(Config{In: in}, 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := n.Fit(x, y, nil, Train{Epochs: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "row-epochs/s")
}

// BenchmarkLogits measures evaluation of the same network, rows per second.
func BenchmarkLogits(b *testing.B) {
	const rows, in = 32768, 5
	x := mat.NewDense(rows, in, nil)
	n, _ := New(Config{In: in}, 1)
	dst := make([]float64, rows)
	for b.Loop() {
		n.Logits(dst, x)
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
