package distance

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// With a flat CMD density every weight is the prior's alone, so d_best and
// the posterior mean are the prior-weighted mean of the samples d_i =
// 1000/parallax_i, whatever the dust, and the quantiles are those of the
// samples with the prior weights. (Without refinement: the flat-distance
// prior's weights d² collapse onto the smallest parallax sample, and a
// refinement follows its improper posterior towards zero parallax.)
func TestFlatDensityIsPriorWeightedMean(t *testing.T) {
	for _, pr := range []Prior{{Kind: FlatParallax}, {Kind: FlatDistance}, {Kind: ExpDecreasing, L: 1500}} {
		e := mustNew(t, Config{Prior: pr, Seed: 3, RefineESS: -1}, flat, constDust{e: 0.3, sigma: 0.05, n: 5, hole: math.NaN()})
		b := blockOf(testStar(1, 0.5, 0.1, 15, 1, 0.5), testStar(2, -0.2, 0.3, 18, 1.5, 0.7), testStar(3, 5, 0.01, 12, 0.8, 0.3))
		p := e.Prepare(nil, b, nil)
		rows := e.Catalog(nil, p)
		if rows.Len() != 3 {
			t.Fatalf("%v: %d rows", pr, rows.Len())
		}
		k := e.Config().K
		for s := 0; s < 3; s++ {
			var sw, swd float64
			w := make([]float64, k)
			d := make([]float64, k)
			for j := 0; j < k; j++ {
				x := p.Plx[s*k+j]
				d[j] = 1000 / x
				switch pr.Kind {
				case FlatParallax:
					w[j] = 1
				case FlatDistance:
					w[j] = d[j] * d[j]
				case ExpDecreasing:
					w[j] = math.Pow(d[j], 4) * math.Exp(-d[j]/pr.L)
				}
				sw += w[j]
				swd += w[j] * d[j]
			}
			want := swd / sw
			if relErr(rows.DistMean[s], want) > 1e-12 || relErr(rows.DBest[s], want) > 1e-12 {
				t.Errorf("%v star %d: mean %.15g, d_best %.15g, want %.15g", pr, s, rows.DistMean[s], rows.DBest[s], want)
			}
			q := WeightedQuantiles(nil, []float64{0.5 * math.Erfc(1/math.Sqrt2), 0.5, 0.5 * math.Erfc(-1/math.Sqrt2)}, d, w) // Phi(-1), 0.5, Phi(1)
			if relErr(rows.DistQ16[s], q[0]) > 1e-12 || relErr(rows.DistQ50[s], q[1]) > 1e-12 || relErr(rows.DistQ84[s], q[2]) > 1e-12 {
				t.Errorf("%v star %d: quantiles %g %g %g, want %g", pr, s, rows.DistQ16[s], rows.DistQ50[s], rows.DistQ84[s], q)
			}
			if rows.Flags[s]&(FlagNotConverged|FlagOffCMD|FlagZeroWeights|FlagDensityNaN) != 0 {
				t.Errorf("%v star %d: flags %v", pr, s, rows.Flags[s])
			}
		}
		if rows.Flags[1]&FlagNegativeParallax == 0 || rows.Flags[0]&FlagNegativeParallax != 0 {
			t.Errorf("%v: negative-parallax flags %v %v", pr, rows.Flags[0], rows.Flags[1])
		}
	}
}

