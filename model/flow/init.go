package flow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Init is how New draws the initial weights. Biases start at zero either way.
type Init int

const (
	// Orthogonal draws each weight matrix as the orthogonal factor of a
	// Gaussian matrix (torch.nn.init.orthogonal_, gain 1), as the
	// reference does.
	Orthogonal Init = iota
	// Xavier draws weights uniformly in ±sqrt(6/(fan_in+fan_out))
	// (Glorot & Bengio 2010).
	Xavier
)

// String returns "orthogonal" or "xavier".
func (i Init) String() string {
	switch i {
	case Orthogonal:
		return "orthogonal"
	case Xavier:
		return "xavier"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// ParseInit returns the Init named s ("orthogonal" or "xavier").
func ParseInit(s string) (Init, error) {
	switch s {
	case "orthogonal", "":
		return Orthogonal, nil
	case "xavier":
		return Xavier, nil
	}
	return 0, fmt.Errorf("flow: unknown init %q (want orthogonal or xavier)", s)
}

// initWeights fills w, rows x cols row-major, as init says.
func initWeights(init Init, w []float64, rows, cols int, rng *rand.Rand) {
	if len(w) != rows*cols {
		panic("flow: initWeights size mismatch")
	}
	if len(w) == 0 {
		return
	}
	switch init {
	case Xavier:
		a := math.Sqrt(6 / float64(rows+cols))
		for i := range w {
			w[i] = a * (2*rng.Float64() - 1)
		}
	case Orthogonal:
		// As torch.nn.init.orthogonal_: QR of a Gaussian matrix with more
		// rows than columns, Q's columns signed by diag(R), transposed
		// back if the weight is wide.
		r, c := rows, cols
		if r < c {
			r, c = c, r
		}
		g := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		var qr mat.QR
		qr.Factorize(g)
		var q, rr mat.Dense
		qr.QTo(&q)
		qr.RTo(&rr)
		for j := 0; j < c; j++ {
			s := 1.0
			if rr.At(j, j) < 0 {
				s = -1
			}
			for i := 0; i < r; i++ {
				v := s * q.At(i, j)
				if rows >= cols {
					w[i*cols+j] = v
				} else {
					w[j*cols+i] = v
				}
			}
		}
	default:
		panic("flow: unknown Init")
	}
}
