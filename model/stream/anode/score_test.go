package anode

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// clumpPatch is a uniform patch (mu_lambda in [-10, 10]) with a compact clump
// of nSig stars in every feature at mu_lambda in [-1, 1]; it returns the
// patch and whether each star is in the clump.
func clumpPatch(nBkg, nSig int, seed uint64) (*Patch, []bool) {
	p := uniformPatch(nBkg, -10, 10, seed)
	sig := make([]bool, p.Len(), p.Len()+nSig)
	rng := rand.New(rand.NewPCG(seed, 7))
	for range nSig {
		p.SourceID = append(p.SourceID, int64(p.Len()))
		p.Phi = append(p.Phi, 2+0.3*rng.NormFloat64())
		p.Lambda = append(p.Lambda, -3+0.3*rng.NormFloat64())
		p.PMPhi = append(p.PMPhi, 1+0.2*rng.NormFloat64())
		p.PMLambda = append(p.PMLambda, 2*rng.Float64()-1)
		p.BPRP = append(p.BPRP, 0.8+0.03*rng.NormFloat64())
		p.G = append(p.G, 17+0.2*rng.NormFloat64())
		sig = append(sig, true)
	}
	return p, sig
}

// smallOptions is a flow small and quick enough for unit tests.
func smallOptions() Options {
	return Options{Blocks: 3, Hidden: 32, Batch: 256, LR: 3e-3, Epochs: 8, Average: 3, Seed: 5}
}

func TestScoreFindsClump(t *testing.T) {
	p, sig := clumpPatch(8000, 100, 3)
	w := Window{Lo: -2, Hi: 2}
	res, err := Score(p, w, smallOptions())
	if err != nil {
		t.Fatal(err)
	}
	members := p.Members(nil, w)
	if !slices.Equal(res.Members, members) || len(res.LogR) != len(members) || res.CRStars != p.Len()-len(members) {
		t.Fatalf("members: %d, want %d", len(res.Members), len(members))
	}
	s := make([]bool, len(members))
	for k, i := range members {
		s[k] = sig[i]
	}
	// The clump is about 100 of 900 SR stars and thousands of times denser
	// than the background where it lies: nearly separable.
	auc := AUC(res.LogR, s)
	t.Logf("clump: AUC %.4f, max SIC %.2f, CR window ends at %d", auc, MaxSIC(res.LogR, s, MinBackground).Max, res.CREpoch)
	if auc < 0.95 {
		t.Errorf("AUC %.4f, want > 0.95", auc)
	}
	for k := range res.LogR {
		if d := res.LogPSR[k] - res.LogPCR[k] - res.LogR[k]; d != 0 || math.IsNaN(res.LogR[k]) {
			t.Fatalf("star %d: log R %v, terms %v %v", k, res.LogR[k], res.LogPSR[k], res.LogPCR[k])
		}
	}
}

