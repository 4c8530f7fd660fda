package flow

import (
	"cmp"
	"slices"
)

// A MADE's masks zero a quarter of every hidden-to-hidden weight matrix when
// D = 3 (unit degrees 1 and 2: a unit sees the units of no larger degree) and
// 3/8 when D = 5. The net lays each hidden layer's units out by degree,
// largest first, so that the units an output sees are a contiguous range of
// the inputs; the products then run as a few column spans, each over only
// the range it needs. The skipped terms are products with masked (zero)
// weights, so the results are the same, bit for bit: adding a zero product
// to a sum changes nothing (the one difference: an infinite activation no
// longer makes NaN through a weight that its mask removes).

// span is a run of columns [j0, j1) of a product that needs only the range
// [lo, hi) of its inner dimension (or, for a weight gradient, of its rows).
type span struct{ j0, j1, lo, hi int }

// minSpan is the narrowest span worth its own product: narrower runs merge
// with a neighbour, over the union of their ranges. It is a float32 vector:
// a span one vector wide runs in one-vector tiles at 80-90 % of the rate of
// the widest tiles (BenchmarkGemm, 512x16x65 against 512x64x65), so the 3/8
// of a 64-unit layer that D = 5 masks are worth skipping; a narrower span
// would leave lanes idle.
const minSpan = 16

// degreeOrder returns a hidden layer's units in the net's order: largest
// degree first, stable.
func degreeOrder(h, d int) []int {
	deg := hiddenDegrees(h, d)
	order := make([]int, h)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(deg[b], deg[a]) })
	return order
}

// hiddenSpans returns the spans of the three products of a hidden-to-hidden
// weight layer whose inputs have degrees din and outputs dout, both in the
// net's order (non-increasing):
//   - fwd: C = [A 1] Wᵀ, a column per output, over the inputs and the bias:
//     output o needs the inputs of degree <= dout[o], a suffix, and the bias;
//   - dx: C = dOut W, a column per input, over the outputs: input i needs
//     the outputs of degree >= din[i], a prefix;
//   - dw: the weight gradient, over rows: byOut, it is out x (in+1),
//     a column per input (and the bias, which needs every row), and input i
//     needs the rows of outputs of degree >= din[i]; otherwise it is
//     (in+1) x out, and output o needs the rows of inputs of degree <=
//     dout[o] and the bias row.
//
// A nil result means the whole product.
func hiddenSpans(din, dout []int, byOut bool) (fwd, dx, dw []span) {
	in, out := len(din), len(dout)
	from := func(k int) int { // the first input of degree <= k
		i, _ := slices.BinarySearchFunc(din, k, func(e, t int) int { return cmp.Compare(t, e) })
		return i
	}
	to := func(k int) int { // the number of outputs of degree >= k
		n := 0
		for n < out && dout[n] >= k {
			n++
		}
		return n
	}
	colRanges := func(n int, r func(j int) (int, int)) []span {
		lo, hi := make([]int, n), make([]int, n)
		for j := range n {
			lo[j], hi[j] = r(j)
		}
		return mergeSpans(lo, hi)
	}
	fwd = colRanges(out, func(o int) (int, int) { return from(dout[o]), in + 1 })
	dx = colRanges(in, func(i int) (int, int) { return 0, to(din[i]) })
	if byOut {
		dw = colRanges(in+1, func(i int) (int, int) {
			if i == in {
				return 0, out
			}
			return 0, to(din[i])
		})
	} else {
		dw = colRanges(out, func(o int) (int, int) { return from(dout[o]), in + 1 })
	}
	return fwd, dx, dw
}

// mergeSpans makes spans of the columns' ranges [lo[j], hi[j]): runs of equal
// ranges, a run narrower than minSpan merged with its neighbour. It returns
// nil when one span covers everything at full range, which the caller runs
// as one product.
func mergeSpans(lo, hi []int) []span {
	var spans []span
	for j := range lo {
		if k := len(spans) - 1; k >= 0 && spans[k].lo == lo[j] && spans[k].hi == hi[j] {
			spans[k].j1 = j + 1
			continue
		}
		spans = append(spans, span{j, j + 1, lo[j], hi[j]})
	}
	merged := spans[:0]
	for _, s := range spans {
		if k := len(merged) - 1; k >= 0 && (merged[k].j1-merged[k].j0 < minSpan || s.j1-s.j0 < minSpan) {
			m := &merged[k]
			m.j1, m.lo, m.hi = s.j1, min(m.lo, s.lo), max(m.hi, s.hi)
			continue
		}
		merged = append(merged, s)
	}
	if len(merged) == 1 {
		return nil
	}
	return merged
}

// gemmSpans is gemmPar (C = A B with m x n x kk) run span by span: over the
// span's range of the inner dimension (onK), or of the rows of C (then rows
// outside it are left as they were). No spans: the whole product.
func gemmSpans[T float](par int, spans []span, onK bool, m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) {
	if spans == nil {
		gemmPar(par, m, n, kk, a, sar, sak, b, ldb, c, ldc, flags, p, ldp)
		return
	}
	at := func(s []T, off int) []T {
		if s == nil {
			return nil
		}
		return s[off:]
	}
	for _, s := range spans {
		w := s.j1 - s.j0
		if onK {
			gemmPar(par, m, w, s.hi-s.lo, a[s.lo*sak:], sar, sak, b[s.lo*ldb+s.j0:], ldb, c[s.j0:], ldc, flags, at(p, s.j0), ldp)
		} else if s.hi > s.lo {
			gemmPar(par, s.hi-s.lo, w, kk, a[s.lo*sar:], sar, sak, b[s.j0:], ldb, c[s.lo*ldc+s.j0:], ldc, flags, at(p, s.lo*ldp+s.j0), ldp)
		}
	}
}