// A precise parallax fixes the distance whatever the CMD says; a sharp
// Gaussian CMD in g fixes it whatever the (noisy) parallax says: both must
// give back the true distance, through dust that grows with distance (so the
// iteration has to find it).
func TestRecoversDistance(t *testing.T) {
	const (
		trueD = 2000.0 // pc
		absG  = 4.0
		rate  = 0.3 // E per kpc
	)
	ext := PaperExtinction
	dm := 5*math.Log10(trueD) - 5
	eTrue := rate * trueD / 1000
	g := absG + dm + ext.AG*eTrue
	bprp, bpg := 0.8+ext.BPRP*eTrue, 0.35+ext.BPG*eTrue
	plx := 1000 / trueD

	cases := []struct {
		name   string
		plxErr float64
		dens   Density
		k      int
		tol    float64 // relative
	}{
		{"noiseless parallax, broad CMD", plx * 1e-6, gaussG(absG, 3), 32, 1e-5},
		{"noisy parallax, sharp CMD", 0.4 * plx, gaussG(absG, 0.02), 4096, 0.01},
		{"negative parallax, sharp CMD", 3 * plx, gaussG(absG, 0.02), 20000, 0.01},
	}
	for _, c := range cases {
		obs := plx
		if c.name == "negative parallax, sharp CMD" {
			obs = -plx
		}
		for _, mode := range []Mode{Catalog, Training} {
			e := mustNew(t, Config{Mode: mode, K: c.k, T: 30, NoParallaxOffset: true, Seed: 11}, c.dens, linearDust{rate})
			p := e.Prepare(nil, blockOf(testStar(7, obs, c.plxErr, g, bprp, bpg)), nil)
			if mode == Training {
				tr := e.Train(nil, p)
				if relErr(tr.Dist[0], trueD) > c.tol {
					t.Errorf("%s, training: d_best %.6g, want %g", c.name, tr.Dist[0], trueD)
				}
				if relErr(tr.E[0], eTrue) > c.tol {
					t.Errorf("%s, training: E %.6g, want %g", c.name, tr.E[0], eTrue)
				}
				if math.Abs(tr.BPRP[0]-0.8) > 1e-12+ext.BPRP*eTrue*c.tol || math.Abs(tr.BPG[0]-0.35) > 1e-12+ext.BPG*eTrue*c.tol {
					t.Errorf("%s, training: colours %.6g %.6g, want 0.8 0.35", c.name, tr.BPRP[0], tr.BPG[0])
				}
				continue
			}
			r := e.Catalog(nil, p)
			if relErr(r.DistMean[0], trueD) > c.tol || relErr(r.DistQ50[0], trueD) > c.tol {
				t.Errorf("%s: mean %.6g median %.6g, want %g", c.name, r.DistMean[0], r.DistQ50[0], trueD)
			}
			if math.Abs(r.G[0]-absG) > 5*c.tol {
				t.Errorf("%s: g %.6g, want %g", c.name, r.G[0], absG)
			}
			if r.Flags[0]&(FlagNotConverged|FlagOffCMD) != 0 {
				t.Errorf("%s: flags %v", c.name, r.Flags[0])
			}
		}
	}
}

