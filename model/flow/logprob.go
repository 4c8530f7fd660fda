package flow

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// LogProb writes log p(x | cond) of each row of x into dst and returns it;
// dst is allocated if nil. x has D columns in data units (the flow's
// standardisation is applied here and its Jacobian included), cond has C
// columns, or is nil when C = 0. The flow is evaluated in evaluation mode
// (BatchNorm running statistics), in f.Precision arithmetic. A row with a NaN
// gives NaN.
//
// LogProb panics if x has other than D columns, if cond's shape does not
// match, or if dst is not nil and its length differs from x's rows.
func (f *Flow) LogProb(dst []float64, x, cond *mat.Dense) []float64 {
	rows := f.checkInputs(x, cond, f.cfg.D)
	dst = reuse(dst, rows)
	if f.Precision == Float64 {
		logProb(f, f.evaluator64(), dst, x, cond, nil)
	} else {
		logProb(f, f.evaluator32(), dst, x, cond, nil)
	}
	return dst
}

// Forward writes u = T(x | cond), the flow's map to the base normal, into
// the rows of dst (allocated if nil), and log|det dT/dz| of each row (in the
// standardised coordinates z) into logdet if it is not nil. It panics as
// LogProb does, or if dst or logdet has the wrong size.
func (f *Flow) Forward(dst *mat.Dense, logdet []float64, x, cond *mat.Dense) *mat.Dense {
	rows := f.checkInputs(x, cond, f.cfg.D)
	dst = reuseDense(dst, rows, f.cfg.D)
	if logdet != nil && len(logdet) != rows {
		panic("flow: logdet length mismatch")
	}
	if f.Precision == Float64 {
		forwardRows(f, f.evaluator64(), dst, logdet, x, cond)
	} else {
		forwardRows(f, f.evaluator32(), dst, logdet, x, cond)
	}
	return dst
}

// checkInputs panics unless x has d columns and cond matches, and returns
// the number of rows.
func (f *Flow) checkInputs(x, cond *mat.Dense, d int) int {
	if x == nil {
		panic("flow: nil x")
	}
	rows, cols := x.Dims()
	if cols != d {
		panic("flow: x has the wrong number of columns")
	}
	if f.cfg.C == 0 {
		if cond != nil {
			if r, c := cond.Dims(); c != 0 || r != rows {
				panic("flow: cond given to an unconditional flow")
			}
		}
		return rows
	}
	if cond == nil {
		panic("flow: conditional flow needs cond")
	}
	if r, c := cond.Dims(); r != rows || c != f.cfg.C {
		panic("flow: cond shape mismatch")
	}
	return rows
}

// reuse returns dst, or a new slice of length n if dst is nil; it panics if
// dst has another length.
func reuse(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic("flow: dst length mismatch")
	}
	return dst
}

// reuseDense returns dst, or a new r x c matrix if dst is nil or empty; it
// panics if dst has another shape.
func reuseDense(dst *mat.Dense, r, c int) *mat.Dense {
	if dst == nil {
		return mat.NewDense(r, c, nil)
	}
	if dst.IsEmpty() {
		dst.ReuseAs(r, c)
		return dst
	}
	if rr, cc := dst.Dims(); rr != r || cc != c {
		panic("flow: dst shape mismatch")
	}
	return dst
}

// fillChunk writes the standardised rows [r0, r0+rows) of x (its first k
// columns; the others zero) and cond into ws.xin with the ones column, and
// zeroes ws.ld.
func fillChunk[T float](f *Flow, ws *evalWS[T], x, cond *mat.Dense, r0, rows, k int) {
	d, c := f.cfg.D, f.cfg.C
	ldx := d + c + 1
	st := &f.std
	for r := 0; r < rows; r++ {
		dstRow := ws.xin[r*ldx : (r+1)*ldx]
		xr := x.RawRowView(r0 + r)
		for j := 0; j < d; j++ {
			if j < k {
				dstRow[j] = T((xr[j] - st.XMean[j]) / st.XScale[j])
			} else {
				dstRow[j] = 0
			}
		}
		if c > 0 {
			cr := cond.RawRowView(r0 + r)
			for j := 0; j < c; j++ {
				dstRow[d+j] = T((cr[j] - st.CMean[j]) / st.CScale[j])
			}
		}
		dstRow[d+c] = 1
		ws.ld[r] = 0
	}
}

// logJacobianStd returns -sum(log XScale) over the first k dimensions.
func (f *Flow) logJacobianStd(k int) float64 {
	s := 0.0
	for _, v := range f.std.XScale[:k] {
		s -= math.Log(v)
	}
	return s
}

// logProb evaluates log p of every row of x; with kept non-nil, only of the
// leading positions marked in it (see MarginalLogProb), x having that many
// columns.
func logProb[T float](f *Flow, e *evaluator[T], dst []float64, x, cond *mat.Dense, kept []bool) {
	ws := e.get()
	defer e.put(ws)
	d, ldx := f.cfg.D, f.cfg.D+f.cfg.C+1
	_, k := x.Dims()
	stdJ := f.logJacobianStd(k)
	var km []bool
	if kept != nil {
		km = make([]bool, d)
	}
	for r0 := 0; r0 < len(dst); r0 += e.chunk {
		rows := min(e.chunk, len(dst)-r0)
		fillChunk(f, ws, x, cond, r0, rows, k)
		if kept != nil {
			copy(km, kept)
		}
		e.net.forward(ws, rows, km, nil)
		for r := 0; r < rows; r++ {
			dst[r0+r] = logNormal(ws.xin[r*ldx:r*ldx+d], km) + ws.ld[r] + stdJ
		}
	}
}

// forwardRows writes u and log|det| of every row.
func forwardRows[T float](f *Flow, e *evaluator[T], dst *mat.Dense, logdet []float64, x, cond *mat.Dense) {
	ws := e.get()
	defer e.put(ws)
	d, ldx := f.cfg.D, f.cfg.D+f.cfg.C+1
	rowsAll, _ := x.Dims()
	for r0 := 0; r0 < rowsAll; r0 += e.chunk {
		rows := min(e.chunk, rowsAll-r0)
		fillChunk(f, ws, x, cond, r0, rows, d)
		e.net.forward(ws, rows, nil, nil)
		for r := 0; r < rows; r++ {
			out := dst.RawRowView(r0 + r)
			for j := 0; j < d; j++ {
				out[j] = float64(ws.xin[r*ldx+j])
			}
			if logdet != nil {
				logdet[r0+r] = ws.ld[r]
			}
		}
	}
}
