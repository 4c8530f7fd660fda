package stream

import (
	"math"
	"math/rand/v2"
	"testing"
)

// mcBoxArea estimates BoxArea by Monte Carlo: uniform points in the disk,
// each tested by the range of its curve over the box's theta interval (end
// points, and the curve's extremes +-r where they fall inside): a check of
// the arc algebra of arcMeasure by other means.
func mcBoxArea(rng *rand.Rand, rho1, rho2, width, radius float64, n int) (area, se float64) {
	hits := 0
	for range n {
		r := radius * math.Sqrt(rng.Float64())
		a := 2 * math.Pi * rng.Float64()
		t0 := 2 * math.Pi * rng.Float64() // the area does not depend on the box's theta
		// rho(t) = r sin(t - a) over t in [t0, t0 + width].
		u0, u1 := t0-a, t0-a+width
		lo := math.Min(r*math.Sin(u0), r*math.Sin(u1))
		hi := math.Max(r*math.Sin(u0), r*math.Sin(u1))
		for k := -2.0; k <= 2; k++ {
			if up := math.Pi/2 + 2*math.Pi*k; up > u0 && up < u1 {
				hi = r
			}
			if dn := -math.Pi/2 + 2*math.Pi*k; dn > u0 && dn < u1 {
				lo = -r
			}
		}
		if hi >= rho1 && lo <= rho2 {
			hits++
		}
	}
	p := float64(hits) / float64(n)
	disk := math.Pi * radius * radius
	return p * disk, math.Sqrt(p*(1-p)/float64(n)) * disk
}

func TestBoxAreaMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dt := math.Pi / 100
	for _, c := range []struct {
		name              string
		rho1, rho2, width float64
	}{
		{"inner box at the centre", -0.5, 0.5, 3 * dt},
		{"inner box mid-disk", 5, 6, 3 * dt},
		{"inner box at the rim", 9.4, 10.4, 3 * dt},
		{"outer box at the centre", -2.5, 2.5, 15 * dt},
		{"outer box mid-disk", 3, 8, 15 * dt},
		{"outer box at the rim", 7.4, 12.4, 15 * dt},
		{"outer box beyond the rim", -12.6, -7.6, 15 * dt},
		{"wide angle", 1, 2, 2.5},
	} {
		got := BoxArea(c.rho1, c.rho2, c.width, 10)
		mc, se := mcBoxArea(rng, c.rho1, c.rho2, c.width, 10, 1000000)
		if math.Abs(got-mc) > 4*se+0.01 {
			t.Errorf("%s: BoxArea %.4f, Monte Carlo %.4f +- %.4f", c.name, got, mc, se)
		}
	}
}

func TestBoxAreaLimits(t *testing.T) {
	// width 0: the strip between two chords, (R^2/2)(2u - sin 2u) per cap.
	capArea := func(h, r float64) float64 { // area of the cap beyond distance h
		u := math.Acos(h / r)
		return r * r * (u - math.Sin(u)*math.Cos(u))
	}
	for _, c := range []struct{ rho1, rho2 float64 }{{-1, 1}, {3, 4}, {9, 10}, {-10, 10}, {9.5, 12}} {
		want := capArea(math.Max(c.rho1, -10), 10) - capArea(math.Min(c.rho2, 10), 10)
		if c.rho1 < 0 {
			want = math.Pi*100 - capArea(-c.rho1, 10) - capArea(math.Min(c.rho2, 10), 10)
		}
		if got := BoxArea(c.rho1, c.rho2, 0, 10); math.Abs(got-want) > 1e-6*want {
			t.Errorf("strip [%v, %v]: %.9f, want %.9f (chord geometry)", c.rho1, c.rho2, got, want)
		}
	}
	// A full turn of theta covers every point with r >= min |rho| of the band.
	if got, want := BoxArea(3, 4, 2*math.Pi, 10), math.Pi*(100-9); math.Abs(got-want) > 1e-6*want {
		t.Errorf("full turn: %v, want %v (annulus r >= 3)", got, want)
	}
	if got := BoxArea(10.5, 11, 0.1, 10); got != 0 {
		t.Errorf("outside the disk: %v, want 0", got)
	}
}