// The posterior of one star by quadrature against the weighted samples: the
// CMD is a Gaussian in g, so the posterior in parallax is
//
//	p(x) ∝ N(x; parallax, sigma) N(G - A_G E + 5 log10 x - 10; M, s) w(1000/x)
//
// with w the prior's weight as Prior documents (1, d², d⁴ exp(-d/L)),
// integrated on a fine grid in log x.
// With K = 200000 samples the mean, std and quantiles must agree within a few
// Monte Carlo standard errors.
func TestPosteriorAgainstQuadrature(t *testing.T) {
	const (
		plxObs, plxErr = 0.4, 0.15
		absG, width    = 4.0, 0.5
		gObs           = 15.0
		eDust          = 0.2
		k              = 200000
	)
	ext := PaperExtinction
	g0 := gObs - ext.AG*eDust
	for _, pr := range []Prior{{Kind: FlatParallax}, {Kind: FlatDistance}, {Kind: ExpDecreasing, L: 2000}} {
		// Quadrature in u = ln x over [ln 1e-4, ln(plx + 12 sigma)].
		const n = 400000
		lo, hi := math.Log(1e-4), math.Log(plxObs+12*plxErr)
		h := (hi - lo) / n
		dens := make([]float64, n+1)
		ds := make([]float64, n+1)
		var z, m1, m2 float64
		for i := 0; i <= n; i++ {
			u := lo + float64(i)*h
			x := math.Exp(u)
			d := 1000 / x
			zz := (x - plxObs) / plxErr
			gg := (g0 + 5*math.Log10(x) - 10 - absG) / width
			lw := -zz*zz/2 - gg*gg/2 + pr.logWeight(d) + u // + u: dx = x du
			ds[i] = d
			dens[i] = lw
		}
		mx := math.Inf(-1)
		for _, v := range dens {
			mx = max(mx, v)
		}
		cdf := make([]float64, n+1) // in increasing x, i.e. decreasing d
		for i := range dens {
			dens[i] = math.Exp(dens[i] - mx)
			wq := 1.0 // trapezoid
			if i == 0 || i == n {
				wq = 0.5
			}
			z += wq * dens[i]
			m1 += wq * dens[i] * ds[i]
			m2 += wq * dens[i] * ds[i] * ds[i]
			if i > 0 {
				cdf[i] = cdf[i-1] + (dens[i]+dens[i-1])/2
			}
		}
		mean := m1 / z
		std := math.Sqrt(m2/z - mean*mean)
		// Quantile q of d: P(D <= d) = P(X >= 1000/d) = 1 - cdf(x)/total.
		quant := func(q float64) (float64, float64) {
			target := (1 - q) * cdf[n]
			for i := 1; i <= n; i++ {
				if cdf[i] >= target {
					f := (target - cdf[i-1]) / (cdf[i] - cdf[i-1])
					u := lo + (float64(i-1)+f)*h
					x := math.Exp(u)
					// density of d at the quantile: p_x(x) |dx/dd| = p_u(u)/x |dx/dd|... = p_u(u) x/1000 / x
					pu := (dens[i-1] + f*(dens[i]-dens[i-1])) / (cdf[n] * h)
					return 1000 / x, pu * x / 1000
				}
			}
			return math.NaN(), math.NaN()
		}

		e := mustNew(t, Config{K: k, T: 3, Prior: pr, NoParallaxOffset: true, Seed: 5}, gaussG(absG, width), constDust{e: eDust, hole: math.NaN()})
		r := e.CatalogBlock(nil, blockOf(testStar(9, plxObs, plxErr, gObs, 1, 0.5)), nil)
		ess := r.ESS[0]
		if ess < 1000 {
			t.Fatalf("%v: effective sample size %g", pr, ess)
		}
		t.Logf("%v: ESS %.0f mean %.5g (quadrature %.5g) std %.5g (%.5g) q16 %.5g q50 %.5g q84 %.5g", pr, ess, r.DistMean[0], mean, r.DistStd[0], std, r.DistQ16[0], r.DistQ50[0], r.DistQ84[0])
		if se := std / math.Sqrt(ess); math.Abs(r.DistMean[0]-mean) > 5*se {
			t.Errorf("%v: mean %.6g, quadrature %.6g ± %.2g", pr, r.DistMean[0], mean, se)
		}
		if relErr(r.DistStd[0], std) > 0.05 {
			t.Errorf("%v: std %.6g, quadrature %.6g", pr, r.DistStd[0], std)
		}
		for _, c := range []struct {
			q   float64
			got float64
		}{{0.16, r.DistQ16[0]}, {0.5, r.DistQ50[0]}, {0.84, r.DistQ84[0]}} {
			want, pdf := quant(c.q)
			se := math.Sqrt(c.q*(1-c.q)/ess) / pdf
			if math.Abs(c.got-want) > 5*se {
				t.Errorf("%v: q%.0f %.6g, quadrature %.6g ± %.2g", pr, 100*c.q, c.got, want, se)
			}
		}
	}
}

