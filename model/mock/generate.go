package mock

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Component says which population a mock star belongs to.
type Component uint8

const (
	CMDStar    Component = iota // the paper-000 §4.1 population
	HaloStar                    // background: stellar halo
	DiskStar                    // background: thick disk
	StreamStar                  // injected along a stream track
)

func (c Component) String() string {
	switch c {
	case CMDStar:
		return "cmd"
	case HaloStar:
		return "halo"
	case DiskStar:
		return "thick_disk"
	case StreamStar:
		return "stream"
	}
	return fmt.Sprintf("component(%d)", uint8(c))
}

// Truth is what the mock knows about a star and a catalogue cannot: keyed by
// source_id, one per star of the Block Generate returns, in the same order.
type Truth struct {
	SourceID  int64
	Component Component
	Stream    int // index into Config.Streams, -1 if not a stream star
	Sequence  int // CMD sequence of a paper-000 star (index into CMD.Sequences), -1 otherwise

	Dist float64 // true heliocentric distance, pc
	// Intrinsic (dereddened, noise-free) absolute G magnitude and colours.
	AbsG, BPRP0, BPG0 float64
	// E is the dust reddening applied (the map's E at the star's position
	// and distance); A_G = Extinction.AG × E.
	E float64
	// True parallax (1000/Dist, mas) and proper motions (pmra*, pmdec, mas/yr).
	Parallax, PMRA, PMDec float64
	// Mass is the initial mass (Msun) of isochrone stars (background and
	// streams); NaN for paper-000 stars.
	Mass float64
}

// Label returns the component name ("cmd", "halo", "thick_disk") or, for a
// stream star, its stream's name from streams (normally Config.Streams),
// "stream<index>" if that has none, as Config.Defaults names it.
func (t *Truth) Label(streams []Stream) string {
	if t.Component != StreamStar {
		return t.Component.String()
	}
	if t.Stream >= 0 && t.Stream < len(streams) && streams[t.Stream].Name != "" {
		return streams[t.Stream].Name
	}
	return fmt.Sprintf("stream%d", t.Stream)
}

// Generate returns the stars of shard sh of the mock cfg as a Gaia
// block sorted by source_id, and their truth in the same order. The result
// depends only on cfg and sh (never on which other shards run, in what order
// or how many), bit for bit. It fails with an error wrapping ErrConfig if cfg
// is invalid, and if sh is not a shard of cfg (another level, or a stream
// count that differs from the one Shards computed).
//
// Observables per star: ra, dec (ICRS) and l, b; parallax (true value plus
// Config.ParallaxZeroPoint plus Gaussian noise of the stated error) and
// proper motions (true values plus Gaussian noise) with their errors;
// G, BP, RP (true values plus Gaussian noise), bp_rp = BP - RP of the noisy
// magnitudes, the three flux-over-error ratios; astrometric_chi2_al,
// astrometric_n_good_obs_al, and ruwe = sqrt(chi2/(n-5)) (DR2 has no ruwe
// column: a DR2 writer drops it, and a reader recomputes it from the other
// two). Errors are described with ParallaxErrorDR2 and PhotErrorsDR2.
func Generate(cfg Config, sh Shard) (star.Block, []Truth, error) {
	if err := cfg.Validate(); err != nil {
		return star.Block{}, nil, err
	}
	c := cfg.Defaults()
	if err := c.checkShard(sh); err != nil {
		return star.Block{}, nil, err
	}
	g := newGenerator(&c, sh)
	g.cmdStars()
	if err := g.backgroundStars(); err != nil {
		return star.Block{}, nil, err
	}
	if n := g.streamStars(); n != sh.Stream {
		return star.Block{}, nil, fmt.Errorf("%w: shard %d/%d has %d stream stars, Shards said %d",
			ErrConfig, sh.Level, sh.Pixel, n, sh.Stream)
	}
	b, tr := g.finish()
	return b, tr, nil
}

