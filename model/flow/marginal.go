package flow

import "gonum.org/v1/gonum/mat"

// CanMarginalize reports whether the flow gives the exact marginal density
// of its leading k data dimensions, p(x1..xk | c) (paper 000 §5).
//
// The condition: a MADE maps its inputs at positions 1..m to outputs at
// positions 1..m that depend on those inputs only (u_i depends on
// x_1..x_i), so its Jacobian is block triangular and the density of the
// first m outputs is that of the first m inputs times the determinant of
// their block. BatchNorm acts on each position alone. Reverse moves the
// leading positions to the end, where the next MADE's outputs depend on all
// inputs. So the marginal of x1..xk is exact when, at every MADE, the
// dimensions x1..xk sit at the leading positions: always for a flow built
// with Config.Ordered (no Reverse layers), for k = D, or for a single block.
func (f *Flow) CanMarginalize(k int) bool {
	if k < 0 || k > f.cfg.D {
		return false
	}
	kept := f.keptPrefix(k)
	for range f.cfg.Blocks {
		if !isPrefix(kept) {
			return false
		}
		if !f.cfg.Ordered {
			for i, j := 0, len(kept)-1; i < j; i, j = i+1, j-1 {
				kept[i], kept[j] = kept[j], kept[i]
			}
		}
	}
	return true
}

func (f *Flow) keptPrefix(k int) []bool {
	kept := make([]bool, f.cfg.D)
	for i := 0; i < k; i++ {
		kept[i] = true
	}
	return kept
}

func isPrefix(kept []bool) bool {
	seenFalse := false
	for _, v := range kept {
		if v && seenFalse {
			return false
		}
		if !v {
			seenFalse = true
		}
	}
	return true
}

// MarginalLogProb writes log p(x1..xk | cond) of each row of x into dst and
// returns it, where k is x's number of columns: the density of the leading k
// data dimensions with the others integrated out, computed by the same
// single pass as LogProb, summing the Gaussian and log-determinant terms of
// the k leading positions only. It is exact when CanMarginalize(k) (see
// there for the condition) and panics otherwise, or if shapes do not match
// as for LogProb.
func (f *Flow) MarginalLogProb(dst []float64, x, cond *mat.Dense) []float64 {
	if x == nil {
		panic("flow: nil x")
	}
	_, k := x.Dims()
	if k < 1 || !f.CanMarginalize(k) {
		panic("flow: marginal of these dimensions is not exact for this flow (see CanMarginalize)")
	}
	rows := f.checkInputs(x, cond, k)
	dst = reuse(dst, rows)
	kept := f.keptPrefix(k)
	if f.Precision == Float64 {
		logProb(f, f.evaluator64(), dst, x, cond, kept)
	} else {
		logProb(f, f.evaluator32(), dst, x, cond, kept)
	}
	return dst
}