// A star's numbers depend on its source_id and the run seed, not on the
// block it travels in, its place there, or the chunking.
func TestDeterministicAcrossBlocks(t *testing.T) {
	a := testStar(1001, 0.3, 0.2, 16, 0.9, 0.4)
	b := testStar(2002, -0.1, 0.4, 19, 1.2, 0.6)
	c := testStar(3003, 2, 0.05, 12, 0.7, 0.3)
	d := testStar(4004, 0.05, 0.5, 20, 2.0, 0.9)
	dens := gaussG(4, 1.5)
	dust := constDust{e: 0.2, sigma: 0.05, n: 5, hole: math.NaN()}
	e1 := mustNew(t, Config{Seed: 99}, dens, dust)
	e2 := mustNew(t, Config{Seed: 99, Chunk: 1}, dens, dust)
	r1 := e1.CatalogBlock(nil, blockOf(a, b, c), nil)
	r2 := e2.CatalogBlock(nil, blockOf(d, c, a, testStar(5005, 1, 0.1, 14, 1, 0.5), b), nil)
	idx := map[int64]int{}
	for i, id := range r2.SourceID {
		idx[id] = i
	}
	for i, id := range r1.SourceID {
		j := idx[id]
		cols1, cols2 := r1.floatColumns(), r2.floatColumns()
		for c := range cols1 {
			x, y := (*cols1[c])[i], (*cols2[c])[j]
			if math.Float64bits(x) != math.Float64bits(y) {
				t.Errorf("star %d column %d: %v in one block, %v in the other", id, c, x, y)
			}
		}
		if r1.Flags[i] != r2.Flags[j] || r1.Iterations[i] != r2.Iterations[j] {
			t.Errorf("star %d: flags/iterations differ", id)
		}
	}
	// Another seed gives other samples.
	e3 := mustNew(t, Config{Seed: 100}, dens, dust)
	r3 := e3.CatalogBlock(nil, blockOf(a), nil)
	if r3.DistMean[0] == r1.DistMean[0] {
		t.Error("seed 100 gives the same distance as seed 99")
	}
}

// A star off the CMD (zero density everywhere) or with a NaN density is
// flagged and falls back to the parallax likelihood times the prior; no
// NaN comes out.
func TestZeroAndNaNDensity(t *testing.T) {
	zero := LogProbFunc(func(_, _, _ float64) float64 { return math.Inf(-1) })
	nanD := LogProbFunc(func(g, _, _ float64) float64 {
		if g > 0 {
			return math.NaN()
		}
		return math.Inf(-1)
	})
	for _, c := range []struct {
		name string
		dens Density
		want Flag
	}{{"zero", zero, FlagOffCMD | FlagZeroWeights}, {"nan", nanD, FlagOffCMD | FlagZeroWeights | FlagDensityNaN}} {
		e := mustNew(t, Config{Seed: 1}, c.dens, noDust)
		p := e.Prepare(nil, blockOf(testStar(1, 0.5, 0.1, 15, 1, 0.5)), nil)
		r := e.Catalog(nil, p)
		if r.Flags[0]&c.want != c.want {
			t.Errorf("%s: flags %v, want %v", c.name, r.Flags[0], c.want)
		}
		var m float64
		for _, d := range p.Dist {
			m += d
		}
		m /= float64(len(p.Dist))
		if relErr(r.DistMean[0], m) > 1e-12 {
			t.Errorf("%s: mean %g, want the plain sample mean %g", c.name, r.DistMean[0], m)
		}
		for _, col := range r.floatColumns() {
			for _, v := range *col {
				if math.IsNaN(v) {
					t.Fatalf("%s: NaN in a column", c.name)
				}
			}
		}
	}
}

