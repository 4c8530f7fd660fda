package distance

import (
	"math"
	"runtime"
	"sync"
)

// MarginalGrid is the CMD density marginalised over bp-g on a grid of
// cells: x = dereddened BP-RP, y = absolute dereddened G, LogP[iy*NX+ix]
// the log density of cell (ix, iy) in mag⁻² (what figs. 2 and 3 draw).
type MarginalGrid struct {
	BPRPLo, BPRPHi, GLo, GHi float64
	NX, NY                   int
	LogP                     []float64
}

// XCentre returns the BP-RP of column ix's centre.
func (g MarginalGrid) XCentre(ix int) float64 {
	return g.BPRPLo + (float64(ix)+0.5)*(g.BPRPHi-g.BPRPLo)/float64(g.NX)
}

// YCentre returns the G of row iy's centre.
func (g MarginalGrid) YCentre(iy int) float64 {
	return g.GLo + (float64(iy)+0.5)*(g.GHi-g.GLo)/float64(g.NY)
}

// At returns the log density of cell (ix, iy).
func (g MarginalGrid) At(ix, iy int) float64 { return g.LogP[iy*g.NX+ix] }

// Marginal is the grid and the quadrature of MarginalCMD. Where both ends of
// a range are 0, or a count is 0, the documented default is used.
type Marginal struct {
	BPRPLo, BPRPHi float64 // x: dereddened BP-RP (mag); default [-0.5, 3.5]
	GLo, GHi       float64 // y: absolute dereddened G (mag); default [-5, 15]
	NX, NY         int     // cells; default 200 × 200

	// BP-G is integrated over [BPGLo, BPGHi] (mag; default [-1, 3], wider
	// than any star's colour) with NBPG equally spaced nodes (default 401,
	// a step of 0.01 mag) by the trapezoidal rule.
	BPGLo, BPGHi float64
	NBPG         int

	Workers int // goroutines; 0 means runtime.GOMAXPROCS(0)
}

func (m Marginal) withDefaults() Marginal {
	if m.BPRPLo == 0 && m.BPRPHi == 0 {
		m.BPRPLo, m.BPRPHi = -0.5, 3.5
	}
	if m.GLo == 0 && m.GHi == 0 {
		m.GLo, m.GHi = -5, 15
	}
	if m.NX == 0 {
		m.NX = 200
	}
	if m.NY == 0 {
		m.NY = 200
	}
	if m.BPGLo == 0 && m.BPGHi == 0 {
		m.BPGLo, m.BPGHi = -1, 3
	}
	if m.NBPG == 0 {
		m.NBPG = 401
	}
	if m.Workers <= 0 {
		m.Workers = runtime.GOMAXPROCS(0)
	}
	return m
}

// MarginalCMD tabulates the CMD density d = P(g, bp-rp, bp-g) (paper 000)
// marginalised over bp-g, ln p(g, bp-rp) = ln ∫ P d(bp-g) in mag⁻², at the
// cell centres of m's grid (x = BP-RP, y = absolute G): what io/plot's
// Fig3 and Fig2's learned panel draw. The integral is the trapezoidal rule on m's
// bp-g nodes, summed in log space (log-sum-exp) so that far tails do not
// underflow; for a density that is smooth in bp-g on the node spacing it is
// accurate to far better than a plot needs. NaN log densities count as zero
// density. Rows of the grid are evaluated in parallel, each as one call of
// d.LogProb with NX × NBPG points, so d must be safe for concurrent use (a
// flow is). It panics if m has a bad range or count.
//
// This is numerical integration, and works for any flow; a flow built with
// flow.Config.Ordered gives the same marginal exactly by
// (*flow.Flow).MarginalLogProb with (g, bp-rp) columns, which the tests use
// as the oracle.
func MarginalCMD(d Density, m Marginal) MarginalGrid {
	m = m.withDefaults()
	if m.NX < 1 || m.NY < 1 || m.NBPG < 2 || !(m.BPRPLo < m.BPRPHi) || !(m.GLo < m.GHi) || !(m.BPGLo < m.BPGHi) {
		panic("distance: MarginalCMD: empty range or too few cells or nodes")
	}
	g := MarginalGrid{BPRPLo: m.BPRPLo, BPRPHi: m.BPRPHi, GLo: m.GLo, GHi: m.GHi, NX: m.NX, NY: m.NY,
		LogP: make([]float64, m.NX*m.NY)}
	h := (m.BPGHi - m.BPGLo) / float64(m.NBPG-1)
	logW := make([]float64, m.NBPG) // ln of the trapezoid weights
	for k := range logW {
		logW[k] = math.Log(h)
		if k == 0 || k == m.NBPG-1 {
			logW[k] = math.Log(h / 2)
		}
	}
	rows := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < m.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := m.NX * m.NBPG
			x := make([]float64, 3*n)
			lp := make([]float64, n)
			for iy := range rows {
				gv := g.YCentre(iy)
				for ix := 0; ix < m.NX; ix++ {
					c := g.XCentre(ix)
					for k := 0; k < m.NBPG; k++ {
						i := 3 * (ix*m.NBPG + k)
						x[i], x[i+1], x[i+2] = gv, c, m.BPGLo+float64(k)*h
					}
				}
				d.LogProb(lp, x)
				for ix := 0; ix < m.NX; ix++ {
					g.LogP[iy*m.NX+ix] = logSumExpWeighted(lp[ix*m.NBPG:(ix+1)*m.NBPG], logW)
				}
			}
		}()
	}
	for iy := 0; iy < m.NY; iy++ {
		rows <- iy
	}
	close(rows)
	wg.Wait()
	return g
}

// logSumExpWeighted returns ln Σ exp(a[k] + b[k]), skipping NaN terms; -Inf if
// every term is -Inf or NaN.
func logSumExpWeighted(a, b []float64) float64 {
	top := math.Inf(-1)
	for k, v := range a {
		if t := v + b[k]; t > top {
			top = t
		}
	}
	if math.IsInf(top, 0) {
		return top
	}
	var s float64
	for k, v := range a {
		if t := v + b[k]; !math.IsNaN(t) {
			s += math.Exp(t - top)
		}
	}
	return top + math.Log(s)
}