func (c *Config) checkShard(sh Shard) error {
	if sh.Level != c.ShardLevel {
		return fmt.Errorf("%w: shard level %d, config ShardLevel %d", ErrConfig, sh.Level, c.ShardLevel)
	}
	if sh.Pixel < 0 || sh.Pixel >= 12<<(2*sh.Level) || sh.CMD < 0 || sh.Background < 0 || sh.Stream < 0 {
		return fmt.Errorf("%w: bad shard %+v", ErrConfig, sh)
	}
	if sh.CMD > 0 && c.NoCMD || sh.Background > 0 && !c.Background {
		return fmt.Errorf("%w: shard %+v has stars of a population the config leaves out", ErrConfig, sh)
	}
	if sh.CMD+sh.Background+sh.Stream >= 1<<35 {
		return fmt.Errorf("%w: shard %+v has more stars than a source_id counter holds", ErrConfig, sh)
	}
	return nil
}

// pending is a star before its source_id is known.
type pending struct {
	pix12 int64
	row   star.Row
	truth Truth
}

type generator struct {
	cfg   *Config
	sh    Shard
	rng   *stream
	stars []pending
}

func newGenerator(cfg *Config, sh Shard) *generator {
	return &generator{cfg: cfg, sh: sh, rng: newStream(),
		stars: make([]pending, 0, sh.CMD+sh.Background+sh.Stream)}
}

// uniformDirection returns the centre of a uniformly drawn level-29 NESTED
// pixel inside the shard: uniform on the sky, since HEALPix pixels have equal
// areas.
func uniformDirection(r *rand.Rand, level int, pixel int64) (ra, dec float64) {
	shift := uint(2 * (29 - level))
	idx := pixel<<shift | int64(r.Uint64N(1<<shift))
	return sky.NestedCenter(1<<29, idx)
}

// cmdStars generates the paper-000 population of the shard: directions
// uniform, distances from P(d) ∝ d² exp(-d/L) (a Gamma(3, L) law, drawn as
// L times the sum of three unit exponentials), intrinsic photometry from the
// CMD, reddening from the dust map, the paper's parallax errors.
func (g *generator) cmdStars() {
	c, sh := g.cfg, g.sh
	g.rng.reset(c.Seed, purposeCMD, uint64(sh.Level), uint64(sh.Pixel))
	r := g.rng.Rand
	for range sh.CMD {
		ra, dec := uniformDirection(r, sh.Level, sh.Pixel)
		absG, bprp, bpg, seq := c.CMD.Sample(r)
		d := g.visibleDistance(r, ra, dec, absG)
		bp := absG + bpg
		rp := bp - bprp
		pmra, pmdec := randomPM(r, &cmdKin, ra, dec, d)
		p := g.add(r, ra, dec, d, absG, bp, rp, pmra, pmdec, true)
		p.truth.Component = CMDStar
		p.truth.Sequence = seq
		p.truth.Mass = math.NaN()
	}
}

// backgroundStars generates the halo and thick-disk stars of the shard by
// rejection sampling of directions: the shard is cut into sub-pixels (level
// max(level+2, 6)), each with a bound B_k = 1.25 × the line-of-sight integral
// I at its centre (at least 1e-3 of the largest, so that no sub-pixel is left
// out); a sub-pixel is proposed with probability ∝ B_k, a direction
// uniformly in it, and the direction kept with probability I(direction)/B_k,
// where I is the integral over distance of the number of stars brighter than
// MagLimit. Should I exceed B_k (the density varies little over a sub-pixel:
// no such case in 300,000 stars at level 2, against 529 with a margin of
// 1.1), B_k grows to 1.25 I and the proposal starts again, deterministically.
// About 1.25 line-of-sight evaluations are made per star. The distance then comes from that line of sight's
// density, the component from the ratio of the two densities there, and the
// magnitudes from the isochrone's luminosity function truncated at the
// magnitude limit.
// boundMargin is the factor between a sub-pixel's rejection bound and the
// line-of-sight integral at its centre.
const boundMargin = 1.25

