package distance

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// selectionSky is a mock sky of n stars prepared twice, for training
// (parallax/error >= 5) and with the floor off, with its truth.
type selectionSky struct {
	e       *Estimator
	all     *star.Block // every star of the sky
	prep    *Prepared   // the training stars
	train   *TrainSet   // their g_best points under a flat density
	survey  []SurveyStar
	truth   map[int64]mock.Truth
	nAll    map[int]float64 // the paper-000 stars passing the other cuts, per 0.5-mag bin of true M
	nSel    map[int]float64 // those over the floor
	trueBin func(m float64) int
}

func newSelectionSky(t *testing.T, n int64) *selectionSky {
	t.Helper()
	all, truth := mockSky(t, 1, n)
	s := &selectionSky{all: &all, truth: truth, nAll: map[int]float64{}, nSel: map[int]float64{},
		trueBin: func(m float64) int { return int(math.Floor(m / 0.5)) }}
	d := MapDust{Map: dust.NewExact(mock.DefaultDust())}
	flat := LogProbFunc(func(_, _, _ float64) float64 { return 0 })
	cfg := Config{Seed: 3, MinParallaxSNR: 5, Mode: Training}
	var err error
	if s.e, err = New(cfg, flat, d); err != nil {
		t.Fatal(err)
	}
	s.prep = s.e.Prepare(nil, &all, nil)
	s.train = s.e.Train(nil, s.prep)
	cfg.MinParallaxSNR = 0
	e0, err := New(cfg, flat, d)
	if err != nil {
		t.Fatal(err)
	}
	p0 := e0.Prepare(nil, &all, nil)
	for i, id := range p0.SourceID {
		s.survey = append(s.survey, NewSurveyStar(9, p0, i))
		b := s.trueBin(s.truth[id].AbsG)
		s.nAll[b]++
		if s.e.cfg.PassesFloor(p0.Parallax[i], p0.ParallaxError[i]) {
			s.nSel[b]++
		}
	}
	return s
}

// TestSelectionRestoresTheCatalogueCMD checks FitSelection against the
// truth of a mock sky: the selected fraction of each absolute magnitude,
// counted from the true magnitudes of every star that passes the other
// cuts, is the independent reference. Its ratio between the main sequence
// and the white dwarfs (about 1 : 6 on this sky, whose paper-000 parallax
// errors grow with distance) must come out of the fit within 25 %, from
// the observed G and parallaxes of a 10,000-star survey alone; and a flow
// fitted to the selected stars' true points must land nearer the true CMD
// with the fitted weights than without (0.24 -> 0.12 nats on a 100,000-star
// sky; the flow's own limit at this budget is about 0.1).
func TestSelectionRestoresTheCatalogueCMD(t *testing.T) {
	if testing.Short() {
		t.Skip("fits two flows on a 60,000-star mock sky")
	}
	s := newSelectionSky(t, 60000)
	ones := make([]float64, s.train.Len())
	for i := range ones {
		ones[i] = 1
	}
	survey := SmallestSurvey(slices.Clone(s.survey), 10000)
	sel, err := FitSelection(s.train.G, ones, survey, SelectionFit{MinParallaxSNR: 5,
		ParallaxOffset: s.e.cfg.ParallaxOffset, AG: s.e.cfg.Extinction.AG, EBPRP: s.e.cfg.Extinction.BPRP, Dust: s.e.dust})
	if err != nil {
		t.Fatal(err)
	}
	// The fitted factor is 1/(selected fraction) up to a constant, so the
	// ratio of two magnitudes' factors is the inverse ratio of their
	// fractions.
	frac := func(m float64) float64 { b := s.trueBin(m); return s.nSel[b] / s.nAll[b] }
	for _, pair := range [][2]float64{{4.25, 12.75}, {1.25, 12.25}, {6.25, 13.25}} {
		want := frac(pair[1]) / frac(pair[0])
		got := sel.At(pair[0]) / sel.At(pair[1])
		t.Logf("M %.2f against %.2f: factor ratio %.2f, true inverse selected fractions %.2f", pair[0], pair[1], got, want)
		if math.Abs(got/want-1) > 0.25 {
			t.Errorf("M %.2f against %.2f: factor ratio %.2f, want %.2f within 25 %%", pair[0], pair[1], got, want)
		}
	}

	x := mat.NewDense(s.train.Len(), 3, nil)
	w := make([]float64, s.train.Len())
	for i, id := range s.train.SourceID {
		tr := s.truth[id]
		x.SetRow(i, []float64{tr.AbsG, tr.BPRP0, tr.BPG0})
		w[i] = sel.At(s.train.G[i])
	}
	fc := flow.Config{D: 3, Blocks: 5, Hidden: []int{64, 64}}
	opt := flow.Train{Epochs: 40, Batch: 256, LR: 2e-3, Seed: 1}
	plain, err := flow.Fit(x, nil, nil, fc, opt)
	if err != nil {
		t.Fatal(err)
	}
	weighted, err := flow.Fit(x, nil, w, fc, opt)
	if err != nil {
		t.Fatal(err)
	}
	cmd := mock.DefaultCMD()
	klPlain, klSel := klToTruth(plain, cmd), klToTruth(weighted, cmd)
	t.Logf("true points of %d selected stars: KL %.3f unweighted, %.3f with the selection weights", s.train.Len(), klPlain, klSel)
	if !(klSel < klPlain-0.05) {
		t.Errorf("selection weights: KL %.3f, want at least 0.05 below the unweighted %.3f", klSel, klPlain)
	}
}

