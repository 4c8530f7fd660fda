package stream

import "math"

// BoxArea returns the area (square degrees) of the part of the disk of the
// given radius (degrees) about the patch centre that is covered by the lines
// of a box in Hough space: the set of points (phi, lambda) of the disk whose
// Hough curve rho(theta) = phi sin(theta) - lambda cos(theta) passes through
// [theta0, theta0 + width] x [rho1, rho2] for some theta0. Uniform stars in
// the disk put their curves through the box in proportion to this area,
// which is how Via Machinae renormalises the background box to the inner one
// (Shih et al. 2022, §3.4: "being careful to renormalize the counts for the
// different areas of the patch covered by the two regions in Hough space").
// By the rotational symmetry of the disk the area does not depend on theta0.
// width is in radians, rho1 <= rho2 in degrees; a width of 2 pi or more
// covers every angle.
//
// In polar coordinates (r, a) a point's curve is r sin(theta - a); for each
// r the set of angles a whose curve meets the box is an arc union measured
// exactly, and the r integral is done by adaptive Simpson quadrature, split
// where the integrand has kinks (r = |rho1|, |rho2|), to a relative accuracy
// of about 1e-9.
func BoxArea(rho1, rho2, width, radius float64) float64 {
	if !(rho1 <= rho2) || !(width >= 0) || !(radius > 0) {
		panic("stream: BoxArea: need rho1 <= rho2, width >= 0, radius > 0")
	}
	f := func(r float64) float64 { return arcMeasure(rho1, rho2, width, r) * r }
	cuts := []float64{0, radius}
	for _, c := range []float64{math.Abs(rho1), math.Abs(rho2)} {
		if c > 0 && c < radius {
			cuts = append(cuts, c)
		}
	}
	sortFloats(cuts)
	total := 0.0
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if b <= a {
			continue
		}
		fa, fm, fb := f(a), f((a+b)/2), f(b)
		whole := (b - a) / 6 * (fa + 4*fm + fb)
		total += simpson(f, a, b, fa, fm, fb, whole, 1e-10*radius*radius, 40)
	}
	return total
}

// arcMeasure returns the measure in radians, in [0, 2 pi], of the set of
// polar angles a for which the curve r sin(theta - a) meets [rho1, rho2] for
// some theta in an interval of the given width.
func arcMeasure(rho1, rho2, width, r float64) float64 {
	if width >= 2*math.Pi {
		if rho2 >= -r && rho1 <= r {
			return 2 * math.Pi
		}
		return 0
	}
	if r == 0 {
		if rho1 <= 0 && rho2 >= 0 {
			return 2 * math.Pi
		}
		return 0
	}
	s1, s2 := rho1/r, rho2/r
	if s1 > 1 || s2 < -1 {
		return 0
	}
	s1, s2 = math.Max(s1, -1), math.Min(s2, 1)
	a1, a2 := math.Asin(s1), math.Asin(s2)
	// u = theta - a with sin u in [s1, s2]: the arcs [a1, a2] (rising branch)
	// and [pi - a2, pi - a1] (falling one). The angles a reaching them from
	// some theta of the box are the arcs grown by the width on one side.
	return unionTwoArcs(a1-width, a2-a1+width, math.Pi-a2-width, a2-a1+width)
}

// unionTwoArcs returns the measure of the union of the circle arcs
// [s1, s1 + l1] and [s2, s2 + l2] (radians), capped at 2 pi.
func unionTwoArcs(s1, l1, s2, l2 float64) float64 {
	const tau = 2 * math.Pi
	if l1 >= tau || l2 >= tau {
		return tau
	}
	// The intersection on the circle is the sum of the overlaps of the first
	// arc with the images of the second shifted by whole turns.
	d := s2 - s1
	d -= tau * math.Floor(d/tau) // s2 moved into [s1, s1 + 2 pi)
	inter := 0.0
	for _, o := range []float64{d - tau, d, d + tau} {
		lo, hi := math.Max(0, o), math.Min(l1, o+l2)
		if hi > lo {
			inter += hi - lo
		}
	}
	return math.Min(tau, l1+l2-inter)
}

// simpson is adaptive Simpson quadrature of f over [a, b], given f at a,
// the midpoint and b and the Simpson estimate whole.
func simpson(f func(float64) float64, a, b, fa, fm, fb, whole, tol float64, depth int) float64 {
	m := (a + b) / 2
	lm, rm := (a+m)/2, (m+b)/2
	flm, frm := f(lm), f(rm)
	left := (m - a) / 6 * (fa + 4*flm + fm)
	right := (b - m) / 6 * (fm + 4*frm + fb)
	if depth <= 0 || math.Abs(left+right-whole) <= 15*tol {
		return left + right + (left+right-whole)/15
	}
	return simpson(f, a, m, fa, flm, fm, left, tol/2, depth-1) +
		simpson(f, m, b, fm, frm, fb, right, tol/2, depth-1)
}

// sortFloats sorts a short slice in place (insertion sort).
func sortFloats(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}
