package distance

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPaperSettingTrains trains at paper 000's own setting, every
// parallax/error (MinParallaxSNR 0), with gaiaflow's default points, grid and
// averaging, on a 20,000-star paper-000 sky. Before the standardisation was
// clipped, the flat density's points of the low-SNR stars (absolute
// magnitudes down to -70) set the flow's scale at seven to thirteen times the
// CMD's; before the stars off the grid's box were left out of the steps,
// such a star's prior-only draw (one at g = -159,000) could turn the batch
// statistics to NaN. The held-out loss jumped between 1 and 10 nats, and on
// a 60,000-star sky the KL was 4.3 nats. Here: KL 6.75 with neither fix,
// 3.17 with the clipping alone, 1.00 with the off-grid rule alone, 0.22 with
// both, the held-out loss falling from 1.0 to 0.07-0.33 nats.
func TestPaperSettingTrains(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a CMD flow on every star of a 20,000-star mock sky")
	}
	e, p, cmd := mockTrainingStars(t, 20000, Config{Seed: 3})
	var survey []SurveyStar
	for i := range p.SourceID {
		survey = append(survey, NewSurveyStar(9, p, i))
	}
	var curve []Pass
	fit := traincmdFit(1, SmallestSurvey(survey, 10000))
	fit.Passes, fit.Average = 30, 10
	fit.OnPass = func(p Pass) { curve = append(curve, p) }
	f, _, err := FitCMD(e, p, fit)
	if err != nil {
		t.Fatal(err)
	}
	kl := klToTruth(f, cmd)
	t.Logf("%d stars; KL %.3f nats; %s", p.Len(), kl, f.Meta.Notes["kept"])
	for _, pt := range curve {
		t.Logf("pass %d: train %.3f held-out %.3f", pt.Pass, pt.TrainLoss, pt.HeldOutLoss)
	}
	if !(kl < 0.4) {
		t.Errorf("KL(true CMD || learned) = %.3f nats, want < 0.4", kl)
	}
	for _, pt := range curve[len(curve)-10:] {
		if !(pt.HeldOutLoss < 1) {
			t.Errorf("pass %d: held-out loss %.3f nats, want < 1 over the averaged passes", pt.Pass, pt.HeldOutLoss)
		}
	}
}

// TestClippedMomentsLeaveOutFarPoints: a normal sample's moments, computed
// apart by the plain formulas, are those clippedMoments gives for the sample
// with 2 % of points added a hundred to a hundred thousand standard
// deviations away, within the clipping's own bias (a normal cut at 5 sigma
// loses 6e-7 of its variance); without them the moments are the plain ones
// to the bit.
func TestClippedMomentsLeaveOutFarPoints(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := make([]float64, 20000)
	var s, s2 float64
	for i := range x {
		x[i] = 6 + 4*r.NormFloat64()
		s += x[i]
		s2 += x[i] * x[i]
	}
	n := float64(len(x))
	wantMean := s / n
	wantSD := math.Sqrt(s2/n - wantMean*wantMean)
	if m, sd := clippedMoments(x); m != wantMean || sd != wantSD {
		t.Errorf("clean sample: %v, %v; want the plain %v, %v", m, sd, wantMean, wantSD)
	}
	for i := 0; i < 400; i++ {
		x = append(x, -400-159000*r.Float64())
	}
	m, sd := clippedMoments(x)
	if math.Abs(m-wantMean) > 1e-3 || math.Abs(sd/wantSD-1) > 1e-3 {
		t.Errorf("with far points: %v, %v; want %v, %v", m, sd, wantMean, wantSD)
	}
	if m, sd := clippedMoments([]float64{2, 2, 2}); m != 2 || sd != 1e-6 {
		t.Errorf("constant column: %v, %v; want 2, 1e-6", m, sd)
	}
}

// TestOnCMDPointsLeaveOutOffCMDStars: a star flagged FlagOffCMD gives no
// point; the others keep theirs, in order, with their weights.
func TestOnCMDPointsLeaveOutOffCMDStars(t *testing.T) {
	ts := &TrainSet{Flags: []Flag{0, FlagOffCMD, FlagFewSamples}, Weight: []float64{1, 2, 3}}
	xs := []float64{1, 2, 3, -1e5, 0, 0, 7, 8, 9}
	x, w := onCMDPoints(ts, xs, nil, nil)
	if len(w) != 2 || len(x) != 6 || x[0] != 1 || x[3] != 7 || x[5] != 9 || w[0] != 1 || w[1] != 3 {
		t.Errorf("got %v %v", x, w)
	}
}