// Training points: g_best is the mean of g_i over the raw samples (not g at
// d_best), sigma_g² = Var(g_i) + (A_G sigma_E)², the colour sigmas are the
// dust spread times their coefficients, and the weight is 1/(sigma_P² +
// SigmaCMD²), 1/sigma_P² with SigmaCMD < 0 (the paper's).
func TestTrainPoint(t *testing.T) {
	const eMed, eSig = 0.25, 0.04
	dust := constDust{e: eMed, sigma: eSig, hole: math.NaN()}
	e := mustNew(t, Config{Mode: Training, Seed: 2}, gaussG(4, 1), dust)
	p := e.Prepare(nil, blockOf(testStar(1, 0.5, 0.2, 15, 1.1, 0.5)), nil)
	tr := e.Train(nil, p)
	ext := PaperExtinction
	k := e.Config().K
	if k != 32 || e.Config().T != 5 {
		t.Fatalf("training defaults K=%d T=%d, want 32 and 5", k, e.Config().T)
	}
	var gs []float64
	for j := 0; j < k; j++ {
		gs = append(gs, 15-ext.AG*eMed+5*math.Log10(p.Plx[j])-10)
	}
	var mean float64
	for _, g := range gs {
		mean += g
	}
	mean /= float64(k)
	var v float64
	for _, g := range gs {
		v += (g - mean) * (g - mean)
	}
	v /= float64(k - 1)
	sg2 := v + ext.AG*ext.AG*eSig*eSig
	sbr, sbg := ext.BPRP*eSig, ext.BPG*eSig
	checks := []struct {
		name      string
		got, want float64
	}{
		{"g", tr.G[0], mean},
		{"bp-rp", tr.BPRP[0], 1.1 - ext.BPRP*eMed},
		{"bp-g", tr.BPG[0], 0.5 - ext.BPG*eMed},
		{"sigma_g", tr.SigmaG[0], math.Sqrt(sg2)},
		{"sigma_bp-rp", tr.SigmaBPRP[0], sbr},
		{"sigma_bp-g", tr.SigmaBPG[0], sbg},
		{"weight", tr.Weight[0], 1 / (sg2 + sbr*sbr + sbg*sbg + DefaultSigmaCMD*DefaultSigmaCMD)},
		{"E", tr.E[0], eMed},
	}
	for _, c := range checks {
		if relErr(c.got, c.want) > 1e-12 {
			t.Errorf("%s = %.15g, want %.15g", c.name, c.got, c.want)
		}
	}
	if gAtBest := 15 - ext.AG*eMed - 5*math.Log10(tr.Dist[0]) + 5; math.Abs(gAtBest-tr.G[0]) < 1e-6 {
		t.Errorf("g_best %g equals g at d_best", tr.G[0])
	}
	x := tr.Points(nil)
	if len(x) != 3 || x[0] != tr.G[0] || x[1] != tr.BPRP[0] || x[2] != tr.BPG[0] {
		t.Errorf("Points = %v", x)
	}
	// The paper's weight 1/sigma_P².
	e1 := mustNew(t, Config{Mode: Training, Seed: 2, SigmaCMD: -1}, gaussG(4, 1), dust)
	if w := e1.Train(nil, e1.Prepare(nil, blockOf(testStar(1, 0.5, 0.2, 15, 1.1, 0.5)), nil)).Weight[0]; relErr(w, 1/(sg2+sbr*sbr+sbg*sbg)) > 1e-12 {
		t.Errorf("paper's weight = %.15g, want %.15g", w, 1/(sg2+sbr*sbr+sbg*sbg))
	}
	// A noiseless parallax without dust spread: sigma_P is floored.
	e2 := mustNew(t, Config{Mode: Training, Seed: 2, SigmaCMD: -1}, gaussG(4, 1), constDust{e: eMed, hole: math.NaN()})
	tr = e2.Train(nil, e2.Prepare(nil, blockOf(testStar(2, 0.5, 1e-12, 15, 1.1, 0.5)), nil))
	if tr.Weight[0] != 1/(0.001*0.001) {
		t.Errorf("floored weight %g, want 1e6", tr.Weight[0])
	}
}

