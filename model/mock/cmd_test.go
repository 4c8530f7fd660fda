package mock

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCMDIntegratesToOne integrates exp(LogProb) over a grid that covers
// every sequence to many sigmas. The midpoint rule converges spectrally for
// Gaussians sampled at 0.4 of their width or finer (error ~ exp(-2π²σ²/h²)),
// so the sum is accurate far below the tolerance.
func TestCMDIntegratesToOne(t *testing.T) {
	c := DefaultCMD()
	const (
		hG = 0.1   // smallest SigmaG is 0.9
		hC = 0.015 // smallest colour sigma is 0.03
		k  = 10.0  // window half-width in sigmas: the rest is below e^-50
	)
	// cell returns the midpoint grid index range covering [lo, hi].
	cell := func(lo, hi float64) (int, int) { return int(math.Floor(lo / hC)), int(math.Ceil(hi / hC)) }
	var sum float64
	var n int
	for absG := -12.0 + hG/2; absG < 24; absG += hG {
		// Each sequence's colour window at this magnitude; a grid point is
		// summed once if it lies in the window of any sequence.
		type win struct{ a1, b1, a2, b2 int }
		var ws []win
		lo, hi := math.MaxInt, math.MinInt
		for _, s := range c.Sequences {
			x := absG - s.MeanG
			m1, m2 := poly2(s.BPRP, x), poly2(s.BPG, x)
			a1, b1 := cell(m1-k*s.SigmaBPRP, m1+k*s.SigmaBPRP)
			a2, b2 := cell(m2-k*s.SigmaBPG, m2+k*s.SigmaBPG)
			ws = append(ws, win{a1, b1, a2, b2})
			lo, hi = min(lo, a1), max(hi, b1)
		}
		for i := lo; i <= hi; i++ {
			for j := -400; j <= 400; j++ { // bp-g within [-6, 6]
				in := false
				for _, w := range ws {
					if i >= w.a1 && i <= w.b1 && j >= w.a2 && j <= w.b2 {
						in = true
						break
					}
				}
				if !in {
					continue
				}
				sum += math.Exp(c.LogProb(absG, (float64(i)+0.5)*hC, (float64(j)+0.5)*hC))
				n++
			}
		}
	}
	sum *= hG * hC * hC
	if math.Abs(sum-1) > 1e-6 {
		t.Errorf("integral of the CMD density = %.9f, want 1", sum)
	}
	t.Logf("integral over %d grid points = %.12f", n, sum)
}

func TestCMDLogProb(t *testing.T) {
	c := DefaultCMD()
	// want: the mixture written out term by term at a main-sequence point
	// (the other sequences contribute too; all three are summed here).
	gauss := func(x, mu, s float64) float64 {
		return math.Exp(-(x-mu)*(x-mu)/(2*s*s)) / (s * math.Sqrt(2*math.Pi))
	}
	absG, c1, c2 := 4.0, 0.66, 0.29
	var p float64
	for _, s := range c.Sequences {
		x := absG - s.MeanG
		p += s.Weight * gauss(absG, s.MeanG, s.SigmaG) *
			gauss(c1, s.BPRP[0]+s.BPRP[1]*x+s.BPRP[2]*x*x, s.SigmaBPRP) *
			gauss(c2, s.BPG[0]+s.BPG[1]*x+s.BPG[2]*x*x, s.SigmaBPG)
	}
	if got := c.LogProb(absG, c1, c2); math.Abs(got-math.Log(p)) > 1e-12 {
		t.Errorf("LogProb = %.15f, want %.15f", got, math.Log(p))
	}
	// Main-sequence only, at its own centre: log(0.85) - 3 log(sqrt(2π)) -
	// log(2.2 × 0.08 × 0.04) = -0.162519 - 2.756816 + 4.956138 = 2.036803
	// (the giant branch and white dwarfs add less than 1e-20 there).
	if got := c.LogProb(4.5, 0.78, 0.34); math.Abs(got-2.0368126) > 1e-6 {
		t.Errorf("LogProb at the main-sequence centre = %.7f, want 2.0368126", got)
	}
	// Far in the tails every term underflows, but log-sum-exp stays finite.
	if got := c.LogProb(40, -10, 12); math.IsInf(got, 0) || math.IsNaN(got) || got > -1e3 {
		t.Errorf("LogProb in the far tail = %v, want a large negative finite number", got)
	}
}

func TestCMDSample(t *testing.T) {
	c := DefaultCMD()
	r := rand.New(rand.NewPCG(3, 4))
	const n = 400000
	var count [3]int
	var sumG, sumG2 float64
	var msResid, msResid2 float64
	for range n {
		absG, c1, c2, seq := c.Sample(r)
		count[seq]++
		sumG += absG
		sumG2 += absG * absG
		if seq == 0 {
			d := c1 - (0.78 + 0.26*(absG-4.5))
			msResid += d
			msResid2 += d * d
			_ = c2
		}
	}
	// Mixture moments: E[M] = Σ w μ, E[M²] = Σ w (σ² + μ²).
	var mean, m2 float64
	for _, s := range c.Sequences {
		mean += s.Weight * s.MeanG
		m2 += s.Weight * (s.SigmaG*s.SigmaG + s.MeanG*s.MeanG)
	}
	sd := math.Sqrt(m2 - mean*mean)
	if got := sumG / n; math.Abs(got-mean) > 5*sd/math.Sqrt(n) {
		t.Errorf("mean M_G = %.4f, want %.4f", got, mean)
	}
	if got := math.Sqrt(sumG2/n - (sumG/n)*(sumG/n)); math.Abs(got-sd) > 5*sd/math.Sqrt(2*n) {
		t.Errorf("sd M_G = %.4f, want %.4f", got, sd)
	}
	for i, s := range c.Sequences {
		p := s.Weight
		if got := float64(count[i]) / n; math.Abs(got-p) > 5*math.Sqrt(p*(1-p)/n) {
			t.Errorf("%s fraction %.4f, want %.2f", s.Name, got, p)
		}
	}
	nm := float64(count[0])
	if m, v := msResid/nm, msResid2/nm-(msResid/nm)*(msResid/nm); math.Abs(m) > 5*0.08/math.Sqrt(nm) ||
		math.Abs(math.Sqrt(v)-0.08) > 5*0.08/math.Sqrt(2*nm) {
		t.Errorf("main-sequence bp-rp scatter: mean %.5f sd %.5f, want 0 and 0.08", m, math.Sqrt(v))
	}
}