// TestSmallestSurveyIsOrderFree checks that merging surveys in any order,
// as a combiner on any runner does, keeps the same stars.
func TestSmallestSurveyIsOrderFree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var all []SurveyStar
	for i := range 500 {
		all = append(all, SurveyStar{SourceID: int64(i), Key: SurveyKey(4, int64(i))})
	}
	// A tie on the key is broken by source_id.
	all = append(all, SurveyStar{SourceID: -1, Key: all[7].Key})
	want := SmallestSurvey(slices.Clone(all), 40)
	for trial := 0; trial < 20; trial++ {
		perm := slices.Clone(all)
		r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var acc []SurveyStar
		for lo := 0; lo < len(perm); lo += 37 {
			part := SmallestSurvey(slices.Clone(perm[lo:min(lo+37, len(perm))]), 40)
			if trial%2 == 0 {
				acc = MergeSurvey(acc, part, 40)
			} else {
				acc = MergeSurvey(part, acc, 40) // either side may be the accumulator
			}
		}
		if !slices.Equal(acc, want) {
			t.Fatalf("trial %d: merged survey differs from the survey of all stars", trial)
		}
	}
	for i := 1; i < len(want); i++ {
		if want[i].Key < want[i-1].Key {
			t.Fatal("survey not in key order")
		}
	}
}

// TestFitSelectionRejectsBadInput names what is missing.
func TestFitSelectionRejectsBadInput(t *testing.T) {
	if _, err := FitSelection(nil, nil, make([]SurveyStar, 100), SelectionFit{}); err == nil {
		t.Error("no training stars: no error")
	}
	if _, err := FitSelection([]float64{1}, []float64{1}, nil, SelectionFit{}); err == nil {
		t.Error("empty survey: no error")
	}
	if _, err := FitSelection([]float64{1, 2}, []float64{1}, make([]SurveyStar, 100), SelectionFit{}); err == nil {
		t.Error("columns of unequal length: no error")
	}
}

// TestFitCMDCorrectsTheSelection trains the CMD flow as traincmd does
// (g_best points, the grid in the loop) with and without a survey: the
// corrected training must land nearer the mock's true CMD (on a
// 100,000-star sky at 60 passes: 0.57 -> 0.34 nats).
func TestFitCMDCorrectsTheSelection(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two CMD flows on a 60,000-star mock sky")
	}
	s := newSelectionSky(t, 60000)
	cmd := mock.DefaultCMD()
	var kl [2]float64
	for i, survey := range [][]SurveyStar{nil, SmallestSurvey(slices.Clone(s.survey), 20000)} {
		f, _, err := FitCMD(s.e, s.prep, CMDFit{Flow: flow.Config{Blocks: 5, Hidden: []int{64, 64}},
			Opt: flow.Train{LR: 2e-3, Seed: 1}, Passes: 30, Batch: 1024, GridNodes: 64, Survey: survey})
		if err != nil {
			t.Fatal(err)
		}
		kl[i] = klToTruth(f, cmd)
	}
	t.Logf("%d training stars, 30 passes: KL %.3f without the survey, %.3f with it", s.prep.Len(), kl[0], kl[1])
	if !(kl[1] < kl[0]-0.1) || !(kl[1] < 0.5) {
		t.Errorf("KL %.3f with the survey, want below 0.5 and at least 0.1 below %.3f without", kl[1], kl[0])
	}
}