func (g *generator) backgroundStars() error {
	c, sh := g.cfg, g.sh
	if sh.Background == 0 {
		return nil
	}
	bg := c.background()
	grid := newLOSGrid()
	sub := min(max(sh.Level+2, 6), 29)
	shift := uint(2 * (sub - sh.Level))
	nsub := 1 << shift
	bound := make([]float64, nsub)
	var bmax float64
	for k := range bound {
		ra, dec := sky.NestedCenter(int64(1)<<sub, sh.Pixel<<shift|int64(k))
		bound[k] = boundMargin * bg.fill(grid, ra, dec)
		bmax = max(bmax, bound[k])
	}
	if !(bmax > 0) {
		return fmt.Errorf("%w: shard %d/%d has background stars but no background density", ErrConfig, sh.Level, sh.Pixel)
	}
	cum := make([]float64, nsub)
	accumulate := func() {
		var t float64
		for k, b := range bound {
			t += max(b, 1e-3*bmax)
			cum[k] = t
		}
	}
	accumulate()
	g.rng.reset(c.Seed, purposeBackground, uint64(sh.Level), uint64(sh.Pixel))
	r := g.rng.Rand
	for range sh.Background {
		for try := 0; ; try++ {
			if try > 10_000_000 {
				return fmt.Errorf("mock: background rejection sampling in shard %d/%d does not converge", sh.Level, sh.Pixel)
			}
			k, _ := slices.BinarySearch(cum, r.Float64()*cum[nsub-1])
			k = min(k, nsub-1)
			ra, dec := uniformDirection(r, sub, sh.Pixel<<shift|int64(k))
			in := bg.fill(grid, ra, dec)
			bk := max(bound[k], 1e-3*bmax)
			if in > bk {
				bound[k] = boundMargin * in
				bmax = max(bmax, bound[k])
				accumulate()
				continue
			}
			if r.Float64()*bk >= in {
				continue
			}
			d := grid.sampleDistance(r) // kpc
			l, b := sky.ICRSToGalactic(ra, dec)
			pg := galCentric(unitVec(l, b), d)
			e := c.Dust.E(ra, dec, d*1000)
			mlim := c.MagLimit - (5*math.Log10(d) + 10) - c.Extinction.AG*e
			mass, absG, bp, rp, ok := bg.lf.sample(r, mlim)
			if !ok {
				continue // the grid's interpolation put a star beyond visibility
			}
			kin, comp := &thickKin, DiskStar
			th, ha := thickDensity(pg), haloDensity(pg)
			if r.Float64()*(th+ha) < ha {
				kin, comp = &haloKin, HaloStar
			}
			// Colours: a metallicity spread of 0.02 mag in BP-RP for both,
			// and the thick disk 0.1 mag redder in BP-RP (0.05 in BP-G) than
			// the halo's [Fe/H] = -1.35 isochrone, as a more metal-rich
			// population ([Fe/H] ~ -0.6) would be.
			dc := 0.02 * r.NormFloat64()
			if comp == DiskStar {
				dc += 0.1
			}
			bp += dc / 2
			rp -= dc / 2
			pmra, pmdec := properMotion(r, kin, pg, ra, dec, d)
			p := g.add(r, ra, dec, d*1000, absG, bp, rp, pmra, pmdec, false)
			p.truth.Component = comp
			p.truth.Mass = mass
			break
		}
	}
	return nil
}

func (c *Config) background() *background {
	return &background{dust: c.Dust, ext: c.Extinction, magLimit: c.MagLimit, lf: samplerFor(GD1Isochrone())}
}

// streamOffsetLimit truncates the Gaussian offsets of stream stars across
// the track at this many sigmas (a draw beyond it is drawn again), so that a
// shard can tell from the track alone whether a stream can reach it.
const streamOffsetLimit = 6

// streamPosition draws the position, distance and proper motion of star i
// of stream s (already reset to its random stream) and the reddening and
// absolute-magnitude limit there. Positions where no isochrone star would be
// brighter than MagLimit are drawn again, so every stream star is visible;
// after maxStreamTries such positions in a row it gives up (ok false): the
// stream is too distant or too reddened for any of its stars to be seen.
func (c *Config) streamPosition(r *rand.Rand, s *Stream, tp *trackPath, lf *imfSampler) (ra, dec, dpc, pmra, pmdec, e, mlim float64, ok bool) {
	w := s.Width * deg
	for try := 0; try < maxStreamTries; try++ {
		pos, tan, d, pa, pd := tp.at(r.Float64() * tp.length())
		n := pos.cross(tan)
		z := r.NormFloat64()
		for math.Abs(z) > streamOffsetLimit {
			z = r.NormFloat64()
		}
		sd, cd := math.Sincos(w * z)
		q := pos.scale(cd).add(n.scale(sd))
		ra, dec = q.lonLat()
		d *= 1 + w*r.NormFloat64()
		d = max(d, 1e-3)
		pmra = pa + s.PMDispersion*r.NormFloat64()
		pmdec = pd + s.PMDispersion*r.NormFloat64()
		dpc = d * 1000
		e = c.Dust.E(ra, dec, dpc)
		mlim = c.MagLimit - (5*math.Log10(dpc) - 5) - c.Extinction.AG*e
		if lf.gmin[0] < mlim {
			return ra, dec, dpc, pmra, pmdec, e, mlim, true
		}
	}
	return 0, 0, 0, 0, 0, 0, 0, false
}

