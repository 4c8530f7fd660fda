package stream

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// SimConfig describes a synthetic set of search regions for end-to-end
// checks of Search: patches with a uniform background and a thin stream
// along a great circle, and R values that an ideal ANODE would give (high
// for the stream, log-normal noise for the rest). Zero fields take the
// defaults in brackets.
type SimConfig struct {
	Centres            [][2]float64 // ICRS (ra, dec) of the patch centres, degrees
	PoleRA, PoleDec    float64      // ICRS pole of the stream's great circle, degrees
	PMRA, PMDec        float64      // the stream's proper motion, ICRS, mas/yr (pmra* as Gaia's)
	PMSpread           float64      // its dispersion per component, mas/yr [0.5]
	Width              float64      // its Gaussian width across the circle, degrees [0.1]
	StreamStars        int          // stream stars per patch inside the inner disk [80]; < 0 for none
	BackgroundPerSR    int          // background stars per search region [2500]
	SRsBelow, SRsAbove int          // search regions below/above the stream's mu_lambda [8, 3]
	Radius             float64      // inner disk radius, degrees [10]
	StreamR            float64      // median R of stream stars [4.5]; background median 1
	Seed               uint64
}

// Simulation is a synthetic data set: regions for Search and the truth.
type Simulation struct {
	Regions []Region
	// StreamIDs are the source_ids of the stream stars (a stream star keeps
	// its source_id in every search region holding it); background stars
	// have other source_ids.
	StreamIDs map[int64]bool
	NStream   int // distinct stream stars
	PoleRA    float64
	PoleDec   float64
}

// Simulate builds the synthetic data set cfg describes. Each patch (label =
// index into Centres) holds a background population uniform in (phi,
// lambda) over the inner disk with mu_phi* uniform in [-20, 20] and
// mu_lambda uniform over its search regions, and StreamStars stars spread
// uniformly along the stream's arc inside the disk. The search regions of a
// patch are the mu_lambda windows [k, k+6) for k from floor(mu_lambda of the
// stream) - SRsBelow to + SRsAbove, numbered k; their stars are those whose
// mu_lambda falls in the window, each with an R drawn for that region. All
// stars pass the proper-motion cut unless they sit near zero proper motion;
// photometry is absent (skip CutMag|CutColour). It panics if Centres is
// empty.
func Simulate(cfg SimConfig) *Simulation {
	if len(cfg.Centres) == 0 {
		panic("stream: Simulate: no patch centres")
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.PMSpread, 0.5)
	def(&cfg.Width, 0.1)
	def(&cfg.Radius, 10)
	def(&cfg.StreamR, 4.5)
	if cfg.StreamStars == 0 {
		cfg.StreamStars = 80
	}
	if cfg.BackgroundPerSR == 0 {
		cfg.BackgroundPerSR = 2500
	}
	if cfg.SRsBelow == 0 && cfg.SRsAbove == 0 {
		cfg.SRsBelow, cfg.SRsAbove = 8, 3
	}
	sim := &Simulation{StreamIDs: map[int64]bool{}, PoleRA: cfg.PoleRA, PoleDec: cfg.PoleDec}
	pole := unit(cfg.PoleRA, cfg.PoleDec)
	for p, c := range cfg.Centres {
		f := sky.NewFrame(c[0], c[1])
		rng := keyrand.New(cfg.Seed, uint64(p))
		// The stream's proper motion at the patch centre, in the patch frame.
		_, _, _, pmLam := f.Star(c[0], c[1], cfg.PMRA, cfg.PMDec)
		k0 := int(math.Floor(pmLam)) - cfg.SRsBelow
		k1 := int(math.Floor(pmLam)) + cfg.SRsAbove
		lamLo, lamHi := float64(k0), float64(k1+6)
		type st struct {
			id                     int64
			phi, lam, pmPhi, pmLam float64
			stream                 bool
		}
		var stars []st
		nBg := cfg.BackgroundPerSR * (k1 + 6 - k0) / 6
		for i := range nBg {
			r := cfg.Radius * math.Sqrt(rng.Float64())
			s, co := math.Sincos(2 * math.Pi * rng.Float64())
			stars = append(stars, st{id: int64(p)<<32 | int64(i), phi: r * co, lam: r * s,
				pmPhi: -20 + 40*rng.Float64(), pmLam: lamLo + (lamHi-lamLo)*rng.Float64()})
		}
		for i := range max(cfg.StreamStars, 0) {
			ra, dec, ok := arcPoint(rng, f, pole, cfg.Radius, cfg.Width)
			if !ok {
				break // the circle misses the disk
			}
			phi, lam, pmPhi, pmL := f.Star(ra, dec, cfg.PMRA+cfg.PMSpread*rng.NormFloat64(), cfg.PMDec+cfg.PMSpread*rng.NormFloat64())
			id := int64(1)<<62 | int64(p)<<32 | int64(i)
			stars = append(stars, st{id: id, phi: phi, lam: lam, pmPhi: pmPhi, pmLam: pmL, stream: true})
			sim.StreamIDs[id] = true
			sim.NStream++
		}
		for k := k0; k <= k1; k++ {
			reg := Region{Patch: p, RA0: c[0], Dec0: c[1], SR: k, PMLambdaMin: float64(k), PMLambdaMax: float64(k + 6)}
			rr := keyrand.New(cfg.Seed^0x5eed, uint64(p)<<20|uint64(k-k0))
			s := &reg.Stars
			for _, x := range stars {
				if x.pmLam < reg.PMLambdaMin || x.pmLam >= reg.PMLambdaMax {
					continue
				}
				s.Phi = append(s.Phi, x.phi)
				s.Lambda = append(s.Lambda, x.lam)
				s.PMPhi = append(s.PMPhi, x.pmPhi)
				s.PMLambda = append(s.PMLambda, x.pmLam)
				s.SourceID = append(s.SourceID, x.id)
				med := 1.0
				if x.stream {
					med = cfg.StreamR
				}
				s.R = append(s.R, med*math.Exp(0.3*rr.NormFloat64()))
			}
			sim.Regions = append(sim.Regions, reg)
		}
	}
	return sim
}