// TestSelectionOnAGaiaLikeSurvey checks FitSelection where the reference is
// the generating distribution itself: stars of the mock's true CMD at
// distances drawn from p(d) ∝ d² exp(-d/L), L = 1.5 kpc (not the 1 kpc the
// mock uses elsewhere), seen inside 3 <= G <= 20.7 with DR2-like parallax
// errors that grow with G (mock.ParallaxErrorDR2). The fitted distance
// distribution must reproduce the quantiles of that prior within 8 %, and
// the factor must undo the floor's selection: factor x (true selected
// fraction) the same, within 15 %, over absolute magnitudes whose selected
// fraction spans 0.55 to 0.12; and, within 20 %, with a colour-error floor
// added (BP-RP error at most 0.015 mag, DR2-like photometric errors,
// mock.PhotErrorsDR2) that cuts the faint stars by apparent magnitude, where
// a fit that ignores the colour floor must miss by over 30 %; and with
// paper 000's parallax errors (d/10 kpc), under which the far stars'
// parallaxes say nothing (the quantiles came out 12-22 % too near while
// the EM smoothed phi as well as nu).
func TestSelectionOnAGaiaLikeSurvey(t *testing.T) {
	const L = 1500.0
	cmd := mock.DefaultCMD()
	bin := func(M float64) int { return int(math.Floor(M / 0.5)) }
	for _, c := range []struct {
		name           string
		parallaxError  func(G, d float64) float64
		maxColourError float64
		absM           []float64
		tol            float64
	}{
		{"DR2 parallax errors", func(G, _ float64) float64 { return mock.ParallaxErrorDR2(G) }, 0,
			[]float64{-0.75, 1.25, 3.25, 4.25, 6.25}, 0.15},
		// A colour floor of 0.015 mag (G below about 17) cuts deeper
		// than the parallax floor at M = 6.25 (it keeps 0.089 of the
		// stars, not 0.118; about 100 stars, so 20 %).
		{"DR2 parallax errors, colour floor 0.015 mag", func(G, _ float64) float64 { return mock.ParallaxErrorDR2(G) }, 0.015,
			[]float64{-0.75, 1.25, 3.25, 4.25, 6.25}, 0.2},
		// Paper 000's errors, d/10 kpc: every star beyond 1.4 kpc fails
		// the floor, and one at 4 kpc has a parallax of 0.25 +- 0.4 mas,
		// so the far stars' distances come from their colours alone.
		// About 65 stars pass per bin (11 at M = -0.75, left out): 20 %.
		{"paper-000 parallax errors", func(_, d float64) float64 { return d / 10000 }, 0,
			[]float64{1.25, 3.25, 4.25, 6.25}, 0.2},
	} {
		r := rand.New(rand.NewPCG(3, 4))
		var sv []SurveyStar
		var m []float64
		nAll, nSel := map[int]float64{}, map[int]float64{}
		floors := Config{MinParallaxSNR: 5, MaxColourError: c.maxColourError}
		for len(sv) < 20000 {
			M, bprp, _, _ := cmd.Sample(r)
			d := L * mathext.GammaIncRegInv(3, r.Float64())
			G := M + 5*math.Log10(d) - 5
			if G < 3 || G > 20.7 {
				continue
			}
			s := c.parallaxError(G, d)
			plx := 1000/d + s*r.NormFloat64()
			_, band := mock.PhotErrorsDR2(G)
			star := SurveyStar{SourceID: int64(len(sv)), Key: r.Float64(), G: G, BPRP: bprp, SigmaBPRP: math.Sqrt2 * band,
				Parallax: plx, ParallaxError: s}
			sv = append(sv, star)
			nAll[bin(M)]++
			if floors.PassesFloors(star.Parallax, star.ParallaxError, star.SigmaBPRP) {
				m = append(m, M)
				nSel[bin(M)]++
			}
		}
		ones := make([]float64, len(m))
		for i := range ones {
			ones[i] = 1
		}
		sel, err := FitSelection(m, ones, sv, SelectionFit{MinParallaxSNR: 5, MaxColourError: c.maxColourError})
		if err != nil {
			t.Fatal(err)
		}
		spread := func(sel *Selection) float64 {
			var prod []float64
			for _, M := range c.absM {
				b := bin(M)
				p := sel.At(M) * nSel[b] / nAll[b]
				t.Logf("%s: M %5.2f: true selected fraction %.3f (%4.0f stars), factor x fraction %.3f", c.name, M, nSel[b]/nAll[b], nAll[b], p)
				prod = append(prod, p)
			}
			return slices.Max(prod)/slices.Min(prod) - 1
		}
		if s := spread(sel); s > c.tol {
			t.Errorf("%s: factor x selected fraction spans %.0f %%, want within %.0f %%", c.name, 100*s, 100*c.tol)
		}
		if c.maxColourError > 0 {
			// The same stars fitted as if only the parallax floor had
			// selected them: the faint bin's factor is then too small.
			blind, err := FitSelection(m, ones, sv, SelectionFit{MinParallaxSNR: 5})
			if err != nil {
				t.Fatal(err)
			}
			if s := spread(blind); !(s > 0.3) {
				t.Errorf("%s, fitted without the colour floor: factor x selected fraction spans %.0f %%, want over 30 %% (the test cannot tell the floor is corrected)", c.name, 100*s)
			}
		}
		for _, q := range []float64{0.16, 0.5, 0.84} {
			got, want := nuQuantile(sel, q), L*mathext.GammaIncRegInv(3, q)
			t.Logf("%s: distance quantile %.2f: fitted %.0f pc, true %.0f pc", c.name, q, got, want)
			if math.Abs(got/want-1) > 0.08 {
				t.Errorf("%s: distance quantile %.2f: fitted %.0f pc, want %.0f within 8 %%", c.name, q, got, want)
			}
		}
	}
}

