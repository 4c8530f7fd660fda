package distance

import "math"

// surveyGrid is a survey laid on FitSelection's grids of absolute
// magnitude M, distance d and intrinsic colour c, for the deconvolution
// into phi(M, c) nu(d) inside the catalogue's magnitude window.
type surveyGrid struct {
	// cells are the grid cells each star can be in: at every distance bin
	// its G and BP-RP, dereddened there, fix M and c, and its parallax
	// likelihood weighs the bin. Star i's are cells[end[i-1]:end[i]].
	cells []surveyCell
	end   []int
	pass  []bool // whether star i passes the training's floors

	// w is the window W(M, d): the fraction of the survey's sight lines on
	// which a star at (M, d) falls inside the catalogue's G range.
	w []float64
}

type surveyCell struct {
	a, b, k int32 // M, distance and colour bins
	like    float64
}

// logDBin is the centre of distance bin b, log10 pc.
func logDBin(b int) float64 { return selLogD0 + (float64(b)+0.5)*selDLogD }

// newSurveyGrid lays the survey sv (in key order: its first SightLines
// stars average the window) on the grids.
func newSurveyGrid(sv []SurveyStar, opt SelectionFit) *surveyGrid {
	na, nb := selNM, selNLogD
	grid := Selection{M0: selM0, DM: selDM}
	g := &surveyGrid{cells: make([]surveyCell, 0, len(sv)*nb/4), end: make([]int, 0, len(sv)), pass: make([]bool, 0, len(sv))}
	floor := Config{MinParallaxSNR: opt.MinParallaxSNR, MaxColourError: opt.MaxColourError}
	gLo, gHi := math.Inf(1), math.Inf(-1)
	for _, s := range sv {
		gLo, gHi = min(gLo, s.G), max(gHi, s.G)
		for b := 0; b < nb; b++ {
			dist := math.Pow(10, logDBin(b))
			z := (s.Parallax + opt.ParallaxOffset - 1000/dist) / s.ParallaxError
			if z*z > 60 {
				continue
			}
			e := opt.reddening(s.L, s.B, dist)
			a := grid.bin(s.G - 5*logDBin(b) + 5 - opt.AG*e)
			if a < 0 || a >= na {
				continue
			}
			g.cells = append(g.cells, surveyCell{int32(a), int32(b), int32(colourBin(s.BPRP - opt.EBPRP*e)), math.Exp(-0.5 * z * z)})
		}
		g.end = append(g.end, len(g.cells))
		g.pass = append(g.pass, floor.PassesFloors(s.Parallax, s.ParallaxError, s.SigmaBPRP))
	}
	// The dust of each sight line at each distance is asked once.
	g.w = make([]float64, na*nb)
	ext := make([]float64, nb)
	for _, s := range sv[:min(len(sv), opt.SightLines)] {
		for b := range ext {
			ext[b] = opt.AG * opt.reddening(s.L, s.B, math.Pow(10, logDBin(b)))
		}
		for a := 0; a < na; a++ {
			absM := selM0 + (float64(a)+0.5)*selDM
			for b := 0; b < nb; b++ {
				if gm := absM + 5*logDBin(b) - 5 + ext[b]; gm >= gLo && gm <= gHi {
					g.w[a*nb+b]++
				}
			}
		}
	}
	return g
}

// estep spreads every star over its cells with the responsibilities of
// phi(M, c) nu(d) times its parallax likelihood, adding them into perMC
// (per M and colour bin), perD (per distance bin) and, if not nil, perMPass
// (per M bin, the stars that pass the floor only).
func (g *surveyGrid) estep(phi, nu, perMC, perD, perMPass []float64) {
	nc := selNC
	lo := 0
	for i, hi := range g.end {
		var z float64
		for _, c := range g.cells[lo:hi] {
			z += phi[int(c.a)*nc+int(c.k)] * nu[c.b] * c.like
		}
		if z > 0 {
			pass := perMPass != nil && g.pass[i]
			for _, c := range g.cells[lo:hi] {
				r := phi[int(c.a)*nc+int(c.k)] * nu[c.b] * c.like / z
				perMC[int(c.a)*nc+int(c.k)] += r
				perD[c.b] += r
				if pass {
					perMPass[c.a] += r
				}
			}
		}
		lo = hi
	}
}

