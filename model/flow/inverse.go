package flow

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Inverse writes x = T⁻¹(u | cond), in data units, into the rows of dst
// (allocated if nil) and returns it: the flow run backwards, in evaluation
// mode, with D sequential passes through each MADE. It panics if u has other
// than D columns or the shapes of cond or dst do not match.
func (f *Flow) Inverse(dst, u, cond *mat.Dense) *mat.Dense {
	rows := f.checkInputs(u, cond, f.cfg.D)
	dst = reuseDense(dst, rows, f.cfg.D)
	if f.Precision == Float64 {
		inverseRows(f, f.evaluator64(), dst, u, cond)
	} else {
		inverseRows(f, f.evaluator32(), dst, u, cond)
	}
	return dst
}

// Sample draws n rows from p(x | cond) into dst (allocated if nil) and
// returns it: u from a standard normal with rng, then the inverse map. cond
// is nil for an unconditional flow, or n x C, one condition per sample. It
// panics if the shapes do not match.
func (f *Flow) Sample(dst *mat.Dense, n int, cond *mat.Dense, rng *rand.Rand) *mat.Dense {
	if n <= 0 {
		panic("flow: Sample needs n >= 1")
	}
	u := mat.NewDense(n, f.cfg.D, nil)
	raw := u.RawMatrix().Data
	for i := range raw {
		raw[i] = rng.NormFloat64()
	}
	return f.Inverse(dst, u, cond)
}

func inverseRows[T float](f *Flow, e *evaluator[T], dst, u, cond *mat.Dense) {
	ws := e.get()
	defer e.put(ws)
	n := e.net
	d := n.d
	rowsAll, _ := u.Dims()
	st := &f.std
	for r0 := 0; r0 < rowsAll; r0 += e.chunk {
		rows := min(e.chunk, rowsAll-r0)
		// Conditions and ones into xin; u into ws.x.
		fillChunk(f, ws, u, cond, r0, rows, 0)
		for r := 0; r < rows; r++ {
			ur := u.RawRowView(r0 + r)
			for j := 0; j < d; j++ {
				ws.x[r*d+j] = T(ur[j])
			}
		}
		n.inverse(ws, rows)
		for r := 0; r < rows; r++ {
			out := dst.RawRowView(r0 + r)
			for j := 0; j < d; j++ {
				out[j] = float64(ws.x[r*d+j])*st.XScale[j] + st.XMean[j]
			}
		}
	}
}

// inverse maps ws.x (rows x D, the flow's output) back to the flow's input,
// in place; ws.xin holds the conditions and ones.
func (n *net[T]) inverse(ws *evalWS[T], rows int) {
	d, ldx := n.d, n.d+n.c+1
	for b := len(n.blocks) - 1; b >= 0; b-- {
		blk := &n.blocks[b]
		for r := 0; r < rows; r++ {
			v := ws.x[r*d : (r+1)*d]
			if !n.ordered {
				for i, j := 0, d-1; i < j; i, j = i+1, j-1 {
					v[i], v[j] = v[j], v[i]
				}
			}
			for j := range v {
				v[j] = (v[j] - blk.shift[j]) / blk.scale[j]
			}
			clear(ws.xin[r*ldx : r*ldx+d])
		}
		for i := 0; i < d; i++ {
			n.made(b, rows, ws.xin, ws.hs, ws.o)
			for r := 0; r < rows; r++ {
				o := ws.o[r*2*d : (r+1)*2*d]
				ws.xin[r*ldx+i] = T(float64(ws.x[r*d+i])*math.Exp(float64(o[d+i])) + float64(o[i]))
			}
		}
		for r := 0; r < rows; r++ {
			copy(ws.x[r*d:(r+1)*d], ws.xin[r*ldx:r*ldx+d])
		}
	}
}
