package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

// TestCompareTruthCalibrated: rows whose estimates are the truth plus
// Gaussian noise of their stated std have pulls N(0, 1) and 68% coverage.
func TestCompareTruthCalibrated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	var r Rows
	truth := map[int64]float64{}
	for i := 0; i < 20000; i++ {
		d := 500 + 1000*rng.Float64()
		s := 0.1 * d
		m := d + s*rng.NormFloat64()
		truth[int64(i)] = d
		r.SourceID = append(r.SourceID, int64(i))
		r.DistMean, r.DistStd = append(r.DistMean, m), append(r.DistStd, s)
		r.DistQ16, r.DistQ50, r.DistQ84 = append(r.DistQ16, m-s), append(r.DistQ50, m), append(r.DistQ84, m+s)
		plx := 1000/d + 0.2*rng.NormFloat64()
		r.Parallax = append(r.Parallax, plx)
	}
	a := CompareTruth(&r, truth)
	if a.N != 20000 || math.Abs(a.Coverage68-0.6827) > 0.01 || math.Abs(a.PullSpread-1) > 0.03 || math.Abs(a.PullMedian) > 0.03 ||
		math.Abs(a.QuantilePullSpread-1) > 0.03 || math.Abs(a.QuantilePullMedian) > 0.03 {
		t.Errorf("%+v", a)
	}
	// Median |N(0, 0.1)| = 0.1 * 0.6745.
	if math.Abs(a.MedianRelErr-0.0674) > 0.004 {
		t.Errorf("median relative error %g, want 0.0674", a.MedianRelErr)
	}
}

// TestKLOfAShiftedGaussian: KL(N(0,1) || N(mu,1)) = mu²/2 per dimension,
// and the log ratio at a draw x, sum over the dimensions of mu²/2 - mu x,
// has variance 3 mu², so the estimate's standard error from n draws is
// mu sqrt(3/n).
func TestKLOfAShiftedGaussian(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	logN := func(x []float64, mu float64) float64 {
		s := 0.0
		for _, v := range x {
			s += -0.5*(v-mu)*(v-mu) - 0.5*math.Log(2*math.Pi)
		}
		return s
	}
	model := LogProbFunc(func(g, a, b float64) float64 { return logN([]float64{g, a, b}, 0.5) })
	const n = 200000
	kl, se, _ := KLByComponent(func(x []float64) int {
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return 0
	}, func(x []float64) float64 { return logN(x, 0) }, model, n, []string{"all"})
	if math.Abs(kl-3*0.125) > 0.01 {
		t.Errorf("KL = %g, want 0.375", kl)
	}
	if want := 0.5 * math.Sqrt(3.0/n); math.Abs(se/want-1) > 0.02 {
		t.Errorf("standard error %g, want %g", se, want)
	}
}

// TestKLByComponentFindsTheMissingStars scores against the mock's true CMD
// a model that is the same CMD with half its white dwarfs (the weights
// renormalised). The sequences barely overlap, so the reference is
// analytic: a sequence of true weight w and model weight w' carries
// w log(w/w') of the KL.
func TestKLByComponentFindsTheMissingStars(t *testing.T) {
	truth := mock.DefaultCMD()
	model := mock.DefaultCMD()
	model.Sequences[2].Weight /= 2
	var tot float64
	for _, s := range model.Sequences {
		tot += s.Weight
	}
	for i := range model.Sequences {
		model.Sequences[i].Weight /= tot
	}
	var names []string
	for _, s := range truth.Sequences {
		names = append(names, s.Name)
	}
	r := rand.New(rand.NewPCG(3, 3))
	const n = 200000
	kl, _, parts := KLByComponent(func(x []float64) int {
		var seq int
		x[0], x[1], x[2], seq = truth.Sample(r)
		return seq
	}, func(x []float64) float64 { return truth.LogProb(x[0], x[1], x[2]) }, LogProbFunc(model.LogProb), n, names)
	var sum, want float64
	for i, p := range parts {
		w, w2 := truth.Sequences[i].Weight, model.Sequences[i].Weight
		want += w * math.Log(w/w2)
		sum += p.KL
		t.Logf("%s: fraction %.4f KL %.4f (want %.4f)", p.Name, p.Fraction, p.KL, w*math.Log(w/w2))
		if math.Abs(p.KL-p.Fraction*math.Log(w/w2)) > 1e-3 || math.Abs(p.Fraction-w) > 0.003 || math.Abs(p.MeanLogRatio-math.Log(w/w2)) > 0.02 {
			t.Errorf("%s: fraction %.4f, KL %.4f, per star %.4f; want %.4f, %.4f, %.4f", p.Name, p.Fraction, p.KL, p.MeanLogRatio, w, p.Fraction*math.Log(w/w2), math.Log(w/w2))
		}
	}
	if math.Abs(sum-kl) > 1e-12 || math.Abs(kl-want) > 2e-3 {
		t.Errorf("total %.5f, parts add to %.5f, want %.5f", kl, sum, want)
	}
}