// fit runs the EM (EMS: each step smooths nu) from flat phi and nu and
// returns phi (M-major, colour minor) and nu (summing to 1).
func (g *surveyGrid) fit() (phi, nu []float64) {
	na, nb, nc := selNM, selNLogD, selNC
	phi, nu = make([]float64, na*nc), make([]float64, nb)
	for a := range phi {
		phi[a] = 1
	}
	for b := range nu {
		nu[b] = 1
	}
	cMC, cD := make([]float64, na*nc), make([]float64, nb)
	phiM := make([]float64, na) // phi summed over colour
	for it := 0; it < selMaxIter; it++ {
		clear(cMC)
		clear(cD)
		g.estep(phi, nu, cMC, cD, nil)
		// The truncated model's fixed point with the expected counts.
		for a := 0; a < na; a++ {
			var s float64
			for b := range nu {
				s += nu[b] * g.w[a*nb+b]
			}
			phiM[a] = 0
			for k := 0; k < nc; k++ {
				phi[a*nc+k] = 0
				if s > 0 {
					phi[a*nc+k] = cMC[a*nc+k] / s
				}
				phiM[a] += phi[a*nc+k]
			}
		}
		var tot float64
		for b := range nu {
			var s float64
			for a := 0; a < na; a++ {
				s += phiM[a] * g.w[a*nb+b]
			}
			nu[b] = 0
			if s > 0 {
				nu[b] = cD[b] / s
			}
			tot += nu[b]
		}
		for b := range nu {
			nu[b] /= tot
		}
		smooth(nu, selSmoothD)
	}
	return phi, nu
}

// selected returns, per M bin, the survey's stars deconvolved with phi
// and nu, and those of them that pass the floor (both smoothed in M): their
// ratio is the selected fraction, counted rather than modelled.
func (g *surveyGrid) selected(phi, nu []float64) (all, kept []float64) {
	na, nc := selNM, selNC
	perMC, perD := make([]float64, na*nc), make([]float64, selNLogD)
	all, kept = make([]float64, na), make([]float64, na)
	g.estep(phi, nu, perMC, perD, kept)
	for a := range all {
		for k := 0; k < nc; k++ {
			all[a] += perMC[a*nc+k]
		}
	}
	smooth(all, selSmoothM)
	smooth(kept, selSmoothM)
	return all, kept
}

// reddening is the dust map's median E on the sight line (l, b) at dist pc
// (0 without a map or where it does not reach).
func (o SelectionFit) reddening(l, b, dist float64) float64 {
	if o.Dust == nil {
		return 0
	}
	med, _, covered, _ := o.Dust.Query(l, b, dist)
	if !covered || math.IsNaN(med) {
		return 0
	}
	return med
}

// colourBin is the bin of intrinsic BP-RP c on the selection's colour grid
// (the end bins hold what lies beyond; NaN the last).
func colourBin(c float64) int {
	if math.IsNaN(c) {
		return selNC - 1
	}
	return min(max(int(math.Floor((c-selC0)/selDC)), 0), selNC-1)
}

// smooth applies n passes of a [1 2 1]/4 kernel to v in place, the ends
// reflected.
func smooth(v []float64, n int) {
	if len(v) < 3 {
		return
	}
	tmp := make([]float64, len(v))
	for ; n > 0; n-- {
		for i := range v {
			l, r := v[max(i-1, 0)], v[min(i+1, len(v)-1)]
			tmp[i] = 0.25*l + 0.5*v[i] + 0.25*r
		}
		copy(v, tmp)
	}
}
