package stream

import (
	"github.com/gaiaflow/gaiaflow/model/hist"
	"math"
	"math/rand/v2"
	"testing"
)

// exactLine returns n points evenly spaced along the chord of l across the
// disk of radius 9.9 (inside the 10-degree disk).
func exactLine(l Line, n int) (phi, lambda []float64) {
	h := math.Sqrt(9.9*9.9 - l.Rho*l.Rho)
	phi, lambda = make([]float64, n), make([]float64, n)
	for i := range n {
		phi[i], lambda[i] = l.Point(-h + 2*h*(float64(i)+0.5)/float64(n))
	}
	return phi, lambda
}

func TestFindExactLine(t *testing.T) {
	f := NewFinder(HoughConfig{})
	for _, want := range []Line{
		{Theta: 0.5, Rho: 0},
		{Theta: 1.0, Rho: 3},
		{Theta: 2.0, Rho: -5},
		{Theta: 0.3, Rho: 8},
		{Theta: 0.004, Rho: 2.5},   // first theta bin: the boxes wrap to theta ~ pi
		{Theta: 3.139, Rho: -7.25}, // last theta bin
		{Theta: math.Pi / 2, Rho: 9.1},
		{Theta: 1.234, Rho: -0.05},
	} {
		phi, lambda := exactLine(want, 40)
		fit := f.Find(phi, lambda)
		// Stars exactly on a line: the least-squares line through them is
		// the line itself.
		dt, dr := fit.Line.Diff(want)
		if math.Abs(dt) > 1e-9 || math.Abs(dr) > 1e-9 {
			t.Errorf("line %+v: fitted %+v (d theta %.3g, d rho %.3g)", want, fit.Line, dt, dr)
		}
		if fit.N != 40 {
			t.Errorf("line %+v: %d curves through the best box, want all 40", want, fit.N)
		}
		// The paper's bin is within the box grown by one box size.
		dt, dr = fit.BoxLine.Diff(want)
		if math.Abs(dt) > 4.5*math.Pi/100 || math.Abs(dr) > 7.5*0.2 {
			t.Errorf("line %+v: box %+v too far (d theta %.3g, d rho %.3g)", want, fit.BoxLine, dt, dr)
		}
		if fit.Line.Theta < 0 || fit.Line.Theta >= math.Pi {
			t.Errorf("line %+v: fitted theta %v not canonical", want, fit.Line.Theta)
		}
		members := f.Members(nil, phi, lambda, fit)
		if len(members) != 40 {
			t.Errorf("line %+v: %d members, want 40", want, len(members))
		}
	}
}

func TestFindRecovers(t *testing.T) {
	// 30 stars on a line of width 0.1 degree among 70 uniform ones in the
	// 10-degree disk: within one theta bin (1.8 degrees) and 0.3 degree of
	// rho, every time.
	for _, c := range []RecoveryConfig{
		{Trials: 300, Seed: 1},
		{Trials: 60, Seed: 2, Lines: []Line{{Theta: 0.001, Rho: 4}, {Theta: 3.14, Rho: -6}, {Theta: math.Pi / 2, Rho: 0}}},
	} {
		r := Recover(c)
		if r.Recovered != r.Trials {
			worst := 0
			for i := range r.DTheta {
				if math.Abs(r.DRho[i]) > math.Abs(r.DRho[worst]) {
					worst = i
				}
			}
			t.Errorf("%+v: recovered %d of %d (worst d theta %.3g rad, d rho %.3g deg)",
				c, r.Recovered, r.Trials, r.DTheta[worst], r.DRho[worst])
		}
	}
}

func TestFindRecoversFaint(t *testing.T) {
	// 20 stars on a line among 80: found in at least 95% of the trials (the
	// misses are lines that a noise fluctuation outshines; measured 98 of
	// 100), and when found, to within the same tolerances.
	r := Recover(RecoveryConfig{Trials: 100, Seed: 3, NLine: 20, NNoise: 80, Width: 0.05})
	if r.Recovered < 95 {
		t.Errorf("recovered %d of 100 faint lines, want >= 95", r.Recovered)
	}
}