// maxStreamTries bounds the positions streamPosition draws for one star: a
// stream whose brightest isochrone star is visible along a thousandth of
// its track still finds a place in a few thousand tries.
const maxStreamTries = 100000

// mayReach reports whether stream s (prepared as tp) can have stars in the
// NESTED pixel pix at level: whether some track point lies within the
// pixel's radius plus the stars' largest offset plus half the longest arc
// between track points of the pixel centre. A false answer is exact: no
// star of the stream can be in the pixel.
func (tp *trackPath) mayReach(widthDeg float64, level int, pix int64) bool {
	ra, dec := sky.NestedCenter(int64(1)<<level, pix)
	c := unitVec(ra, dec)
	// Twice the side of a pixel of the mean area bounds the distance from a
	// HEALPix pixel's centre to its corners.
	radius := 2 * math.Sqrt(4*math.Pi/float64(int64(12)<<(2*level)))
	reach := radius + streamOffsetLimit*widthDeg*deg*1.01 + tp.maxArc/2 + 1e-9
	if reach >= math.Pi {
		return true
	}
	for _, p := range tp.p {
		if c.angle(p) <= reach {
			return true
		}
	}
	return false
}

// streamStars adds the stream stars that fall in the shard and returns how
// many there were. Star i of stream s is generated from its own random
// stream (Seed, s, i); every shard that a stream's track comes near walks all
// that stream's star positions and keeps its own.
func (g *generator) streamStars() int64 {
	c, sh := g.cfg, g.sh
	nside := int64(1) << sh.Level
	var n int64
	for si := range c.Streams {
		s := &c.Streams[si]
		tp := newTrackPath(&s.Track)
		if !tp.mayReach(s.Width, sh.Level, sh.Pixel) {
			continue
		}
		lf := samplerFor(s.Isochrone)
		for i := range s.N {
			g.rng.reset(c.Seed, purposeStream, uint64(si), uint64(i))
			r := g.rng.Rand
			ra, dec, dpc, pmra, pmdec, _, mlim, ok := c.streamPosition(r, s, tp, lf)
			if !ok || sky.NestedPixel(nside, ra, dec) != sh.Pixel {
				// (Shards has already refused a stream with an invisible star.)
				continue
			}
			mass, absG, bp, rp, _ := lf.sample(r, mlim)
			p := g.add(r, ra, dec, dpc, absG, bp, rp, pmra, pmdec, false)
			p.truth.Component = StreamStar
			p.truth.Stream = si
			p.truth.Mass = mass
			n++
		}
	}
	return n
}

// randomPM draws the proper motion of a star at (ra, dec) and dpc parsecs
// from the velocity ellipsoid kin.
func randomPM(r *rand.Rand, kin *kinematics, ra, dec, dpc float64) (pmra, pmdec float64) {
	l, b := sky.ICRSToGalactic(ra, dec)
	dk := dpc / 1000
	return properMotion(r, kin, galCentric(unitVec(l, b), dk), ra, dec, dk)
}

