package stream

import "math"

// refine returns the refined line of fit (see Find) from the m stars loaded
// by accumulate. The search for the peak covers the best box grown by one
// box size on each side (the neighbourhood).
func (f *Finder) refine(m int, fit Fit) Line {
	bt, br := f.cfg.BoxTheta, f.cfg.BoxRho
	gt := min(bt, f.htOut-f.htIn) // growth in theta columns
	t0 := fit.ThetaBin + f.htOut - f.htIn - gt
	t1 := fit.ThetaBin + f.htOut + f.htIn + gt + 1
	j0, j1 := max(fit.RhoBin-f.hrIn-br, 0), min(fit.RhoBin+f.hrIn+br+1, f.nr)
	w := j1 - j0
	peak := f.peak[:(t1-t0)*w]
	clear(peak)
	for u := range m {
		for t := t0; t < t1; t++ {
			a, b := f.window(u, t, 0)
			for v := max(int(a), j0); v <= min(int(b), j1-1); v++ {
				peak[(t-t0)*w+v-j0]++
			}
		}
	}
	var top int32
	for _, p := range peak {
		top = max(top, p)
	}
	if top == 0 {
		return fit.BoxLine
	}
	// Mean centre of the peak bins (theta unwrapped across the
	// neighbourhood).
	var st, sr float64
	var np int
	for k, p := range peak {
		if p == top {
			t, v := t0+k/w, j0+k%w
			st += f.theta0 + (float64(t)+0.5)*f.dTheta
			sr += f.rhoEdge(v) + 0.5*f.dRho
			np++
		}
	}
	centre := Line{Theta: st / float64(np), Rho: sr / float64(np)}.Canonical()
	// The stars through a peak bin, and their orthogonal least-squares line.
	f.lx, f.ly = f.lx[:0], f.ly[:0]
	for u := range m {
	columns:
		for t := t0; t < t1; t++ {
			a, b := f.window(u, t, 0)
			for v := max(int(a), j0); v <= min(int(b), j1-1); v++ {
				if peak[(t-t0)*w+v-j0] == top {
					f.lx, f.ly = append(f.lx, f.px[u]), append(f.ly, f.py[u])
					break columns
				}
			}
		}
	}
	ls, ok := FitLine(f.lx, f.ly)
	if !ok {
		return centre
	}
	// Its image nearest the box centre must lie in the neighbourhood.
	dt, dr := ls.Diff(fit.BoxLine)
	if math.Abs(dt) > (float64(f.htIn+gt)+0.5)*f.dTheta || math.Abs(dr) > (float64(f.hrIn+br)+0.5)*f.dRho {
		return centre
	}
	return ls
}

// FitLine returns the orthogonal least-squares line through the points (x,
// y) (the principal axis of their scatter) in the Hough parametrisation rho
// = x sin(theta) - y cos(theta), canonical; false for fewer than two points
// or points that all coincide.
func FitLine(x, y []float64) (Line, bool) {
	n := len(x)
	if n < 2 {
		return Line{}, false
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/float64(n), my/float64(n)
	var sxx, sxy, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx+syy == 0 {
		return Line{}, false
	}
	th := 0.5 * math.Atan2(2*sxy, sxx-syy) // direction of the principal axis
	sn, cs := math.Sincos(th)
	return Line{Theta: th, Rho: mx*sn - my*cs}.Canonical(), true
}
