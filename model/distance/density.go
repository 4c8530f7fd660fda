package distance

// Density is the dereddened colour-magnitude density of paper 000,
// P(g, bp-rp, bp-g), with g the absolute G magnitude; in the pipelines it is
// the trained flow, or the grid distilled from it (model/flow.Grid).
//
// LogProb writes into dst[i] the natural logarithm of the density at row i
// of x, a row-major n×3 matrix of (g, bp-rp, bp-g) rows, n = len(dst) and
// len(x) = 3n. Where the density is zero it writes -Inf; NaN is taken to mean
// the same and is flagged (FlagDensityNaN). The estimator calls it once per
// iteration for a chunk of stars (Config.Chunk stars × K samples rows), so a
// flow evaluates whole matrices; an implementation must not keep x or dst.
// It must be safe for concurrent use if one Density is shared by several
// Estimators.
//
// An adapter for the flow is a few lines:
//
//	type flowDensity struct{ f *flow.Flow }
//
//	func (d flowDensity) LogProb(dst, x []float64) {
//		d.f.LogProb(dst, mat.NewDense(len(dst), 3, x), nil)
//	}
type Density interface {
	LogProb(dst, x []float64)
}

// LogProbFunc adapts a function of one point, log P(g, bp-rp, bp-g), to a
// Density (for example flow.Grid's LogProb through a closure, or an
// analytic density in a test).
type LogProbFunc func(g, bprp, bpg float64) float64

// LogProb implements Density. It panics if len(x) != 3 len(dst).
func (f LogProbFunc) LogProb(dst, x []float64) {
	if len(x) != 3*len(dst) {
		panic("distance: density points and results differ in length")
	}
	for i := range dst {
		dst[i] = f(x[3*i], x[3*i+1], x[3*i+2])
	}
}

// DistanceDensity is a Density that depends on the distance too: the CMD
// at distance d, P(g, bp-rp, bp-g | d). LogProbAt is LogProb with dist[i],
// pc, the distance of row i. The estimator gives every sample its own
// distance when its density is a DistanceDensity.
type DistanceDensity interface {
	Density
	LogProbAt(dst, x, dist []float64)
}
