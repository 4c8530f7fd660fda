package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// mockSky is a whole generated mock: every shard's block and truth.
type mockSky struct {
	shards []Shard
	blocks []star.Block
	truth  [][]Truth
}

func generateAll(t testing.TB, cfg Config) mockSky {
	t.Helper()
	shards, err := Shards(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := mockSky{shards: shards, blocks: make([]star.Block, len(shards)), truth: make([][]Truth, len(shards))}
	var wg sync.WaitGroup
	errs := make([]error, len(shards))
	for i, sh := range shards {
		wg.Go(func() {
			m.blocks[i], m.truth[i], errs[i] = Generate(cfg, sh)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return m
}

// each calls f for every star of m.
func (m *mockSky) each(f func(sh Shard, row star.Row, tr *Truth)) {
	for i := range m.blocks {
		for k := range m.blocks[i].Len() {
			f(m.shards[i], m.blocks[i].Row(k), &m.truth[i][k])
		}
	}
}

func fullConfig() Config {
	return Config{Seed: 42, Stars: 6000, Background: true, ShardLevel: 2,
		Streams: []Stream{GD1Stream(400), {Name: "short", Track: shortTrack(), N: 150, Width: 0.5, PMDispersion: 1}}}
}

// shortTrack is a 3-point track across the ra = 0 wrap, at 20 kpc.
func shortTrack() Track {
	return Track{Name: "short", RA: []float64{350, 0, 10}, Dec: []float64{-20, -15, -12},
		Dist: []float64{20, 21, 22}, PMRA: []float64{1, 1.1, 1.2}, PMDec: []float64{-0.5, -0.4, -0.3}}
}

func truthBits(tr []Truth) []uint64 {
	var out []uint64
	for _, x := range tr {
		out = append(out, uint64(x.SourceID), uint64(x.Component), uint64(x.Stream), uint64(x.Sequence))
		for _, v := range []float64{x.Dist, x.AbsG, x.BPRP0, x.BPG0, x.E, x.Parallax, x.PMRA, x.PMDec, x.Mass} {
			out = append(out, math.Float64bits(v))
		}
	}
	return out
}

func TestDeterminism(t *testing.T) {
	cfg := fullConfig()
	a := generateAll(t, cfg)
	// Again, one shard at a time in reverse order, each on its own: the same bits.
	for i := len(a.shards) - 1; i >= 0; i-- {
		b, tr, err := Generate(cfg, a.shards[i])
		if err != nil {
			t.Fatal(err)
		}
		x, _ := a.blocks[i].MarshalBinary()
		y, _ := b.MarshalBinary()
		if !bytes.Equal(x, y) || !slices.Equal(truthBits(a.truth[i]), truthBits(tr)) {
			t.Fatalf("shard %+v differs between runs", a.shards[i])
		}
	}
	// Shards itself is deterministic.
	s2, _ := Shards(cfg)
	if !slices.Equal(a.shards, s2) {
		t.Error("Shards differs between calls")
	}
	// Another seed gives another sky.
	cfg.Seed++
	b, _, err := Generate(cfg, a.shards[0])
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() > 0 && b.RA[0] == a.blocks[0].RA[0] {
		t.Error("a different seed gave the same first star")
	}
}

// TestStreamStarsIndependentOfSharding: stream star i is generated from
// (seed, stream, i) alone, so it is the same star, with the same noise,
// whatever the shard level.
func TestStreamStarsIndependentOfSharding(t *testing.T) {
	type key struct{ ra, dec, g, plx uint64 }
	collect := func(level int) []key {
		cfg := Config{Seed: 9, ShardLevel: level, Streams: []Stream{GD1Stream(300)}}
		m := generateAll(t, cfg)
		var ks []key
		m.each(func(_ Shard, row star.Row, tr *Truth) {
			ks = append(ks, key{math.Float64bits(row.RA), math.Float64bits(row.Dec),
				math.Float64bits(row.G), math.Float64bits(row.Parallax)})
		})
		slices.SortFunc(ks, func(a, b key) int {
			if a.ra != b.ra {
				if a.ra < b.ra {
					return -1
				}
				return 1
			}
			return 0
		})
		return ks
	}
	a, b := collect(0), collect(4)
	if len(a) != 300 || !slices.Equal(a, b) {
		t.Errorf("stream stars differ between shard levels 0 and 4 (%d and %d stars)", len(a), len(b))
	}
}

func TestExactCounts(t *testing.T) {
	tests := []Config{
		{Seed: 1, Stars: 0},
		{Seed: 1, Stars: 1},
		{Seed: 1, Stars: 1000, ShardLevel: 3},                   // fewer stars than shards
		{Seed: 2, Stars: 12345, ShardLevel: 1},                  // a remainder
		{Seed: 3, Stars: 5001, NoCMD: true, Background: true},   // background only
		{Seed: 4, Stars: 7777, Background: true, ShardLevel: 2}, // both, and ...
		{Seed: 5, Stars: 999, Background: true, BackgroundFraction: 0.9, ShardLevel: 1,
			Streams: []Stream{GD1Stream(77), {Track: shortTrack(), N: 33}}}, // ... streams in addition
	}
	for _, cfg := range tests {
		m := generateAll(t, cfg)
		var nCMD, nBG, nStream, nShard int64
		for i, sh := range m.shards {
			if sh.Len() == 0 {
				t.Errorf("%+v: empty shard listed", sh)
			}
			if int64(m.blocks[i].Len()) != sh.Len() {
				t.Errorf("%+v: generated %d stars", sh, m.blocks[i].Len())
			}
			nShard += sh.Len()
		}
		m.each(func(_ Shard, _ star.Row, tr *Truth) {
			switch tr.Component {
			case CMDStar:
				nCMD++
			case HaloStar, DiskStar:
				nBG++
			case StreamStar:
				nStream++
			}
		})
		var wantStream int64
		for _, s := range cfg.Streams {
			wantStream += int64(s.N)
		}
		wantBG := int64(0)
		if cfg.Background {
			wantBG = cfg.Stars
			if !cfg.NoCMD {
				f := cfg.BackgroundFraction
				if f == 0 {
					f = 0.5
				}
				wantBG = int64(math.Round(float64(cfg.Stars) * f))
			}
		}
		if nCMD+nBG != cfg.Stars || nBG != wantBG || nStream != wantStream || nShard != cfg.Stars+wantStream {
			t.Errorf("Stars %d (background %d), streams %d: got cmd %d, background %d, stream %d, shards %d",
				cfg.Stars, wantBG, wantStream, nCMD, nBG, nStream, nShard)
		}
	}
}

// TestUniformShares: the paper-000 population is uniform, so every shard
// gets floor or ceil of Stars/npix.
func TestUniformShares(t *testing.T) {
	cfg := Config{Seed: 11, Stars: 1000, ShardLevel: 2} // 192 shards: 5.2 each
	shards, err := Shards(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n5, n6 := 0, 0
	for _, sh := range shards {
		switch sh.CMD {
		case 5:
			n5++
		case 6:
			n6++
		default:
			t.Errorf("shard %d has %d stars", sh.Pixel, sh.CMD)
		}
	}
	if n5 != 152 || n6 != 40 {
		t.Errorf("%d shards with 5 and %d with 6 stars, want 152 and 40", n5, n6)
	}
}

func TestSourceIDs(t *testing.T) {
	cfg := fullConfig()
	m := generateAll(t, cfg)
	seen := map[int64]bool{}
	for i, b := range m.blocks {
		sh := m.shards[i]
		for k, id := range b.SourceID {
			if k > 0 && id <= b.SourceID[k-1] {
				t.Fatalf("shard %d: source_ids not strictly increasing at %d", sh.Pixel, k)
			}
			if seen[id] {
				t.Fatalf("source_id %d repeated", id)
			}
			seen[id] = true
			// Gaia: source_id >> 35 is the level-12 NESTED pixel of (ra, dec).
			if want := sky.NestedPixel(4096, b.RA[k], b.Dec[k]); star.HEALPix12(id) != want {
				t.Fatalf("source_id %d carries pixel %d, star is in %d", id, star.HEALPix12(id), want)
			}
			if p := star.HEALPix12(id) >> (2 * (12 - sh.Level)); p != sh.Pixel {
				t.Fatalf("star of shard %d has source_id in pixel %d", sh.Pixel, p)
			}
			if m.truth[i][k].SourceID != id {
				t.Fatalf("truth out of step with the block")
			}
		}
	}
}

// TestCMDDistances: with a window that cuts nothing (no dust, a faint limit
// of G = 39.9 mag, far beyond any star of the CMD at the distances the prior
// gives), the paper-000 distances follow P(d) ∝ d² exp(-d/L), a Gamma(3, L)
// law: mean 3L, variance 3L², skewness 2/sqrt(3), CDF
// 1 - exp(-x)(1 + x + x²/2) with x = d/L.
func TestCMDDistances(t *testing.T) {
	const L = 1000.0
	m := generateAll(t, Config{Seed: 5, Stars: 120000, ShardLevel: 1, Dust: &dust.Gaussian{}, MagLimit: 39.9})
	var d []float64
	m.each(func(_ Shard, _ star.Row, tr *Truth) { d = append(d, tr.Dist) })
	n := float64(len(d))
	var s1, s2, s3 float64
	for _, x := range d {
		s1 += x
	}
	mean := s1 / n
	for _, x := range d {
		s2 += (x - mean) * (x - mean)
		s3 += (x - mean) * (x - mean) * (x - mean)
	}
	v := s2 / n
	skew := s3 / n / math.Pow(v, 1.5)
	// Standard errors: mean sqrt(3) L/sqrt(n); variance sqrt((mu4 - sigma^4)/n)
	// with mu4 = sigma^4 (3 + 6/k) = 5 sigma^4 for k = 3. The skewness of a
	// Gamma sample has a larger error than a Gaussian's sqrt(6/n) = 0.007:
	// allow 0.05.
	if math.Abs(mean-3*L) > 5*math.Sqrt(3)*L/math.Sqrt(n) {
		t.Errorf("mean distance %.1f pc, want %.1f", mean, 3*L)
	}
	if math.Abs(v-3*L*L) > 5*3*L*L*math.Sqrt(4/n) {
		t.Errorf("distance variance %.0f, want %.0f", v, 3*L*L)
	}
	if math.Abs(skew-2/math.Sqrt(3)) > 0.05 {
		t.Errorf("distance skewness %.3f, want %.3f", skew, 2/math.Sqrt(3))
	}
	// Kolmogorov-Smirnov against the Gamma(3) CDF; 1.95/sqrt(n) is the 0.1% level.
	slices.Sort(d)
	var ks float64
	for i, x := range d {
		cdf := gamma3CDF(x / L)
		ks = max(ks, math.Abs(cdf-float64(i)/n), math.Abs(cdf-float64(i+1)/n))
	}
	if ks > 1.95/math.Sqrt(n) {
		t.Errorf("KS distance to Gamma(3, L) = %.5f, above %.5f", ks, 1.95/math.Sqrt(n))
	}
	t.Logf("n %d: mean %.1f, sd %.1f, skew %.4f, KS %.5f", len(d), mean, math.Sqrt(v), skew, ks)
}

// gamma3CDF is the distribution function of Gamma(3, 1).
func gamma3CDF(x float64) float64 { return 1 - math.Exp(-x)*(1+x+x*x/2) }

// TestCMDDistancesInTheWindow: under Gaia's window (3 <= G <= 21, here
// without dust so that its ends are closed-form: d = 10^((G - M_G + 5)/5)
// pc), each paper-000 star's distance is the Gamma(3, L) prior conditioned
// on the window for its absolute magnitude: its conditional distribution
// function at the star's distance (the probability integral transform) is
// uniform over the stars. The CMD is not cut: the stars' absolute
// magnitudes still follow the CMD (the number of white dwarfs, which are
// seen only within a few hundred parsecs, is the CMD's share).
func TestCMDDistancesInTheWindow(t *testing.T) {
	const L = 1000.0
	cfg := Config{Seed: 8, Stars: 60000, ShardLevel: 1, Dust: &dust.Gaussian{}}
	m := generateAll(t, cfg)
	var pit []float64
	wd := 0
	m.each(func(_ Shard, _ star.Row, tr *Truth) {
		if tr.Component != CMDStar {
			return
		}
		lo := math.Pow(10, (BrightLimit-tr.AbsG+5)/5)
		hi := math.Pow(10, (21-tr.AbsG+5)/5)
		if tr.Dist < lo*(1-1e-9) || tr.Dist > hi*(1+1e-9) {
			t.Fatalf("M_G %.2f at %.1f pc: G %.2f outside [3, 21]", tr.AbsG, tr.Dist, tr.AbsG+5*math.Log10(tr.Dist)-5)
		}
		flo, fhi := gamma3CDF(lo/L), gamma3CDF(hi/L)
		if fhi-flo < 1e-12 {
			return // no prior mass a float64 tells apart: drawn uniformly
		}
		pit = append(pit, (gamma3CDF(tr.Dist/L)-flo)/(fhi-flo))
		if tr.AbsG > 9 {
			wd++
		}
	})
	n := float64(len(pit))
	slices.Sort(pit)
	var ks float64
	for i, u := range pit {
		ks = max(ks, math.Abs(u-float64(i)/n), math.Abs(u-float64(i+1)/n))
	}
	if ks > 1.95/math.Sqrt(n) {
		t.Errorf("KS distance of the conditional PIT to uniform = %.5f, above %.5f", ks, 1.95/math.Sqrt(n))
	}
	// The CMD's own share of stars fainter than M_G = 9, by its sampler.
	r := rand.New(rand.NewPCG(99, 1))
	c := cfg.Defaults()
	faint := 0
	const draws = 200000
	for range draws {
		if g, _, _, _ := c.CMD.Sample(r); g > 9 {
			faint++
		}
	}
	want := float64(faint) / draws
	got := float64(wd) / n
	if se := math.Sqrt(want * (1 - want) / n); math.Abs(got-want) > 5*se+1e-3 {
		t.Errorf("share of stars with M_G > 9: %.4f, the CMD's %.4f", got, want)
	}
	t.Logf("n %.0f: KS %.5f; M_G > 9: %.4f (CMD %.4f)", n, ks, got, want)
}

// TestObservedMagnitudesArePhysical: every star of a default mock sky (the
// demo's populations) is observed as Gaia could: 1 < G < 23, BP and RP
// within a few magnitudes of G, |bp_rp| < 6, finite errors.
func TestObservedMagnitudesArePhysical(t *testing.T) {
	m := generateAll(t, Config{Seed: 3, Stars: 50000, Background: true, ShardLevel: 1, Streams: []Stream{GD1Stream(500)}})
	bad := 0
	m.each(func(_ Shard, row star.Row, tr *Truth) {
		ok := row.G > 1 && row.G < 23 && math.Abs(row.BP-row.G) < 6 && math.Abs(row.RP-row.G) < 6 &&
			math.Abs(row.BPRP) < 6 && row.GFluxOverError > 0 && row.BPFluxOverError > 0
		if !ok {
			if bad < 5 {
				t.Errorf("%v star: G %.2f, BP %.2f, RP %.2f, bp_rp %.2f (true M_G %.2f at %.0f pc)",
					tr.Component, row.G, row.BP, row.RP, row.BPRP, tr.AbsG, tr.Dist)
			}
			bad++
		}
	})
	if bad > 0 {
		t.Errorf("%d stars outside Gaia's range", bad)
	}
}

func TestParallaxErrors(t *testing.T) {
	cfg := Config{Seed: 6, Stars: 40000, Background: true, ShardLevel: 1, Streams: []Stream{GD1Stream(500)}}
	c := cfg.Defaults()
	m := generateAll(t, cfg)
	var paper, dr2 []float64 // pulls
	m.each(func(_ Shard, row star.Row, tr *Truth) {
		if tr.Parallax != 1000/tr.Dist {
			t.Fatalf("true parallax %v for distance %v", tr.Parallax, tr.Dist)
		}
		pull := (row.Parallax - c.ParallaxZeroPoint - tr.Parallax) / row.ParallaxError
		if tr.Component == CMDStar {
			// Paper 000 §4.1: sigma = d / 10 kpc, in mas.
			if want := tr.Dist / 10000; math.Abs(row.ParallaxError-want) > 1e-15*want {
				t.Fatalf("paper-000 star at %v pc has parallax error %v, want %v", tr.Dist, row.ParallaxError, want)
			}
			paper = append(paper, pull)
			return
		}
		gTrue := tr.AbsG + 5*math.Log10(tr.Dist) - 5 + c.Extinction.AG*tr.E
		if want := ParallaxErrorDR2(gTrue); math.Abs(row.ParallaxError-want) > 1e-12*want {
			t.Fatalf("G = %v: parallax error %v, want %v", gTrue, row.ParallaxError, want)
		}
		if want := pmErrorRatio * ParallaxErrorDR2(gTrue); math.Abs(row.PMRAError-want) > 1e-12*want || row.PMDecError != row.PMRAError {
			t.Fatalf("G = %v: proper-motion errors %v %v, want %v", gTrue, row.PMRAError, row.PMDecError, want)
		}
		dr2 = append(dr2, pull)
	})
	for name, p := range map[string][]float64{"paper-000": paper, "DR2-like": dr2} {
		mean, sd := meanSD(p)
		n := float64(len(p))
		if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(sd-1) > 5/math.Sqrt(2*n) {
			t.Errorf("%s parallax pulls: mean %.4f sd %.4f over %d stars, want N(0, 1)", name, mean, sd, len(p))
		}
	}
	// The DR2-like law at its anchors (Lindegren et al. 2018: 0.04 mas at
	// G < 15, 0.1 at 17, 0.7 at 20, ~2 at 21).
	for _, tt := range []struct{ G, lo, hi float64 }{{12, 0.04, 0.045}, {15, 0.045, 0.06}, {17, 0.09, 0.11}, {20, 0.65, 0.75}, {21, 1.4, 2.1}} {
		if s := ParallaxErrorDR2(tt.G); s < tt.lo || s > tt.hi {
			t.Errorf("ParallaxErrorDR2(%v) = %.3f, want in [%v, %v]", tt.G, s, tt.lo, tt.hi)
		}
	}
	// Photometric errors grow with magnitude.
	prevG, prevC := 0.0, 0.0
	for G := 10.0; G <= 22; G += 0.5 {
		sg, sc := PhotErrorsDR2(G)
		if sg <= prevG || sc <= prevC {
			t.Errorf("photometric errors do not grow at G = %v", G)
		}
		prevG, prevC = sg, sc
	}
}

func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)))
}

// TestExtinctionApplied checks that the observed magnitudes are the true ones
// reddened with the coefficients, plus noise of the stated size: the pulls of
// G, BP-RP and BP-G about (M + DM + A_G, (BP-RP)_0 + E(BP-RP), (BP-G)_0 +
// E(BP-G)) are N(0, 1). A fit of the bright stars' G - M - DM against E
// recovers the A_G coefficient.
func TestExtinctionApplied(t *testing.T) {
	for _, ext := range []dust.Extinction{{}, {AG: 2.0, BPRP: 1.0, BPG: 0.5}} {
		cfg := Config{Seed: 8, Stars: 30000, Background: true, ShardLevel: 1, Extinction: ext,
			Dust: &dust.Gaussian{RA: 200, Dec: 30, SigmaRA: 60, SigmaDec: 40, Peak: 0.5, Base: 0.02}}
		want := cfg.Defaults().Extinction
		m := generateAll(t, cfg)
		var pg, pc1, pc2 []float64
		var sx, sy, sxx, sxy, n float64
		m.each(func(_ Shard, row star.Row, tr *Truth) {
			dm := 5*math.Log10(tr.Dist) - 5
			sg := magToFluxOverError / row.GFluxOverError
			sc := magToFluxOverError / row.BPFluxOverError
			pg = append(pg, (row.G-(tr.AbsG+dm+want.AG*tr.E))/sg)
			pc1 = append(pc1, (row.BPRP-(tr.BPRP0+want.BPRP*tr.E))/(sc*math.Sqrt2))
			pc2 = append(pc2, ((row.BP-row.G)-(tr.BPG0+want.BPG*tr.E))/math.Hypot(sc, sg))
			if sg < 0.002 {
				x, y := tr.E, row.G-tr.AbsG-dm
				sx, sy, sxx, sxy, n = sx+x, sy+y, sxx+x*x, sxy+x*y, n+1
			}
		})
		for name, p := range map[string][]float64{"G": pg, "BP-RP": pc1, "BP-G": pc2} {
			mean, sd := meanSD(p)
			k := float64(len(p))
			if math.Abs(mean) > 5/math.Sqrt(k) || math.Abs(sd-1) > 5/math.Sqrt(2*k) {
				t.Errorf("%+v: %s pulls mean %.4f sd %.4f, want N(0,1)", ext, name, mean, sd)
			}
		}
		slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
		if math.Abs(slope-want.AG) > 0.01 {
			t.Errorf("fitted A_G/E = %.4f over %v bright stars, want %v", slope, n, want.AG)
		}
	}
}

func TestStreamAlongTrack(t *testing.T) {
	s := GD1Stream(3000)
	cfg := Config{Seed: 13, ShardLevel: 3, Streams: []Stream{s}}
	c := cfg.Defaults()
	m := generateAll(t, cfg)
	// The track, densely resampled (0.002 deg steps).
	tp := newTrackPath(&s.Track)
	steps := int(tp.length()/deg/0.002) + 1
	type pt struct{ ra, dec, dist, pmra, pmdec float64 }
	dense := make([]pt, steps+1)
	for i := range dense {
		pos, _, d, pa, pd := tp.at(tp.length() * float64(i) / float64(steps))
		ra, dec := pos.lonLat()
		dense[i] = pt{ra, dec, d, pa, pd}
	}
	var off, dpm, ddist []float64
	m.each(func(_ Shard, row star.Row, tr *Truth) {
		if tr.Component != StreamStar || tr.Stream != 0 || !(tr.Mass > 0) {
			t.Fatalf("star %+v is not labelled as a stream star", tr)
		}
		best, bi := math.Inf(1), 0
		for i, p := range dense {
			if math.Abs(p.dec-row.Dec) > 3 {
				continue
			}
			if sep := sky.Separation(row.RA, row.Dec, p.ra, p.dec); sep < best {
				best, bi = sep, i
			}
		}
		off = append(off, best)
		p := dense[bi]
		dpm = append(dpm, tr.PMRA-p.pmra, tr.PMDec-p.pmdec)
		ddist = append(ddist, tr.Dist/1000/p.dist-1)
		if g := tr.AbsG + 5*math.Log10(tr.Dist) - 5 + c.Extinction.AG*tr.E; g >= c.MagLimit {
			t.Errorf("stream star with true G = %v beyond the limit", g)
		}
	})
	if len(off) != 3000 {
		t.Fatalf("%d stream stars, want 3000", len(off))
	}
	// Offsets across the track are |N(0, w²)|: RMS w, none beyond 5 w.
	var ss, worst float64
	for _, o := range off {
		ss += o * o
		worst = max(worst, o)
	}
	rms := math.Sqrt(ss / float64(len(off)))
	w := s.Width
	if math.Abs(rms-w) > 5*w/math.Sqrt(2*float64(len(off))) || worst > 5*w {
		t.Errorf("offsets from the track: RMS %.4f deg, max %.4f, want RMS %.2f", rms, worst, w)
	}
	_, sdpm := meanSD(dpm)
	if math.Abs(sdpm-s.PMDispersion) > 0.05*s.PMDispersion+0.01 {
		t.Errorf("proper-motion dispersion about the track %.4f, want %v", sdpm, s.PMDispersion)
	}
	_, sdd := meanSD(ddist)
	if want := w * deg; math.Abs(sdd-want) > 0.1*want {
		t.Errorf("fractional distance spread %.5f, want %.5f", sdd, want)
	}
	t.Logf("offset RMS %.4f deg (max %.3f), pm spread %.3f mas/yr, distance spread %.5f", rms, worst, sdpm, sdd)
}

func TestBackgroundPopulation(t *testing.T) {
	cfg := Config{Seed: 21, Stars: 40000, NoCMD: true, Background: true, ShardLevel: 2}
	c := cfg.Defaults()
	m := generateAll(t, cfg)
	var low, high, haloFar, far, nHalo int
	m.each(func(_ Shard, row star.Row, tr *Truth) {
		if tr.Component != HaloStar && tr.Component != DiskStar {
			t.Fatalf("component %v in a background-only mock", tr.Component)
		}
		if g := tr.AbsG + 5*math.Log10(tr.Dist) - 5 + c.Extinction.AG*tr.E; g >= c.MagLimit+0.02 {
			t.Errorf("background star with true G = %.3f beyond the limit", g)
		}
		if tr.Component == HaloStar {
			nHalo++
		}
		switch b := math.Abs(row.B); {
		case b < 10:
			low++
		case b > 60:
			high++
		}
		if math.Abs(row.B) > 30 && tr.Dist > 10000 {
			far++
			if tr.Component == HaloStar {
				haloFar++
			}
		}
	})
	// Areas: |b| < 10 is sin(10°) = 17.4% of the sky, |b| > 60 is 1 - sin(60°) = 13.4%.
	densLow, densHigh := float64(low)/0.1736, float64(high)/0.1340
	if densLow < 2*densHigh {
		t.Errorf("background stars per area at |b| < 10: %.0f, at |b| > 60: %.0f; the disk should stand out", densLow, densHigh)
	}
	if frac := float64(haloFar) / float64(far); far < 100 || frac < 0.8 {
		t.Errorf("beyond 10 kpc at |b| > 30: %d stars, halo fraction %.2f; want mostly halo", far, frac)
	}
	t.Logf("per-area density |b|<10 / |b|>60 = %.2f; halo %d of %d; halo fraction beyond 10 kpc at |b|>30: %d/%d",
		densLow/densHigh, nHalo, 40000, haloFar, far)
}

func TestAstrometricFit(t *testing.T) {
	m := generateAll(t, Config{Seed: 31, Stars: 20000, ShardLevel: 1})
	var ruwe []float64
	m.each(func(_ Shard, row star.Row, _ *Truth) {
		nu := row.NGoodObsAL - 5
		if row.NGoodObsAL != math.Round(row.NGoodObsAL) || row.NGoodObsAL < 40 ||
			math.Abs(math.Sqrt(row.Chi2AL/nu)-row.RUWE) > 1e-12 {
			t.Fatalf("inconsistent chi2 %v, n %v, ruwe %v", row.Chi2AL, row.NGoodObsAL, row.RUWE)
		}
		ruwe = append(ruwe, row.RUWE)
	})
	slices.Sort(ruwe)
	med := ruwe[len(ruwe)/2]
	above := len(ruwe) - sort14(ruwe)
	frac := float64(above) / float64(len(ruwe))
	if math.Abs(med-1) > 0.01 || frac > 0.05 || frac < 0.02 {
		t.Errorf("RUWE median %.4f, fraction above 1.4 %.4f; want about 1 and 3%%", med, frac)
	}
}

// sort14 returns the number of sorted values below 1.4.
func sort14(x []float64) int {
	i, _ := slices.BinarySearch(x, 1.4)
	return i
}

func TestConfigErrors(t *testing.T) {
	bad := []Config{
		{Stars: -1},
		{ShardLevel: 13},
		{ShardLevel: -1},
		{Stars: 10, NoCMD: true},
		{Background: true, BackgroundFraction: 1.5},
		{DistanceScale: -3},
		{MagLimit: math.NaN()},
		{Extinction: dust.Extinction{AG: -1}},
		{Dust: &dust.Gaussian{Peak: 1}},
		{Streams: []Stream{{Track: Track{RA: []float64{1}, Dec: []float64{2}, Dist: []float64{3}, PMRA: []float64{0}, PMDec: []float64{0}}, N: 5}}},
		{Streams: []Stream{{Track: shortTrack(), N: -5}}},
		{Streams: []Stream{{Track: shortTrack(), N: 5, Isochrone: &Isochrone{Mass: []float64{1}}}}},
		{CMD: &CMD{Sequences: []Sequence{{Weight: 0.5, SigmaG: 1, SigmaBPRP: 1, SigmaBPG: 1}}}},
		{Stars: 10, Patches: []int64{432}},
		{Stars: 10, Patches: []int64{-1}},
	}
	for _, cfg := range bad {
		if _, err := Shards(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("Shards(%+v) error %v, want ErrConfig", cfg, err)
		}
		if _, _, err := Generate(cfg, Shard{}); !errors.Is(err, ErrConfig) {
			t.Errorf("Generate(%+v) error %v, want ErrConfig", cfg, err)
		}
	}
	good := Config{Stars: 100, ShardLevel: 1, Streams: []Stream{GD1Stream(10)}}
	shards, err := Shards(good)
	if err != nil {
		t.Fatal(err)
	}
	sh := shards[0]
	for _, s := range []Shard{
		{Level: 2, Pixel: sh.Pixel, CMD: sh.CMD},
		{Level: 1, Pixel: 48, CMD: 1},
		{Level: 1, Pixel: sh.Pixel, CMD: sh.CMD, Background: 1},
		{Level: 1, Pixel: sh.Pixel, CMD: sh.CMD, Stream: sh.Stream + 1},
	} {
		if _, _, err := Generate(good, s); !errors.Is(err, ErrConfig) {
			t.Errorf("Generate with shard %+v: error %v, want ErrConfig", s, err)
		}
	}
	if l := SuggestShardLevel(1000); l != 0 {
		t.Errorf("SuggestShardLevel(1000) = %d", l)
	}
	if l := SuggestShardLevel(30_000_000); l != 3 { // 768 shards of 39k
		t.Errorf("SuggestShardLevel(3e7) = %d, want 3", l)
	}
}

func TestTruthLabel(t *testing.T) {
	streams := []Stream{{Name: "GD-1"}}
	for _, tt := range []struct {
		tr   Truth
		want string
	}{
		{Truth{Component: CMDStar, Stream: -1}, "cmd"},
		{Truth{Component: HaloStar, Stream: -1}, "halo"},
		{Truth{Component: DiskStar, Stream: -1}, "thick_disk"},
		{Truth{Component: StreamStar, Stream: 0}, "GD-1"},
		{Truth{Component: StreamStar, Stream: 3}, "stream3"},
	} {
		if got := tt.tr.Label(streams); got != tt.want {
			t.Errorf("Label(%+v) = %q, want %q", tt.tr, got, tt.want)
		}
	}
}

// TestStreamReach: a shard skips a stream whose track cannot reach it; it
// never skips one that has stars there, and it does skip most shards.
func TestStreamReach(t *testing.T) {
	for _, level := range []int{3, 5} {
		cfg := Config{Seed: 17, ShardLevel: level, Streams: []Stream{GD1Stream(2000), {Track: shortTrack(), N: 500, Width: 1}}}
		c := cfg.Defaults()
		shards, err := Shards(cfg)
		if err != nil {
			t.Fatal(err)
		}
		has := map[int64]bool{}
		for _, sh := range shards {
			has[sh.Pixel] = true
		}
		tp := newTrackPath(&c.Streams[0].Track)
		tp1 := newTrackPath(&c.Streams[1].Track)
		reach := 0
		npix := int64(12) << (2 * level)
		for pix := range npix {
			r := tp.mayReach(c.Streams[0].Width, level, pix) || tp1.mayReach(c.Streams[1].Width, level, pix)
			if has[pix] && !r {
				t.Errorf("level %d: pixel %d holds stream stars but is skipped", level, pix)
			}
			if r {
				reach++
			}
		}
		if float64(reach) > 0.25*float64(npix) {
			t.Errorf("level %d: %d of %d pixels walk the streams", level, reach, npix)
		}
		t.Logf("level %d: %d pixels hold stream stars, %d of %d walk them", level, len(shards), reach, npix)
	}
}

// TestConfigJSON: a Config shipped to workers as JSON generates the same stars.
func TestConfigJSON(t *testing.T) {
	cfg := fullConfig()
	cfg.Dust = &dust.Gaussian{RA: 100, Dec: -20, SigmaRA: 15, SigmaDec: 10, Peak: 0.4, Base: 0.01}
	cfg.Extinction = dust.Extinction{AG: 2.5, BPRP: 0.8, BPG: 0.4}
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	shards, err := Shards(cfg)
	if err != nil {
		t.Fatal(err)
	}
	shards2, err := Shards(back)
	if err != nil || !slices.Equal(shards, shards2) {
		t.Fatalf("shards differ after a JSON round trip (%v)", err)
	}
	for _, sh := range shards[:20] {
		a, ta, _ := Generate(cfg, sh)
		b, tb, err := Generate(back, sh)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := a.MarshalBinary()
		y, _ := b.MarshalBinary()
		if !bytes.Equal(x, y) || !slices.Equal(truthBits(ta), truthBits(tb)) {
			t.Fatalf("shard %+v differs after a JSON round trip", sh)
		}
	}
}
