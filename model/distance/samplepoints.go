package distance

import "math/rand/v2"

// MinSampleWeight is the share of its star's posterior under which a sample
// gives no point with CMDFit.AllSamples: such samples move the gradient by
// less than a thousandth of their star's part and would cost Adam steps.
const MinSampleWeight = 1e-3

// samplePoints writes into x and w (3 values and 1 per point) every sample
// of every star of ts that the last iteration did not find off the
// density's support, with at least MinSampleWeight of its star's posterior,
// weighted by the star's loss weight (ts.Weight) times the sample's
// posterior weight, in an order shuffled by rng, so that each Adam step over
// a slice of them sees many stars. Where a posterior draw (PosteriorPoints)
// gives the gradient of the stars' marginal likelihood up to the draw's
// noise, these points give the importance-sampling estimate itself.
func samplePoints(ts *TrainSet, x, w []float64, rng *rand.Rand) ([]float64, []float64) {
	x, w = x[:0], w[:0]
	k := ts.K
	for i, fl := range ts.Flags {
		if fl&FlagOffCMD != 0 {
			continue
		}
		for j := i * k; j < (i+1)*k; j++ {
			if sw := ts.SampleW[j]; sw >= MinSampleWeight {
				x = append(x, ts.SampleG[j], ts.SampleBPRP[j], ts.SampleBPG[j])
				w = append(w, ts.Weight[i]*sw)
			}
		}
	}
	rng.Shuffle(len(w), func(a, b int) {
		w[a], w[b] = w[b], w[a]
		x[3*a], x[3*b] = x[3*b], x[3*a]
		x[3*a+1], x[3*b+1] = x[3*b+1], x[3*a+1]
		x[3*a+2], x[3*b+2] = x[3*b+2], x[3*a+2]
	})
	return x, w
}