// The cuts, each counted under its name, in training and in the catalog.
func TestCuts(t *testing.T) {
	mk := func(f func(r *star.Row)) star.Row {
		r := testStar(1, 0.5, 0.1, 15, 1, 0.5)
		f(&r)
		return r
	}
	rows := []star.Row{
		mk(func(r *star.Row) {}),                                                         // kept
		mk(func(r *star.Row) { r.Dec = -30 }),                                            // dec
		mk(func(r *star.Row) { r.Dec = math.NaN() }),                                     // dec
		mk(func(r *star.Row) { r.BP = math.NaN() }),                                      // photometry
		mk(func(r *star.Row) { r.BPRP, r.RP = math.NaN(), math.NaN() }),                  // photometry
		mk(func(r *star.Row) { r.BPRP = math.NaN() }),                                    // kept: BP - RP
		mk(func(r *star.Row) { r.Parallax = math.NaN() }),                                // parallax
		mk(func(r *star.Row) { r.ParallaxError = 0 }),                                    // parallax
		mk(func(r *star.Row) { r.RUWE = 1.4 }),                                           // ruwe (training)
		mk(func(r *star.Row) { r.RUWE = math.NaN() }),                                    // no_ruwe (training)
		mk(func(r *star.Row) { r.RUWE, r.Chi2AL, r.NGoodObsAL = math.NaN(), 300, 305 }),  // UWE 1: kept with u0 = 1
		mk(func(r *star.Row) { r.RUWE, r.Chi2AL, r.NGoodObsAL = math.NaN(), 1200, 305 }), // UWE 2: ruwe with u0 = 1
		mk(func(r *star.Row) { r.L = 250.5 }),                                            // dust (hole at 250)
		// sigma_BP 0.217, sigma_RP 0.011 mag: colour_error (training, MaxColourError 0.1)
		mk(func(r *star.Row) { r.BPFluxOverError, r.RPFluxOverError = 5, 100 }),
		mk(func(r *star.Row) { r.BPFluxOverError, r.RPFluxOverError = 100, 100 }), // sigma(BP-RP) 0.015: kept
	}
	u0 := &U0{G0: 10, DG: 1, NG: 2, C0: 0, DC: 1, NC: 2, Values: []float64{1, 1, 1, 1}, GOnly: []float64{1, 1}}
	dust := constDust{hole: 250}
	for _, c := range []struct {
		mode Mode
		u0   *U0
		kept int64
		cut  [NumCuts]int64
	}{
		{Training, nil, 3, [NumCuts]int64{CutDec: 2, CutPhotometry: 2, CutParallax: 2, CutNoRUWE: 3, CutRUWE: 1, CutDust: 1, CutColourError: 1}},
		{Training, u0, 4, [NumCuts]int64{CutDec: 2, CutPhotometry: 2, CutParallax: 2, CutNoRUWE: 1, CutRUWE: 2, CutDust: 1, CutColourError: 1}},
		{Catalog, nil, 8, [NumCuts]int64{CutDec: 2, CutPhotometry: 2, CutParallax: 2, CutDust: 1}},
	} {
		e := mustNew(t, Config{Mode: c.mode, U0: c.u0, MaxColourError: 0.1}, flat, dust)
		var cnt Counts
		p := e.Prepare(nil, blockOf(rows...), &cnt)
		if cnt.In != int64(len(rows)) || cnt.Kept != c.kept || cnt.Cut != c.cut || int64(p.Len()) != c.kept {
			t.Errorf("%v u0=%v: counts %+v (prepared %d), want kept %d cuts %v", c.mode, c.u0 != nil, cnt, p.Len(), c.kept, c.cut)
		}
		var sum int64
		for _, v := range cnt.Cut {
			sum += v
		}
		if sum+cnt.Kept != cnt.In {
			t.Errorf("%v: %d cut + %d kept != %d in", c.mode, sum, cnt.Kept, cnt.In)
		}
		if c.mode == Catalog {
			var high, none int
			for _, f := range p.Flags {
				if f&FlagHighRUWE != 0 {
					high++
				}
				if f&FlagNoRUWE != 0 {
					none++
				}
			}
			if high != 1 || none != 3 {
				t.Errorf("catalog: %d high-RUWE and %d no-RUWE flags, want 1 and 3", high, none)
			}
		}
	}
	for c := Cut(0); c < NumCuts; c++ {
		if c.String() == "" || c.String()[0] == 'C' {
			t.Errorf("cut %d has no name", int(c))
		}
	}
}