// add appends a star at (ra, dec), distance dpc (pc), with intrinsic absolute
// magnitudes absG, bp, rp and true proper motion (pmra, pmdec). Its errors
// follow the DR2-like laws, or the paper-000 parallax law if paperParallax.
// It returns the new star for the caller to complete its truth.
func (g *generator) add(r *rand.Rand, ra, dec, dpc, absG, bp, rp, pmra, pmdec float64, paperParallax bool) *pending {
	c := g.cfg
	l, b := sky.ICRSToGalactic(ra, dec)
	e := c.Dust.E(ra, dec, dpc)
	dm := 5*math.Log10(dpc) - 5
	ag := c.Extinction.AG * e
	abp := ag + c.Extinction.BPG*e
	arp := abp - c.Extinction.BPRP*e
	gTrue, bpTrue, rpTrue := absG+dm+ag, bp+dm+abp, rp+dm+arp

	row := star.NewRow()
	row.RA, row.Dec, row.L, row.B = ra, dec, l, b
	plx := 1000 / dpc
	sp := ParallaxErrorDR2(gTrue)
	if paperParallax {
		sp = dpc / 10000
	}
	spm := pmErrorRatio * ParallaxErrorDR2(gTrue)
	row.Parallax, row.ParallaxError = plx+c.ParallaxZeroPoint+sp*r.NormFloat64(), sp
	row.PMRA, row.PMRAError = pmra+spm*r.NormFloat64(), spm
	row.PMDec, row.PMDecError = pmdec+spm*r.NormFloat64(), spm
	sg, sc := PhotErrorsDR2(gTrue)
	row.G = gTrue + sg*r.NormFloat64()
	row.BP = bpTrue + sc*r.NormFloat64()
	row.RP = rpTrue + sc*r.NormFloat64()
	row.BPRP = row.BP - row.RP
	row.GFluxOverError = magToFluxOverError / sg
	row.BPFluxOverError = magToFluxOverError / sc
	row.RPFluxOverError = magToFluxOverError / sc
	row.Chi2AL, row.NGoodObsAL, row.RUWE = astrometricFit(r)
	if c.NoColourFraction > 0 && r.Float64() < c.NoColourFraction {
		row.BP, row.RP, row.BPRP = math.NaN(), math.NaN(), math.NaN()
		row.BPFluxOverError, row.RPFluxOverError = math.NaN(), math.NaN()
	}

	g.stars = append(g.stars, pending{
		pix12: sky.NestedPixel(4096, ra, dec),
		row:   row,
		truth: Truth{Stream: -1, Sequence: -1, Dist: dpc, AbsG: absG, BPRP0: bp - rp, BPG0: bp - absG,
			E: e, Parallax: plx, PMRA: pmra, PMDec: pmdec},
	})
	return &g.stars[len(g.stars)-1]
}

// finish assigns source_ids and returns the sorted block and truth. The
// counter in a source_id's low 35 bits is the star's rank in a seeded
// shuffle of the shard's stars, so it tells nothing about the population.
func (g *generator) finish() (star.Block, []Truth) {
	c, sh := g.cfg, g.sh
	g.rng.reset(c.Seed, purposeOrder, uint64(sh.Level), uint64(sh.Pixel))
	perm := g.rng.Perm(len(g.stars))
	type key struct {
		id int64
		i  int
	}
	order := make([]key, len(g.stars))
	for i := range g.stars {
		order[i] = key{g.stars[i].pix12<<35 | int64(perm[i]), i}
	}
	slices.SortFunc(order, func(a, b key) int { return cmp.Compare(a.id, b.id) })
	n := len(g.stars)
	blk := star.Block{File: fmt.Sprintf("mock:level%d:pixel%d", sh.Level, sh.Pixel)}
	blk.SourceID = make([]int64, 0, n)
	for _, col := range []*[]float64{&blk.RA, &blk.Dec, &blk.L, &blk.B, &blk.Parallax, &blk.ParallaxError,
		&blk.PMRA, &blk.PMRAError, &blk.PMDec, &blk.PMDecError, &blk.G, &blk.BP, &blk.RP, &blk.BPRP,
		&blk.GFluxOverError, &blk.BPFluxOverError, &blk.RPFluxOverError, &blk.Chi2AL, &blk.NGoodObsAL, &blk.RUWE} {
		*col = make([]float64, 0, n)
	}
	truth := make([]Truth, n)
	for j, k := range order {
		p := &g.stars[k.i]
		p.row.SourceID = k.id
		p.truth.SourceID = k.id
		blk.Append(p.row)
		truth[j] = p.truth
	}
	return blk, truth
}
