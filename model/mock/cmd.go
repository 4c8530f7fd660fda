package mock

import (
	"math"
	"math/rand/v2"
)

// Sequence is one component of the true colour-magnitude density: absolute G
// magnitude M ~ N(MeanG, SigmaG²), and given M each colour is Gaussian around
// a quadratic curve in x = M - MeanG:
//
//	bp-rp | M ~ N(BPRP[0] + BPRP[1] x + BPRP[2] x², SigmaBPRP²)
//	bp-g  | M ~ N(BPG[0]  + BPG[1] x  + BPG[2] x²,  SigmaBPG²)
//
// the two colours independent given M. With BPRP[2] = BPG[2] = 0 the sequence
// is a line in (M, bp-rp, bp-g) with Gaussian colour scatter, as in paper 000
// §4.1.
type Sequence struct {
	Name      string
	Weight    float64 // mixture weight; the weights of a CMD sum to 1
	MeanG     float64 // mean absolute G, mag
	SigmaG    float64 // spread of absolute G, mag
	BPRP      [3]float64
	SigmaBPRP float64
	BPG       [3]float64
	SigmaBPG  float64
}

// CMD is the true, dereddened colour-magnitude density P(g, bp-rp, bp-g) of
// the paper-000 mock population (g is the absolute G magnitude): a mixture of
// Sequences. Its log density is exact, so a learned flow can be scored
// against it (for example by a KL divergence).
type CMD struct {
	Sequences []Sequence
}

// DefaultCMD returns the CMD of the mock's paper-000 population. Paper 000
// fits one line to Gaia; here the main sequence is such a line, and a giant
// branch and a white-dwarf sequence are added so that the density is not
// trivially one-dimensional. The numbers are round values chosen to resemble
// the Gaia DR2 CMD, not a fit:
//
//	sequence        weight  M_G          bp-rp at x = M - mean        bp-g                         scatter (bp-rp, bp-g)
//	main sequence   0.85    N(4.5, 2.2)  0.78 + 0.26 x                0.34 + 0.13 x                0.08, 0.04
//	giant branch    0.10    N(1.0, 1.2)  1.25 - 0.14 x + 0.02 x²      0.58 - 0.07 x + 0.01 x²      0.06, 0.03
//	white dwarfs    0.05    N(12.5, 0.9) 0.35 + 0.26 x                0.12 + 0.12 x                0.06, 0.03
//
// (The Sun, M_G = 4.67, falls at bp-rp = 0.82; the giant branch runs from
// bp-rp 1.03 at M_G 3.5 to 2.1 at M_G -3; white dwarfs from bp-rp -0.3 at
// M_G 10 to 1.0 at M_G 15.)
func DefaultCMD() *CMD {
	return &CMD{Sequences: []Sequence{
		{Name: "main sequence", Weight: 0.85, MeanG: 4.5, SigmaG: 2.2,
			BPRP: [3]float64{0.78, 0.26, 0}, SigmaBPRP: 0.08,
			BPG: [3]float64{0.34, 0.13, 0}, SigmaBPG: 0.04},
		{Name: "giant branch", Weight: 0.10, MeanG: 1.0, SigmaG: 1.2,
			BPRP: [3]float64{1.25, -0.14, 0.02}, SigmaBPRP: 0.06,
			BPG: [3]float64{0.58, -0.07, 0.01}, SigmaBPG: 0.03},
		{Name: "white dwarfs", Weight: 0.05, MeanG: 12.5, SigmaG: 0.9,
			BPRP: [3]float64{0.35, 0.26, 0}, SigmaBPRP: 0.06,
			BPG: [3]float64{0.12, 0.12, 0}, SigmaBPG: 0.03},
	}}
}

const logSqrt2Pi = 0.91893853320467274178 // log(sqrt(2 pi))

// logNormal returns log N(x; mu, sigma²).
func logNormal(x, mu, sigma float64) float64 {
	z := (x - mu) / sigma
	return -0.5*z*z - math.Log(sigma) - logSqrt2Pi
}

func poly2(c [3]float64, x float64) float64 { return c[0] + x*(c[1]+x*c[2]) }

// logProb returns log p(M, bp-rp, bp-g | sequence).
func (s *Sequence) logProb(absG, bprp, bpg float64) float64 {
	x := absG - s.MeanG
	return logNormal(absG, s.MeanG, s.SigmaG) +
		logNormal(bprp, poly2(s.BPRP, x), s.SigmaBPRP) +
		logNormal(bpg, poly2(s.BPG, x), s.SigmaBPG)
}

// LogProb returns the natural log of the true density at absolute magnitude
// absG and intrinsic colours bprp = (BP-RP)_0 and bpg = (BP-G)_0, in
// mag⁻³. It is computed with log-sum-exp, so it stays finite far in the
// tails.
func (c *CMD) LogProb(absG, bprp, bpg float64) float64 {
	best := math.Inf(-1)
	var terms [8]float64
	lp := terms[:0]
	for i := range c.Sequences {
		s := &c.Sequences[i]
		v := math.Log(s.Weight) + s.logProb(absG, bprp, bpg)
		lp = append(lp, v)
		best = max(best, v)
	}
	if math.IsInf(best, -1) {
		return best
	}
	var sum float64
	for _, v := range lp {
		sum += math.Exp(v - best)
	}
	return best + math.Log(sum)
}

// Sample draws one star from the density with r: its absolute G, intrinsic
// bp-rp and bp-g, and the index of the sequence it came from.
func (c *CMD) Sample(r *rand.Rand) (absG, bprp, bpg float64, seq int) {
	u := r.Float64()
	seq = len(c.Sequences) - 1
	for i, s := range c.Sequences {
		if u < s.Weight {
			seq = i
			break
		}
		u -= s.Weight
	}
	s := &c.Sequences[seq]
	absG = s.MeanG + s.SigmaG*r.NormFloat64()
	x := absG - s.MeanG
	bprp = poly2(s.BPRP, x) + s.SigmaBPRP*r.NormFloat64()
	bpg = poly2(s.BPG, x) + s.SigmaBPG*r.NormFloat64()
	return absG, bprp, bpg, seq
}

// validate checks that the weights are positive and sum to 1 and the widths
// are positive.
func (c *CMD) validate() bool {
	var w float64
	for _, s := range c.Sequences {
		if !(s.Weight > 0) || !(s.SigmaG > 0) || !(s.SigmaBPRP > 0) || !(s.SigmaBPG > 0) {
			return false
		}
		w += s.Weight
	}
	return len(c.Sequences) > 0 && math.Abs(w-1) < 1e-9
}