// TestScoreAppA checks the App. A bookkeeping against the densities the hook
// sees: the SR density is the mean of the last Average epochs' densities, the
// CR density that of the window with the smallest reflected spread.
func TestScoreAppA(t *testing.T) {
	p, _ := clumpPatch(4000, 50, 4)
	w := Window{Lo: -2, Hi: 2}
	opt := smallOptions()
	var sr, cr [][]float64
	var models []Model
	opt.OnEpoch = func(e Epoch) error {
		models = append(models, e.Model)
		if e.Model == SRModel {
			sr = append(sr, slices.Clone(e.LogP))
		} else {
			cr = append(cr, slices.Clone(e.LogP))
		}
		return nil
	}
	res, err := Score(p, w, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(sr) != opt.Epochs || len(cr) != opt.Epochs || models[opt.Epochs-1] != SRModel || models[opt.Epochs] != CRModel {
		t.Fatalf("hook calls: %v", models)
	}
	// log of the mean of exp over epochs a..b-1, computed directly.
	logMean := func(lp [][]float64, a, b, i int) float64 {
		s := 0.0
		for e := a; e < b; e++ {
			s += math.Exp(lp[e][i])
		}
		return math.Log(s / float64(b-a))
	}
	n := len(res.Members)
	A, E := opt.Average, opt.Epochs
	srAvg := make([]float64, n)
	for i := range srAvg {
		srAvg[i] = logMean(sr, E-A, E, i)
		// float32 storage of the epochs' log densities: ~1e-6 relative.
		if !scalar.EqualWithinAbs(res.LogPSR[i], srAvg[i], 1e-5) {
			t.Fatalf("SR average of star %d: %v, direct %v", i, res.LogPSR[i], srAvg[i])
		}
	}
	best, bestE := math.Inf(1), 0
	for e := A; e <= E; e++ {
		crAvg := make([]float64, n)
		for i := range crAvg {
			crAvg[i] = logMean(cr, e-A, e, i)
		}
		// The criterion, written out: log R < 0 and their reflections.
		var refl []float64
		for i := range crAvg {
			if r := srAvg[i] - crAvg[i]; r < 0 {
				refl = append(refl, r, -r)
			}
		}
		m, v := 0.0, 0.0
		for _, x := range refl {
			m += x
		}
		m /= float64(len(refl))
		for _, x := range refl {
			v += (x - m) * (x - m)
		}
		sd := math.Sqrt(v / float64(len(refl)))
		if !scalar.EqualWithinAbsOrRel(res.Spread[e-1], sd, 1e-5, 1e-4) {
			t.Errorf("spread of the window ending %d: %v, direct %v", e, res.Spread[e-1], sd)
		}
		if sd < best {
			best, bestE = sd, e
		}
		if e == res.CREpoch {
			for i := range crAvg {
				if !scalar.EqualWithinAbs(res.LogPCR[i], crAvg[i], 1e-5) {
					t.Fatalf("CR average of star %d: %v, direct %v", i, res.LogPCR[i], crAvg[i])
				}
			}
		}
	}
	for e := 1; e < A; e++ {
		if !math.IsNaN(res.Spread[e-1]) {
			t.Errorf("spread before the first window: %v", res.Spread[:A-1])
		}
	}
	if res.CREpoch != bestE {
		t.Errorf("CR window ends at %d, direct argmin %d (spreads %v)", res.CREpoch, bestE, res.Spread)
	}
}

// TestScoreDeterminism: the same seed gives the same bits whatever the
// number of workers; another seed, another patch ID or another window gives
// other numbers.
func TestScoreDeterminism(t *testing.T) {
	p, _ := clumpPatch(3000, 30, 6)
	w := Window{Lo: -2, Hi: 2}
	opt := smallOptions()
	opt.Epochs, opt.Average = 3, 2
	run := func(p *Patch, w Window, opt Options) []float64 {
		res, err := Score(p, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		return res.LogR
	}
	a := run(p, w, opt)
	opt2 := opt
	opt2.Workers = 2
	if b := run(p, w, opt2); !slices.Equal(a, b) {
		t.Errorf("Workers 2 changed the result")
	}
	opt2 = opt
	opt2.Seed++
	if b := run(p, w, opt2); slices.Equal(a, b) {
		t.Errorf("another seed gave the same result")
	}
	q := *p
	q.ID++
	if b := run(&q, w, opt); slices.Equal(a, b) {
		t.Errorf("another patch gave the same result")
	}
	if seedFor(1, 2, w, purposeSR) == seedFor(1, 2, w, purposeCR) || seedFor(1, 2, w, purposeSR) == seedFor(1, 2, Window{-2, 3}, purposeSR) {
		t.Errorf("seeds collide")
	}
}

func TestScoreErrors(t *testing.T) {
	p, _ := clumpPatch(500, 0, 7)
	if _, err := Score(p, Window{Lo: 50, Hi: 60}, smallOptions()); !errors.Is(err, ErrTooFew) {
		t.Errorf("empty SR: %v, want ErrTooFew", err)
	}
	q := *p
	q.G = make([]float64, p.Len()) // constant
	if _, err := Score(&q, Window{Lo: -2, Hi: 2}, smallOptions()); err == nil {
		t.Errorf("constant g: no error")
	}
	opt := smallOptions()
	opt.Features = Astrometric
	if _, err := Score(&q, Window{Lo: -2, Hi: 2}, opt); err != nil {
		t.Errorf("constant g without photometry: %v", err)
	}
	stop := errors.New("stop")
	opt.OnEpoch = func(Epoch) error { return stop }
	if _, err := Score(p, Window{Lo: -2, Hi: 2}, opt); !errors.Is(err, stop) {
		t.Errorf("hook error: %v", err)
	}
}
