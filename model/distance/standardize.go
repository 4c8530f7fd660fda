package distance

import "math"

// Standardisation of the CMD flow's inputs.
//
// FitCMD standardises the flow on the training points made with a flat
// density, before any training. At the paper's setting (every parallax/error,
// Config.MinParallaxSNR 0) about 1 % of those points are far off any CMD: a
// star whose parallax is a fraction of its error has samples out to
// megaparsecs under a flat density, and its mean over them sits at absolute
// magnitudes of -20 to -70 with colours dereddened by tens of magnitudes. On a
// 60,000-star paper-000 sky their plain standard deviation was 28 mag in g
// and 8.9 in bp-rp, against 4.0 and 0.68 with the parallax/error floor of 5:
// the whole CMD then filled a few hundredths of the flow's unit range, the
// grid's box (±5 standard deviations) reached g = -140, and the flow never
// resolved the giant branch (held-out losses of 15-37 nats on bright giants).
// The moments are therefore sigma-clipped, as astronomers clip a sky
// background: points more than clipSigma standard deviations from the mean
// are left out and the moments recomputed until none is. A CMD's own stars
// lie within a few standard deviations of its mean, so where nothing is far
// off (the default floor) the clipping leaves out nothing and the moments
// are the plain ones.

// clipSigma is how many standard deviations from the mean a point may lie
// and still count in the standardisation's moments.
const clipSigma = 5

// clippedMoments returns the mean and standard deviation of x after
// iterated clipSigma clipping: each round leaves out, for good, the points
// beyond clipSigma standard deviations of the moments of the points kept so
// far, until a round leaves out none (at most 20 rounds). The variance is
// floored at 1e-12 so that a constant column standardises. Where nothing
// is clipped the moments are the plain ones, to the bit. x must not be
// empty.
func clippedMoments(x []float64) (mean, sd float64) {
	lo, hi := math.Inf(-1), math.Inf(1)
	kept := -1
	for range 20 {
		var n int
		var s, s2 float64
		for _, v := range x {
			if v >= lo && v <= hi {
				n++
				s += v
				s2 += v * v
			}
		}
		if n == kept {
			break
		}
		kept = n
		mean = s / float64(n)
		sd = math.Sqrt(math.Max(s2/float64(n)-mean*mean, 1e-12))
		lo, hi = max(lo, mean-clipSigma*sd), min(hi, mean+clipSigma*sd)
	}
	return mean, sd
}