// The parallax offset: +0.029 mas by default, none when asked.
func TestParallaxOffset(t *testing.T) {
	b := blockOf(testStar(1, 0.5, 1e-9, 15, 1, 0.5))
	for _, c := range []struct {
		cfg  Config
		want float64
	}{{Config{}, 0.529}, {Config{NoParallaxOffset: true}, 0.5}, {Config{ParallaxOffset: -0.017}, 0.483}} {
		e := mustNew(t, c.cfg, flat, noDust)
		p := e.Prepare(nil, b, nil)
		if math.Abs(p.Plx[0]-c.want) > 1e-6 || p.Parallax[0] != 0.5 {
			t.Errorf("%+v: sample %g (published %g), want %g", c.cfg, p.Plx[0], p.Parallax[0], c.want)
		}
	}
	if _, err := New(Config{NoParallaxOffset: true, ParallaxOffset: 0.01}, flat, noDust); err == nil {
		t.Error("NoParallaxOffset with an offset: no error")
	}
}

// countingDensity records the number of rows of each call.
type countingDensity struct{ calls []int }

func (c *countingDensity) LogProb(dst, x []float64) {
	c.calls = append(c.calls, len(dst))
	flat.LogProb(dst, x)
}

// The density sees one matrix per chunk and iteration: Chunk stars × K rows.
func TestDensityBatches(t *testing.T) {
	var rows []star.Row
	for i := 0; i < 7; i++ {
		rows = append(rows, testStar(int64(i), 0.5, 0.1, 15, 1, 0.5))
	}
	// With eq. 2's dust at d_best, T passes per chunk; with the dust at
	// each sample's distance (the default), one.
	for _, c := range []struct {
		atDBest bool
		want    []int
	}{{true, []int{96, 96, 96, 96, 32, 32}}, {false, []int{96, 96, 32}}} {
		d := &countingDensity{}
		// Converged -1: no dust and a flat density settle d_best at once.
		e := mustNew(t, Config{Chunk: 3, T: 2, DustAtDBest: c.atDBest, Converged: -1}, d, noDust)
		e.CatalogBlock(nil, blockOf(rows...), nil)
		if !slices.Equal(d.calls, c.want) {
			t.Fatalf("dust at d_best %v: calls %v, want %v", c.atDBest, d.calls, c.want)
		}
	}
}

// AppendCatalog over a partition's blocks gives, in one Rows, the rows that
// CatalogBlock gives block by block, with the cuts counted the same.
func TestAppendCatalog(t *testing.T) {
	b, _ := mockPopulation(900, 5, 0.3)
	b.Dec = slices.Repeat([]float64{0}, b.Len()) // inside the map
	cfg := Config{Mode: Catalog, Seed: 2, Quantiles: 4}
	e := mustNew(t, cfg, LogProbFunc(mock.DefaultCMD().LogProb), linearDust{rate: 0.3})
	var want Rows
	var got Rows
	var cw, cg Counts
	for lo := 0; lo < b.Len(); lo += 250 {
		keep := make([]bool, b.Len())
		for i := lo; i < min(lo+250, b.Len()); i++ {
			keep[i] = true
		}
		blk := b.Select(keep)
		want.Append(e.CatalogBlock(nil, &blk, &cw))
		e.AppendCatalog(&got, &blk, &cg)
	}
	if want.Len() < 500 || !reflect.DeepEqual(want, got) || cw != cg {
		t.Errorf("%d rows block by block, %d appended, or they differ; counts %+v and %+v", want.Len(), got.Len(), cw, cg)
	}
}