// arcPoint draws a point uniformly along the arc of the great circle of
// pole n inside the disk of the given radius about f's centre, moved across
// the circle by a Gaussian of the given width; false if the circle misses
// the disk.
func arcPoint(rng *rand.Rand, f *sky.Frame, n vec, radius, width float64) (ra, dec float64, ok bool) {
	c := unit(f.RA0, f.Dec0)
	k := c.dot(n)
	dist := math.Asin(math.Abs(k)) * rad // centre to circle, degrees
	if dist >= radius {
		return 0, 0, false
	}
	q := vec{c[0] - k*n[0], c[1] - k*n[1], c[2] - k*n[2]}.normalized()
	d := n.cross(q)
	// Half the arc inside the disk: cos(radius) = cos(dist) cos(half).
	half := math.Acos(math.Min(1, math.Cos(radius*deg)/math.Cos(dist*deg)))
	for {
		s, co := math.Sincos(half * (2*rng.Float64() - 1))
		p := vec{q[0]*co + d[0]*s, q[1]*co + d[1]*s, q[2]*co + d[2]*s}
		off := width * deg * rng.NormFloat64()
		so, cf := math.Sincos(off)
		p = vec{p[0]*cf + n[0]*so, p[1]*cf + n[1]*so, p[2]*cf + n[2]*so}
		if p.dot(c) > math.Cos(radius*deg) {
			ra, dec = lonLat(p)
			return ra, dec, true
		}
	}
}

// SimReport measures a Search result against a Simulation's truth.
type SimReport struct {
	Candidates int // stream candidates found
	// Of the candidate with the most distinct stream members (Best, an
	// index into Result.Candidates, -1 if no candidate has any): its
	// patches, the angle in degrees between its pole and the true one as
	// axes, its distinct members and how many are stream stars, and the
	// fraction of all stream stars among them (recall).
	Best          int
	Patches       []int
	PoleError     float64
	Members       int
	StreamMembers int
	Recall        float64
}

// Evaluate compares res, the result of Search on sim.Regions, with the
// truth.
func (sim *Simulation) Evaluate(res *Result) SimReport {
	rep := SimReport{Candidates: len(res.Candidates), Best: -1, PoleError: math.NaN()}
	for i := range res.Candidates {
		cd := &res.Candidates[i]
		ids := UniqueSources(cd.Members(res.ROIs, res.Seeds, res.ProtoClusters, sim.Regions))
		n := 0
		for _, id := range ids {
			if sim.StreamIDs[id] {
				n++
			}
		}
		if n > rep.StreamMembers || (rep.Best < 0 && n > 0) {
			rep.Best, rep.StreamMembers, rep.Members = i, n, len(ids)
		}
	}
	if rep.Best >= 0 {
		cd := &res.Candidates[rep.Best]
		rep.Patches = cd.Patches
		rep.PoleError = axisAngle(unit(cd.PoleRA, cd.PoleDec), unit(sim.PoleRA, sim.PoleDec))
		if sim.NStream > 0 {
			rep.Recall = float64(rep.StreamMembers) / float64(sim.NStream)
		}
	}
	return rep
}

// String formats the report on one line.
func (r SimReport) String() string {
	return fmt.Sprintf("%d candidates; best %d in patches %v, pole off by %.2f deg, %d members of which %d stream (recall %.2f)",
		r.Candidates, r.Best, r.Patches, r.PoleError, r.Members, r.StreamMembers, r.Recall)
}

// CirclePatches returns the indices into g.Patches of the patches whose
// centres lie within maxDist degrees of the great circle of ICRS pole
// (poleRA, poleDec): the patches a stream along that circle crosses.
func CirclePatches(g *sky.Grid, poleRA, poleDec, maxDist float64) []int {
	n := unit(poleRA, poleDec)
	var out []int
	for i, p := range g.Patches {
		if math.Abs(90-angle(unit(p.RA, p.Dec), n)) <= maxDist {
			out = append(out, i)
		}
	}
	return out
}