func TestNoiseSigmas(t *testing.T) {
	// Pure noise: 100 uniform stars in the disk. The best of 10^4 boxes is a
	// few sigma by the look-elsewhere effect alone; a 30-star line (previous
	// test) gives sigma_L of 10 or more. The bounds hold the measured
	// distribution (median 5.5, 99th percentile 8.6 over 2000 seeds) with
	// room for the sampling error of 400 seeds.
	s := NoiseSigmas(HoughConfig{Background: BackgroundRing}, 100, 400, 7)
	if q := hist.Quantile(s, 0.5); q < 4.5 || q > 6.5 {
		t.Errorf("noise median sigma_L %.2f, want in [4.5, 6.5]", q)
	}
	if q := hist.Quantile(s, 0.99); q > 10.5 {
		t.Errorf("noise 99%% sigma_L %.2f, want < 10.5", q)
	}
	r := Recover(RecoveryConfig{Hough: HoughConfig{Background: BackgroundRing}, Trials: 100, Seed: 9})
	low := 0
	for _, sig := range r.Sigma {
		if sig < hist.Quantile(s, 0.99) {
			low++
		}
	}
	if low > 5 {
		t.Errorf("%d of 100 30-star lines below the noise 99th percentile", low)
	}
}

func TestBackgroundUnbiased(t *testing.T) {
	// For uniform stars the renormalised background estimates the inner
	// count without bias in every bin (E[n_bg] = E[n]), at the centre and at
	// the clipped rim of the disk alike.
	f := NewFinder(HoughConfig{Background: BackgroundRing})
	const trials, n = 300, 400
	rng := rand.New(rand.NewPCG(5, 6))
	phi, lambda := make([]float64, n), make([]float64, n)
	size := 100 * 100
	nm, bg := make([]int32, size), make([]float64, size)
	sumN, sumBg := make([]float64, 100), make([]float64, 100)
	for range trials {
		UniformDisk(rng, phi, lambda, 10)
		f.Map(nm, bg, nil, phi, lambda)
		for k := range size {
			sumN[k%100] += float64(nm[k])
			sumBg[k%100] += bg[k]
		}
	}
	for _, j := range []int{0, 3, 25, 50, 75, 96, 99} {
		in, _ := f.Area(j)
		want := float64(n) * in / (math.Pi * 100) // expected curves per box
		mn, mb := sumN[j]/(trials*100), sumBg[j]/(trials*100)
		// Each rho bin averages 100 strongly correlated theta bins per trial;
		// allow 3% of the expectation plus a small floor.
		if math.Abs(mn-want) > 0.03*want+0.02 || math.Abs(mb-want) > 0.03*want+0.02 {
			t.Errorf("rho bin %d: mean n %.3f, mean n_bg %.3f, expected %.3f from the area", j, mn, mb, want)
		}
	}
}

// bruteCrossed marks, for the star at (phi, lambda), every Hough bin its
// curve visits, followed on a fine theta grid that includes the column
// edges; between two samples the curve visits every rho bin between their
// values (it is continuous). An independent count of the curves through each
// box, exact but for the curve's extremum inside a sample step (a rho error
// below 1e-7 degree).
func bruteCrossed(phi, lambda float64, nte int, theta0, dTheta float64) map[[2]int]bool {
	const sub = 400
	seen := map[[2]int]bool{}
	bin := func(rho float64) int { return int(math.Floor((rho + 10) / 0.2)) }
	prev := 0.0
	for k := 0; k <= nte*sub; k++ {
		th := theta0 + float64(k)*dTheta/sub
		rho := phi*math.Sin(th) - lambda*math.Cos(th)
		if k > 0 {
			col := (k - 1) / sub
			for v := bin(math.Min(prev, rho)); v <= bin(math.Max(prev, rho)); v++ {
				seen[[2]int{col, v}] = true
			}
		}
		prev = rho
	}
	return seen
}

