package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// paperSkyStars draws n training stars of paper 000's §4.1 population as
// the mock writes them: the true CMD, distances from d² exp(-d/1 kpc),
// parallax errors of d/(10 kpc) mas, the mock's DR2 photometric errors in
// G, BP and RP, no dust; kept where parallax/error >= 5 and 3 < G < 21. It
// returns the stars and each one's true (g, bp-rp, bp-g) by source_id.
func paperSkyStars(n int, seed uint64) (*star.Block, map[int64][3]float64) {
	cmd := mock.DefaultCMD()
	rng := rand.New(rand.NewPCG(seed, 12))
	var b star.Block
	truth := map[int64][3]float64{}
	for id := int64(1); b.Len() < n; id++ {
		g, bprp, bpg, _ := cmd.Sample(rng)
		d := 1000 * (rng.ExpFloat64() + rng.ExpFloat64() + rng.ExpFloat64()) // Gamma(3, 1 kpc)
		sig := d / 1e4
		plx := 1000/d + sig*rng.NormFloat64()
		G := g + 5*math.Log10(d) - 5
		if plx < 5*sig || G < 3 || G > 21 {
			continue
		}
		sG, sBPRP := mock.PhotErrorsDR2(G)
		r := star.NewRow()
		r.SourceID = id
		r.RA, r.Dec, r.L, r.B = 180, 40, 160, 70
		r.Parallax, r.ParallaxError = plx, sig
		bp := G + bpg
		r.G = G + sG*rng.NormFloat64()
		r.BP = bp + sBPRP*rng.NormFloat64()
		r.RP = bp - bprp + sBPRP*rng.NormFloat64()
		r.BPRP = r.BP - r.RP
		// flux_over_error = 2.5/ln(10)/sigma_mag, as the mock writes it.
		r.GFluxOverError, r.BPFluxOverError, r.RPFluxOverError = 1.0857/sG, 1.0857/sBPRP, 1.0857/sBPRP
		r.RUWE = 1
		b.Append(r)
		truth[id] = [3]float64{g, bprp, bpg}
	}
	return &b, truth
}

// mainSequence is the mock's main sequence, whose line sequenceSpread
// measures residuals about.
var mainSequence = mock.DefaultCMD().Sequences[0]

// sequenceSpread accumulates weighted colour residuals about the mock's
// main-sequence line, within 0.4 mag in bp-rp and 0.2 in bp-g of it and
// -1 < g < 10.
type sequenceSpread struct{ w, r1, r2, r11, r22, r12 float64 }

func (s *sequenceSpread) add(w, g, bprp, bpg float64) {
	ms := &mainSequence
	x := g - ms.MeanG
	r1 := bprp - (ms.BPRP[0] + ms.BPRP[1]*x + ms.BPRP[2]*x*x)
	r2 := bpg - (ms.BPG[0] + ms.BPG[1]*x + ms.BPG[2]*x*x)
	if g < -1 || g >= 10 || math.Abs(r1) > 0.4 || math.Abs(r2) > 0.2 {
		return
	}
	s.w += w
	s.r1 += w * r1
	s.r2 += w * r2
	s.r11 += w * r1 * r1
	s.r22 += w * r2 * r2
	s.r12 += w * r1 * r2
}

// moments returns the mean offsets, standard deviations and correlation of
// the two colour residuals.
func (s *sequenceSpread) moments() (m1, m2, sd1, sd2, corr float64) {
	m1, m2 = s.r1/s.w, s.r2/s.w
	v1, v2 := s.r11/s.w-m1*m1, s.r22/s.w-m2*m2
	return m1, m2, math.Sqrt(v1), math.Sqrt(v2), (s.r12/s.w - m1*m2) / math.Sqrt(v1*v2)
}

// TestPosteriorDrawsOfTheTrueCMDAreTheTruth: with the true CMD as the
// density and the population's own distance prior, the training's
// posterior draws (one per star and round, each star weighted by its loss
// weight) are distributed as the stars' true points under the same
// weights: Bayes' theorem averaged over the data, since the weights depend
// on a star's errors and not on its draw. So the true CMD is a fixed point
// of the training, and a learned sequence wider than the truth comes from
// how the training approaches it, not from its points. Measured on 20,000
// such stars, 4 rounds, K = 128 (the main sequence at -1 < M_G < 10, about
// its line): widths 0.0806 and 0.0402 mag against the truth's 0.0804 and
// 0.0401, offsets within 0.0012 mag, colour correlation +0.023 against
// +0.018. It fails with the training's default prior, flat in parallax
// (draws 0.0044 mag bluer in bp-rp), and with K = 16 (widths 4 % too wide,
// correlation +0.084: too few samples near the sequence).
func TestPosteriorDrawsOfTheTrueCMDAreTheTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 20,000 stars' posteriors four times")
	}
	b, truth := paperSkyStars(20000, 11)
	e := mustNew(t, Config{Mode: Training, Seed: 3, NoParallaxOffset: true, K: 128, Prior: Prior{Kind: ExpDecreasing}},
		LogProbFunc(mock.DefaultCMD().LogProb), noDust)
	var c Counts
	p := e.Prepare(nil, b, &c)
	if p.Len() != b.Len() {
		t.Fatalf("prepared %d of %d stars (cuts %v)", p.Len(), b.Len(), c.Cut)
	}
	var want, got sequenceSpread
	var ts TrainSet
	floor := e.cfg.MinSigmaP * e.cfg.MinSigmaP
	for round := uint64(1); round <= 4; round++ {
		ts.Round = round
		e.Train(&ts, p)
		for i, id := range ts.SourceID {
			w := posteriorWeight(&ts, i, floor, e.sigmaCMD2())
			x := truth[id]
			want.add(w, x[0], x[1], x[2])
			got.add(w, ts.GDraw[i], ts.BPRPDraw[i], ts.BPGDraw[i])
		}
	}
	wm1, wm2, ws1, ws2, wc := want.moments()
	gm1, gm2, gs1, gs2, gc := got.moments()
	t.Logf("main sequence about its line: truth offsets %+.4f %+.4f, widths %.4f %.4f, corr %+.3f; draws %+.4f %+.4f, %.4f %.4f, %+.3f",
		wm1, wm2, ws1, ws2, wc, gm1, gm2, gs1, gs2, gc)
	if math.Abs(gm1-wm1) > 0.003 || math.Abs(gm2-wm2) > 0.003 {
		t.Errorf("draws offset from the truth by %+.4f, %+.4f mag in bp-rp, bp-g; want within 0.003", gm1-wm1, gm2-wm2)
	}
	if r1, r2 := gs1/ws1, gs2/ws2; math.Abs(r1-1) > 0.03 || math.Abs(r2-1) > 0.03 {
		t.Errorf("draws' widths %.3f, %.3f of the truth's; want within 3 %%", r1, r2)
	}
	if math.Abs(gc-wc) > 0.05 {
		t.Errorf("draws' colour correlation %+.3f, the truth's %+.3f; want within 0.05", gc, wc)
	}
}