// TestSurveyTrainedCatalogIsCalibrated runs the distance catalog end to end
// on a small mock sky (40,000 paper-000 stars): the CMD trained with the
// survey and the rest of traincmd's defaults, the catalog made with the
// prior the training measured (--prior auto), then measured against the
// truth (seed 1: KL 0.13, coverage 68.5 %, quantile pulls -0.10 and 1.00,
// error 7.3 % against 25.1 %). With the training's settings of before the
// adapted draws and the averaging the KL was 0.45, and the CMD so much
// wider than the truth that, once the refined posteriors drew their
// colours from the CMD (cmdColours), they covered 72.4 %: the former 68.8
// % came from the catalog's own narrowing of collapsed posteriors. Bounds,
// a little looser than the targets for a sky a tenth of the demo's:
// KL below 0.2 nats, coverage of [q16, q84]
// 68.3 +- 3.5 %, quantile pulls' median within 0.3 of 0 and spread 1 +-
// 0.15, fewer than 0.5 % of posteriors on too few samples, and the median
// error at least 40 % below that of 1/parallax.
func TestSurveyTrainedCatalogIsCalibrated(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a CMD flow and makes a catalog of a 40,000-star mock sky")
	}
	s := newSelectionSky(t, 40000)
	f, curve, err := FitCMD(s.e, s.prep, CMDFit{Flow: flow.Config{Blocks: 5, Hidden: []int{64, 64}},
		Opt: flow.Train{LR: 2e-3, Seed: 1}, Passes: DefaultPasses, Batch: 1024, HoldOut: 0.05, GridNodes: DefaultTrainGridNodes,
		Average: DefaultAveragePasses, FinalLRFraction: DefaultFinalLRFraction, Points: DefaultPoints, Redraws: DefaultRedraws,
		AdaptProposals: DefaultAdaptProposals, GridProposals: DefaultGridProposals,
		Survey: SmallestSurvey(slices.Clone(s.survey), 20000)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d passes; the model: %s", len(curve), f.Meta.Notes["kept"])
	kl := klToTruth(f, mock.DefaultCMD())
	prior, err := ParsePrior(f.Meta.Notes[SurveyPriorNote])
	if err != nil {
		t.Fatal(err)
	}
	g, err := DistilCMD(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	gd, err := NewGridDensity(g)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Seed: 1, Mode: Catalog, Prior: prior}, gd, s.e.dust)
	if err != nil {
		t.Fatal(err)
	}
	rows := e.CatalogBlock(nil, s.all, nil)
	truth := map[int64]float64{}
	for id, tr := range s.truth {
		truth[id] = tr.Dist
	}
	a := CompareTruth(rows, truth)
	fewFrac := fewSamplesFraction(rows)
	t.Logf("KL %.3f; %d stars: median error %.3f (1/parallax %.3f), coverage %.3f, quantile pulls %.2f/%.2f, few_samples %.4f",
		kl, a.N, a.MedianRelErr, a.MedianRelErrInvParallax, a.Coverage68, a.QuantilePullMedian, a.QuantilePullSpread, fewFrac)
	if !(kl < 0.2) {
		t.Errorf("KL %.3f nats, want below 0.2", kl)
	}
	if math.Abs(a.Coverage68-0.683) > 0.035 {
		t.Errorf("coverage %.3f, want 0.683 +- 0.035", a.Coverage68)
	}
	if math.Abs(a.QuantilePullMedian) > 0.3 || math.Abs(a.QuantilePullSpread-1) > 0.15 {
		t.Errorf("quantile pulls %.2f/%.2f, want 0 +- 0.3 and 1 +- 0.15", a.QuantilePullMedian, a.QuantilePullSpread)
	}
	if fewFrac > 0.005 {
		t.Errorf("few_samples %.4f, want below 0.005", fewFrac)
	}
	if !(a.MedianRelErr < 0.6*a.MedianRelErrInvParallax) {
		t.Errorf("median error %.3f, want 40 %% below 1/parallax's %.3f", a.MedianRelErr, a.MedianRelErrInvParallax)
	}
}

