package classifier

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// The backward pass against central finite differences of Loss, on a
// batch with unequal weights and both labels.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	n, err := New(Config{In: 3, Hidden: []int{7, 5}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	rng := keyrand.New(1, 2)
	const rows = 9
	x := mat.NewDense(rows, 3, nil)
	y := make([]bool, rows)
	w := make([]float64, rows)
	for i := range rows {
		for j := range 3 {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = i%3 == 0
		w[i] = 0.5 + rng.Float64()
	}
	tr := newTrainer(n, Train{Batch: rows}.withDefaults())
	for i := range rows {
		for j := range 3 {
			tr.ws.act[0][i*3+j] = float32(x.At(i, j))
		}
		if y[i] {
			tr.y[i] = 1
		}
		tr.w[i] = float32(w[i])
	}
	// The gradients of step without its update: a learning rate of 0 is
	// refused by Fit, so the update is undone by restoring the weights.
	saved := n.Clone()
	tr.step(rows)
	n.w, n.b = saved.w, saved.b
	check := func(name string, p []float32, g []float32) {
		for i := range p {
			const h = 1e-2
			old := p[i]
			p[i] = old + h
			up := n.Loss(x, y, w)
			p[i] = old - h
			down := n.Loss(x, y, w)
			p[i] = old
			fd := (up - down) / (2 * h)
			if math.Abs(fd-float64(g[i])) > 2e-3+0.02*math.Abs(fd) {
				t.Errorf("%s[%d]: backward %.6f, finite difference %.6f", name, i, g[i], fd)
			}
		}
	}
	for l := range n.w {
		check("w", n.w[l], tr.gw[l])
		check("b", n.b[l], tr.gb[l])
	}
}

// Two unit Gaussians a unit apart, the first class four times rarer but
// weighted to equal total weight: the logit must approach the true log
// likelihood ratio x - 1/2, as CATHODE relies on.
func TestLogitIsTheLogLikelihoodRatio(t *testing.T) {
	const nA, nB = 5000, 20000
	rng := keyrand.New(7, 1)
	x := mat.NewDense(nA+nB, 1, nil)
	y := make([]bool, nA+nB)
	w := make([]float64, nA+nB)
	for i := range nA + nB {
		if i < nA {
			x.Set(i, 0, 1+rng.NormFloat64())
			y[i], w[i] = true, float64(nA+nB)/(2*nA)
		} else {
			x.Set(i, 0, rng.NormFloat64())
			w[i] = float64(nA+nB) / (2 * nB)
		}
	}
	n, err := New(Config{In: 1, Hidden: []int{32, 32}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Fit(x, y, w, Train{Epochs: 20, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	probe := mat.NewDense(5, 1, []float64{-1, 0, 0.5, 1, 2})
	z := n.Logits(nil, probe)
	for i, zi := range z {
		xi := probe.At(i, 0)
		if want := xi - 0.5; math.Abs(zi-want) > 0.2 {
			t.Errorf("logit at %v: %.3f, want %.3f", xi, zi, want)
		}
	}
}

func TestFitRefusesBadInput(t *testing.T) {
	n, _ := New(Config{In: 2}, 1)
	x := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	for _, c := range []struct {
		name string
		y    []bool
		w    []float64
	}{
		{"labels", []bool{true}, nil},
		{"weights", []bool{true, false}, []float64{1}},
		{"negative weight", []bool{true, false}, []float64{1, -1}},
		{"NaN weight", []bool{true, false}, []float64{math.NaN(), 1}},
	} {
		if err := n.Fit(x, c.y, c.w, Train{Epochs: 1}); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(-1)} {
		bad := mat.NewDense(2, 2, []float64{1, 2, v, 4})
		if err := n.Fit(bad, []bool{true, false}, nil, Train{Epochs: 1}); err == nil || !strings.Contains(err.Error(), "row 1, column 0") {
			t.Errorf("feature %v: error %v, want one naming row 1, column 0", v, err)
		}
	}
	if _, err := New(Config{In: 0}, 1); err == nil {
		t.Error("no inputs: no error")
	}
}

// The same seed gives the same network and training.
func TestFitIsReproducible(t *testing.T) {
	x := mat.NewDense(300, 2, nil)
	y := make([]bool, 300)
	rng := keyrand.New(3, 3)
	for i := range 300 {
		x.Set(i, 0, rng.NormFloat64())
		x.Set(i, 1, rng.NormFloat64())
		y[i] = x.At(i, 0)+0.3*rng.NormFloat64() > 0
	}
	run := func() []float64 {
		n, _ := New(Config{In: 2}, 5)
		if err := n.Fit(x, y, nil, Train{Epochs: 3, Seed: 9}); err != nil {
			t.Fatal(err)
		}
		return n.Logits(nil, x)
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d: %v then %v", i, a[i], b[i])
		}
	}
}
