package catalog

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// testRows returns n catalog rows with nq quantiles, of realistic values
// plus, in the first rows, the awkward ones: NaN, ±Inf, -0, subnormals, the
// extremes of float64 and of the integer types.
func testRows(n, nq int, seed uint64) *distance.Rows {
	rng := rand.New(rand.NewPCG(seed, 99))
	r := &distance.Rows{NQuantiles: nq}
	cols := floatCols(r)
	awkward := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0,
		5e-324, -math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 1e-300, 0.1, 1.0 / 3}
	for i := 0; i < n; i++ {
		plx := 0.5 + rng.NormFloat64()
		d := 1000 / math.Abs(plx) * (1 + 0.1*rng.NormFloat64())
		vals := [nFloat]float64{
			360 * rng.Float64(), -30 + 120*rng.Float64(), plx, 0.02 + rng.ExpFloat64(),
			d, 0.1 * d, 0.9 * d, d, 1.1 * d,
			10 * rng.Float64(), 0.3 * rng.Float64(), -2 + 14*rng.Float64(), 3 * rng.Float64(), rng.Float64(),
			32 * rng.Float64(), d * (1 + 1e-3*rng.NormFloat64()),
		}
		if i < len(awkward) {
			for k := range vals {
				vals[k] = awkward[(i+k)%len(awkward)]
			}
		}
		r.SourceID = append(r.SourceID, rng.Int64())
		for k, c := range cols {
			*c = append(*c, vals[k])
		}
		r.Iterations = append(r.Iterations, int32(rng.IntN(11)))
		r.Samples = append(r.Samples, 32)
		r.Flags = append(r.Flags, distance.Flag(rng.Uint32()>>20))
		for j := 0; j < nq; j++ {
			q := d * (0.5 + float64(j)/float64(nq))
			if i < len(awkward) {
				q = awkward[(i+j)%len(awkward)]
			}
			r.Quantiles = append(r.Quantiles, q)
		}
	}
	if n > 2 {
		r.SourceID[0], r.SourceID[1] = math.MaxInt64, math.MinInt64
		r.Iterations[0], r.Iterations[1] = math.MaxInt32, math.MinInt32
		r.Flags[0] = math.MaxUint32
	}
	return r
}

// sameFloat reports whether a and b are the same float64 bit for bit, or
// both NaN.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// checkSame fails t unless got and want hold the same rows bit for bit.
func checkSame(t *testing.T, got, want *distance.Rows) {
	t.Helper()
	if got.Len() != want.Len() || got.NQuantiles != want.NQuantiles {
		t.Fatalf("got %d rows of %d quantiles, want %d of %d", got.Len(), got.NQuantiles, want.Len(), want.NQuantiles)
	}
	gc, wc := floatCols(got), floatCols(want)
	for i := 0; i < want.Len(); i++ {
		if got.SourceID[i] != want.SourceID[i] || got.Iterations[i] != want.Iterations[i] ||
			got.Samples[i] != want.Samples[i] || got.Flags[i] != want.Flags[i] {
			t.Fatalf("row %d: integers (%d %d %d %d), want (%d %d %d %d)", i,
				got.SourceID[i], got.Iterations[i], got.Samples[i], got.Flags[i],
				want.SourceID[i], want.Iterations[i], want.Samples[i], want.Flags[i])
		}
		for k := range gc {
			if g, w := (*gc[k])[i], (*wc[k])[i]; !sameFloat(g, w) {
				t.Fatalf("row %d, %s: %v (%#x), want %v (%#x)", i, floatNames[k], g, math.Float64bits(g), w, math.Float64bits(w))
			}
		}
	}
	if len(got.Quantiles) != len(want.Quantiles) {
		t.Fatalf("%d quantiles, want %d", len(got.Quantiles), len(want.Quantiles))
	}
	for i, w := range want.Quantiles {
		if !sameFloat(got.Quantiles[i], w) {
			t.Fatalf("quantile %d: %v, want %v", i, got.Quantiles[i], w)
		}
	}
}

// concat returns the rows of a then b.
func concat(a, b *distance.Rows) *distance.Rows {
	r := &distance.Rows{NQuantiles: a.NQuantiles}
	r.SourceID = append(append(r.SourceID, a.SourceID...), b.SourceID...)
	rc, ac, bc := floatCols(r), floatCols(a), floatCols(b)
	for k := range rc {
		*rc[k] = append(append(*rc[k], *ac[k]...), *bc[k]...)
	}
	r.Iterations = append(append(r.Iterations, a.Iterations...), b.Iterations...)
	r.Samples = append(append(r.Samples, a.Samples...), b.Samples...)
	r.Flags = append(append(r.Flags, a.Flags...), b.Flags...)
	r.Quantiles = append(append(r.Quantiles, a.Quantiles...), b.Quantiles...)
	return r
}

// split cuts r into blocks of at most n rows (sharing r's storage).
func split(r *distance.Rows, n int) []*distance.Rows {
	var out []*distance.Rows
	nq := r.NQuantiles
	for lo := 0; lo < r.Len(); lo += n {
		hi := min(lo+n, r.Len())
		b := &distance.Rows{NQuantiles: nq, SourceID: r.SourceID[lo:hi],
			Iterations: r.Iterations[lo:hi], Samples: r.Samples[lo:hi], Flags: r.Flags[lo:hi],
			Quantiles: r.Quantiles[lo*nq : hi*nq]}
		bc, rc := floatCols(b), floatCols(r)
		for k := range bc {
			*bc[k] = (*rc[k])[lo:hi]
		}
		out = append(out, b)
	}
	return out
}