func TestMapAgainstBruteForce(t *testing.T) {
	f := NewFinder(HoughConfig{Background: BackgroundRing})
	rng := rand.New(rand.NewPCG(8, 9))
	phi, lambda := make([]float64, 12), make([]float64, 12)
	UniformDisk(rng, phi, lambda, 10)
	phi[0], lambda[0] = 0, 0 // the centre: a flat curve rho = 0
	phi[1], lambda[1] = 9.99, 0
	nm, bg := make([]int32, 100*100), make([]float64, 100*100)
	f.Map(nm, bg, nil, phi, lambda)
	seen := make([]map[[2]int]bool, len(phi))
	for s := range phi {
		seen[s] = bruteCrossed(phi[s], lambda[s], 114, -7*math.Pi/100, math.Pi/100)
	}
	count := func(tc, jc, ht, hr int) int {
		n := 0
		for s := range phi {
		star:
			for u := tc - ht; u <= tc+ht; u++ {
				for v := jc - hr; v <= jc+hr; v++ {
					if seen[s][[2]int{u + 7, v}] {
						n++
						break star
					}
				}
			}
		}
		return n
	}
	bad := 0
	for i := 0; i < 100; i += 3 {
		for j := 0; j < 100; j += 3 {
			n, m := count(i, j, 1, 2), count(i, j, 7, 12)
			in, out := f.Area(j)
			wantBg := float64(m-n) * in / (out - in)
			if int(nm[i*100+j]) != n || math.Abs(bg[i*100+j]-wantBg) > 1e-9*math.Max(1, wantBg) {
				bad++
				if bad < 5 {
					t.Errorf("bin (%d, %d): n %d bg %.4f; brute force n %d bg %.4f", i, j, nm[i*100+j], bg[i*100+j], n, wantBg)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d bins differ from the brute-force count", bad)
	}
}

func TestMapMatchesFind(t *testing.T) {
	f := NewFinder(HoughConfig{})
	rng := rand.New(rand.NewPCG(10, 11))
	phi, lambda := make([]float64, 100), make([]float64, 100)
	for range 20 {
		OnLine(rng, phi[:25], lambda[:25], Line{Theta: 3 * rng.Float64(), Rho: 16*rng.Float64() - 8}, 0.2, 10)
		UniformDisk(rng, phi[25:], lambda[25:], 10)
		fit := f.Find(phi, lambda)
		_, _, sig := f.Map(nil, nil, make([]float64, 100*100), phi, lambda)
		best := 0
		for k := range sig {
			if sig[k] > sig[best] {
				best = k
			}
		}
		if best != fit.ThetaBin*100+fit.RhoBin || sig[best] != fit.Sigma {
			t.Errorf("Find bin (%d, %d) sigma %v; Map best (%d, %d) sigma %v",
				fit.ThetaBin, fit.RhoBin, fit.Sigma, best/100, best%100, sig[best])
		}
	}
}

func TestFindEdgeCases(t *testing.T) {
	f := NewFinder(HoughConfig{})
	if fit := f.Find(nil, nil); fit.Sigma != 0 || fit.N != 0 {
		t.Errorf("no stars: %+v", fit)
	}
	nan := math.NaN()
	phi, lambda := exactLine(Line{Theta: 1, Rho: 2}, 20)
	phi = append(phi, nan, 3, math.Inf(1))
	lambda = append(lambda, 1, nan, 0)
	fit := f.Find(phi, lambda)
	if dt, dr := fit.Line.Diff(Line{Theta: 1, Rho: 2}); math.Abs(dt) > 1e-9 || math.Abs(dr) > 1e-9 || fit.N != 20 {
		t.Errorf("NaN and Inf stars not ignored: %+v", fit)
	}
	if m := f.Members(nil, phi, lambda, fit); len(m) != 20 {
		t.Errorf("%d members, want 20", len(m))
	}
	for _, c := range []HoughConfig{{BoxTheta: 2}, {Outer: 4}, {ThetaBins: 10, BoxTheta: 5, Outer: 5}, {RhoMax: -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewFinder(%+v) did not panic", c)
				}
			}()
			NewFinder(c)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Find with unequal lengths did not panic")
			}
		}()
		f.Find([]float64{1}, nil)
	}()
}

