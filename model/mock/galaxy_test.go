package mock

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// TestVelocityToPM checks the proper-motion projection by finite
// differences through sky.GalacticToICRS: a star at distance d moving with
// heliocentric Galactic velocity u is displaced by u·dt; its ICRS position
// before and after gives pmra* and pmdec independently of galToICRS and of
// the projection on the (ra, dec) unit vectors.
func TestVelocityToPM(t *testing.T) {
	const (
		// 1 km/s for 1 yr at 1 kpc moves a star by 1/4.740470446 mas.
		dt = 1e3 // years: small displacement, float-safe
	)
	r := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		l, b := 360*r.Float64(), math.Asin(2*r.Float64()-1)/deg
		if math.Abs(b) > 85 {
			continue
		}
		d := 0.1 + 20*r.Float64() // kpc
		u := vec3{200 * r.NormFloat64(), 200 * r.NormFloat64(), 200 * r.NormFloat64()}
		ra, dec := sky.GalacticToICRS(l, b)
		pmra, pmdec := velocityToPM(u, ra, dec, d)

		// Position in kpc, velocity in kpc per year: 1 kpc/yr = 977792221.68 km/s
		// (3.0856775814913673e16 km / 31557600 s).
		const kmsToKpcYr = 31557600 / 3.0856775814913673e16
		p := unitVec(l, b).scale(d)
		q := p.add(u.scale(kmsToKpcYr * dt))
		l2, b2 := q.unit().lonLat()
		ra2, dec2 := sky.GalacticToICRS(l2, b2)
		dra := math.Remainder(ra2-ra, 360) * math.Cos(dec*deg) // deg
		fdRA := dra * 3.6e6 / dt                               // mas/yr
		fdDec := (dec2 - dec) * 3.6e6 / dt
		// First-order finite difference: relative error ~ |u| dt / d ~ 1e-4.
		tol := 2e-3*math.Hypot(pmra, pmdec) + 1e-6
		if math.Abs(fdRA-pmra) > tol || math.Abs(fdDec-pmdec) > tol {
			t.Fatalf("l %.2f b %.2f d %.2f u %v: pm (%.6f, %.6f), finite difference (%.6f, %.6f)",
				l, b, d, u, pmra, pmdec, fdRA, fdDec)
		}
	}
	// The Sun's reflex: a star at rest in the Galactocentric frame towards
	// the Galactic centre (l = b = 0) at 1 kpc moves, seen from the Sun, by
	// -(v_sun,y, v_sun,z) across the line of sight (v_sun,x is radial there):
	// |pm| = hypot(245.6, 7.78)/4.740470446 = 51.835 mas/yr.
	ra, dec := sky.GalacticToICRS(0, 0)
	pmra, pmdec := velocityToPM(vec3{}.sub(vSun), ra, dec, 1)
	if got, want := math.Hypot(pmra, pmdec), math.Hypot(245.6, 7.78)/kmsPerMasYrKpc; math.Abs(got-want) > 1e-9 {
		t.Errorf("solar reflex towards l = 0: |pm| = %.9f, want %.9f", got, want)
	}
	// The sense of rotation: a star 1 kpc towards the anticentre on a
	// circular orbit at the Sun's 245.6 km/s moves with the Sun but for its
	// v_z, so |pm| = 7.78/4.740470446 = 1.641 mas/yr (with the opposite sense
	// it would be over 100).
	ra, dec = sky.GalacticToICRS(180, 0)
	p := galCentric(unitVec(180, 0), 1)
	pmra, pmdec = properMotion(r, &kinematics{vRot: 245.6}, p, ra, dec, 1)
	if got, want := math.Hypot(pmra, pmdec), 7.78/kmsPerMasYrKpc; math.Abs(got-want) > 1e-9 {
		t.Errorf("co-rotating star towards the anticentre: |pm| = %.9f, want %.9f", got, want)
	}
}

// TestSampleDistance checks the exact inversion of the piecewise-linear
// line-of-sight density: the mean of ln d over many draws against the exact
// mean of that density.
func TestSampleDistance(t *testing.T) {
	g := newLOSGrid()
	uc := math.Log(3.0)
	for j, d := range g.d {
		u := math.Log(d)
		g.w[j] = math.Exp(-(u-uc)*(u-uc)/0.5) * (1 + 0.5*math.Sin(7*u))
	}
	var total, first, second float64
	g.cum[0] = 0
	for j := 1; j < losN; j++ {
		w0, w1 := g.w[j-1], g.w[j]
		u0 := math.Log(g.d[j-1])
		h := g.du
		area := 0.5 * (w0 + w1) * h
		total += area
		g.cum[j] = total
		// ∫ u (w0 + (w1-w0) s/h) du over [u0, u0+h], s = u - u0.
		first += u0*area + h*h*(w0/2+(w1-w0)/3)
		// ∫ u² (...): u² = u0² + 2 u0 s + s².
		second += u0*u0*area + 2*u0*h*h*(w0/2+(w1-w0)/3) + h*h*h*(w0/3+(w1-w0)/4)
	}
	mean := first / total
	sd := math.Sqrt(second/total - mean*mean)
	r := rand.New(rand.NewPCG(7, 8))
	const n = 400000
	var s, s2 float64
	for range n {
		u := math.Log(g.sampleDistance(r))
		s += u
		s2 += u * u
	}
	gotMean := s / n
	gotSD := math.Sqrt(s2/n - gotMean*gotMean)
	if math.Abs(gotMean-mean) > 5*sd/math.Sqrt(n) || math.Abs(gotSD-sd) > 5*sd/math.Sqrt(2*n) {
		t.Errorf("ln d: mean %.5f sd %.5f, want %.5f and %.5f", gotMean, gotSD, mean, sd)
	}
}

func TestDensities(t *testing.T) {
	sun := vec3{-galR0, 0, galZsun}
	// At the Sun the thick disk is exp(-Zsun/H) of its midplane value and the
	// halo 0.0051/0.12 of the thick disk (Juric et al. 2008 normalisation;
	// the Sun's height, 20.8 pc / q in the flattened radius, lowers the halo
	// by 2.2e-5).
	if got, want := thickDensity(sun), math.Exp(-galZsun/thickH); math.Abs(got-want) > 1e-15 {
		t.Errorf("thick disk at the Sun %v, want %v", got, want)
	}
	if got := haloDensity(sun); math.Abs(got-haloNorm) > 3e-5*haloNorm {
		t.Errorf("halo at the Sun %v, want %v", got, haloNorm)
	}
	// The halo falls as r^-2.77 far out; twice as far is 2^-2.77 = 0.1466.
	a, b := haloDensity(vec3{40, 0, 0}), haloDensity(vec3{80, 0, 0})
	if got := b / a; math.Abs(got-math.Pow(2, -haloN)) > 1e-3 {
		t.Errorf("halo ratio %v, want %v", got, math.Pow(2, -haloN))
	}
	// Flattened: at equal density, z is q times R.
	if d1, d2 := haloDensity(vec3{30, 0, 0}), haloDensity(vec3{0, 0, 30 * haloQ}); math.Abs(d1-d2) > 1e-15 {
		t.Errorf("halo flattening: %v vs %v", d1, d2)
	}
}