// TestSmallSurveyTrainsAsThePaper: a survey too small to deconvolve leaves
// the training uncorrected and says so in the model, instead of failing.
func TestSmallSurveyTrainsAsThePaper(t *testing.T) {
	s := newSelectionSky(t, 20000)
	f, _, err := FitCMD(s.e, s.prep, CMDFit{Flow: flow.Config{Blocks: 2, Hidden: []int{16}},
		Opt: flow.Train{LR: 2e-3, Seed: 1}, Passes: 1, Batch: 1024,
		Survey: SmallestSurvey(slices.Clone(s.survey), MinSurveyStars-1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Meta.Notes[SurveyPriorNote]; ok {
		t.Error("a survey prior from a survey below MinSurveyStars")
	}
	if note := f.Meta.Notes["selection"]; !strings.Contains(note, "not corrected") {
		t.Errorf("selection note %q, want it to say the training was not corrected", note)
	}
}

// nuQuantile returns the distance (pc) below which a fraction q of the
// fitted distance distribution lies, linear in log d within a bin.
func nuQuantile(s *Selection, q float64) float64 {
	var c float64
	for b, v := range s.Nu {
		if c+v >= q && v > 0 {
			return math.Pow(10, selLogD0+(float64(b)+(q-c)/v)*selDLogD)
		}
		c += v
	}
	return math.Pow(10, selLogD0+float64(len(s.Nu))*selDLogD)
}

// TestSelectionFactorsCapAndRenormalise: a bin of a few training stars
// whose selected fraction is nearly empty is capped at MaxFactor times the
// mean weight, and the other bins keep the ratio of their inverse selected
// fractions, renormalised after the cap (mean weight 1). Before, that bin
// set the normalisation and every other star's weight fell near 0 (on the
// demo: a held-out loss over 1 effective star of 1,000).
func TestSelectionFactorsCapAndRenormalise(t *testing.T) {
	sel := &Selection{M0: 0, DM: 1}
	var m, w []float64
	for a, n := range []int{149, 149, 2} {
		for range n {
			m, w = append(m, float64(a)+0.5), append(w, 1)
		}
	}
	f, err := selectionFactors(sel, m, w, []float64{10, 10, 10}, []float64{5, 2.5, 1e-9}, 20)
	if err != nil {
		t.Fatal(err)
	}
	mean := (149*f[0] + 149*f[1] + 2*f[2]) / 300
	if math.Abs(mean-1) > 1e-9 || math.Abs(f[2]-20) > 1e-6 || math.Abs(f[1]/f[0]-2) > 1e-9 {
		t.Errorf("factors %v (mean weight %g): want bin 2 capped at 20, bin 1 twice bin 0, mean 1", f, mean)
	}
}