func TestFindDoesNotAllocate(t *testing.T) {
	f := NewFinder(HoughConfig{})
	rng := rand.New(rand.NewPCG(1, 1))
	phi, lambda := make([]float64, 100), make([]float64, 100)
	UniformDisk(rng, phi, lambda, 10)
	f.Find(phi, lambda)
	if a := testing.AllocsPerRun(20, func() { sinkFit = f.Find(phi, lambda) }); a != 0 {
		t.Errorf("Find allocates %v times per call", a)
	}
}

func TestTileBackground(t *testing.T) {
	// Against a direct evaluation of the tiled background from the n map:
	// for every bin, the mean over the 24 other tiles of the 5 x 5 lattice
	// (steps of 3 theta and 5 rho bins; theta wrapping with rho -> -rho,
	// tiles beyond the rho range left out) of n / strip area, times the
	// bin's strip area. Strip areas from the chord geometry of the circle.
	f := NewFinder(HoughConfig{Background: BackgroundTiles})
	capArea := func(h float64) float64 { // area of the disk beyond the chord at h
		h = math.Max(-10, math.Min(10, h))
		u := math.Acos(h / 10)
		return 100 * (u - math.Sin(u)*math.Cos(u))
	}
	strip := func(j int) float64 { return capArea(-10+0.2*float64(j-2)) - capArea(-10+0.2*float64(j+3)) }
	rng := rand.New(rand.NewPCG(12, 13))
	phi, lambda := make([]float64, 100), make([]float64, 100)
	OnLine(rng, phi[:20], lambda[:20], Line{Theta: 0.02, Rho: 5}, 0.1, 10)
	UniformDisk(rng, phi[20:], lambda[20:], 10)
	n, bg, sig := f.Map(make([]int32, 10000), make([]float64, 10000), make([]float64, 10000), phi, lambda)
	get := func(i, j int) (float64, bool) {
		if j < 0 || j > 99 {
			return 0, false
		}
		if i < 0 {
			i, j = i+100, 99-j
		} else if i > 99 {
			i, j = i-100, 99-j
		}
		return float64(n[i*100+j]) / strip(j), true
	}
	for i := range 100 {
		for j := range 100 {
			var sum float64
			var cnt int
			for a := -2; a <= 2; a++ {
				for b := -2; b <= 2; b++ {
					if v, ok := get(i+3*a, j+5*b); ok && (a != 0 || b != 0) {
						sum += v
						cnt++
					}
				}
			}
			want := sum / float64(cnt) * strip(j)
			wantSig := (float64(n[i*100+j]) - want) / math.Sqrt(math.Max(want, 1))
			if k := i*100 + j; math.Abs(bg[k]-want) > 1e-6*math.Max(1, want) || math.Abs(sig[k]-wantSig) > 1e-6 {
				t.Fatalf("bin (%d, %d): n_bg %v sigma %v, want %v %v", i, j, bg[k], sig[k], want, wantSig)
			}
		}
	}
	fit := f.Find(phi, lambda)
	if dt, dr := fit.Line.Diff(Line{Theta: 0.02, Rho: 5}); math.Abs(dt) > math.Pi/100 || math.Abs(dr) > 0.3 {
		t.Errorf("tiles: line %+v, want (0.02, 5)", fit.Line)
	}
}

func TestTileNoise(t *testing.T) {
	// The tiled background cancels part of each box's fluctuation: noise
	// sigma_L is lower than with the ring (measured median 3.3, 99% 4.4
	// over 1000 seeds), and 30-star lines still stand out.
	cfg := HoughConfig{Background: BackgroundTiles}
	q := NoiseQuantiles(cfg, 100, 300, 4, []float64{0.5, 0.99})
	if q[0] < 2.8 || q[0] > 3.8 || q[1] > 5.5 {
		t.Errorf("tiles noise median %.2f, 99%% %.2f; want about 3.3 and 4.4", q[0], q[1])
	}
	r := Recover(RecoveryConfig{Hough: cfg, Trials: 200, Seed: 1})
	if r.Recovered < 198 {
		t.Errorf("tiles: recovered %d of 200 lines", r.Recovered)
	}
	low := 0
	for _, s := range r.Sigma {
		if s < q[1] {
			low++
		}
	}
	if low > 4 {
		t.Errorf("tiles: %d of 200 lines below the noise 99th percentile", low)
	}
}
