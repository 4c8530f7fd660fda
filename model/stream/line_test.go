package stream

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

func TestLineCanonicalDiff(t *testing.T) {
	for _, c := range []struct {
		in, want Line
	}{
		{Line{1, 2}, Line{1, 2}},
		{Line{1 + math.Pi, 2}, Line{1, -2}},
		{Line{1 - math.Pi, 2}, Line{1, -2}},
		{Line{1 + 2*math.Pi, 2}, Line{1, 2}},
		{Line{-0.1, 3}, Line{math.Pi - 0.1, -3}},
		{Line{math.Pi, 3}, Line{0, -3}},
	} {
		got := c.in.Canonical()
		if math.Abs(got.Theta-c.want.Theta) > 1e-12 || math.Abs(got.Rho-c.want.Rho) > 1e-12 {
			t.Errorf("%+v.Canonical() = %+v, want %+v", c.in, got, c.want)
		}
	}
	// Footnote 9 of the paper: (rho, theta) ~ (-rho, theta +- pi).
	for _, c := range []struct {
		a, b         Line
		dTheta, dRho float64
	}{
		{Line{0.05, 3}, Line{math.Pi - 0.05, -3.5}, 0.1, -0.5}, // image (-0.05, 3.5)
		{Line{math.Pi - 0.05, 3}, Line{0.05, -3}, -0.1, 0},
		{Line{1, 1}, Line{1.2, 1.5}, -0.2, -0.5},
	} {
		dt, dr := c.a.Diff(c.b)
		if math.Abs(dt-c.dTheta) > 1e-12 || math.Abs(dr-c.dRho) > 1e-12 {
			t.Errorf("%+v.Diff(%+v) = %v, %v; want %v, %v", c.a, c.b, dt, dr, c.dTheta, c.dRho)
		}
	}
	if !(Line{0.05, 3}).Agrees(Line{math.Pi - 0.05, -3.5}, math.Pi/10, 2) {
		t.Error("lines across theta = 0 do not agree")
	}
	if (Line{1, 1}).Agrees(Line{1, 3.5}, math.Pi/10, 2) || (Line{1, 1}).Agrees(Line{1.4, 1}, math.Pi/10, 2) {
		t.Error("discordant lines agree")
	}
}

func TestLineGeometry(t *testing.T) {
	l := Line{Theta: 0.7, Rho: 3}
	// Every point of the line satisfies eq. 5.
	for _, s := range []float64{-5, 0, 2.5} {
		p, q := l.Point(s)
		if r := p*math.Sin(l.Theta) - q*math.Cos(l.Theta); math.Abs(r-l.Rho) > 1e-12 {
			t.Errorf("Point(%v) has rho %v, want %v", s, r, l.Rho)
		}
	}
	p, q := l.Foot()
	if d := math.Hypot(p, q); math.Abs(d-3) > 1e-12 {
		t.Errorf("foot at distance %v, want 3", d)
	}
	p1, q1, p2, q2, ok := l.Chord(10)
	if !ok || math.Abs(math.Hypot(p1, q1)-10) > 1e-12 || math.Abs(math.Hypot(p2, q2)-10) > 1e-12 {
		t.Errorf("chord ends (%v, %v), (%v, %v) not on the circle", p1, q1, p2, q2)
	}
	if _, _, _, _, ok := (Line{Theta: 1, Rho: 10.5}).Chord(10); ok {
		t.Error("a line outside the disk has a chord")
	}
}

func TestLinePoleAnalytic(t *testing.T) {
	// Each case: a frame, a patch-frame line and the pole of its great
	// circle worked out by hand.
	tanMax := func(lat, lon float64) float64 { // latitude of the top of the great circle through (+-lon, lat)
		return math.Atan(math.Tan(lat*deg)/math.Cos(lon*deg)) * rad
	}
	for _, c := range []struct {
		name             string
		ra0, dec0        float64
		l                Line
		wantRA, wantDec  float64
		wantL, wantB     float64 // Galactic, when checked
		checkGal         bool
		span, tolDegrees float64
	}{
		// theta = pi/2: the line phi = rho, a meridian of the frame. With
		// the frame centred on the equator it is the ICRS meridian ra = ra0
		// + rho, run south to north; its pole is at (ra0 + rho - 90, 0).
		{name: "meridian", ra0: 40, dec0: 0, l: Line{Theta: math.Pi / 2, Rho: 3}, wantRA: 40 + 3 - 90 + 360, wantDec: 0},
		{name: "meridian, negative rho", ra0: 200, dec0: 0, l: Line{Theta: math.Pi / 2, Rho: -7}, wantRA: 200 - 7 - 90, wantDec: 0},
		// theta = 0, rho = 0: the frame's equator, run east; its pole is the
		// frame's north pole, at ICRS (ra0 + 180, 90 - dec0).
		{name: "frame equator", ra0: 148.6, dec0: 24.2, l: Line{Theta: 0, Rho: 0}, wantRA: 148.6 + 180, wantDec: 90 - 24.2},
		// The frame's north pole is 90 degrees north of the centre along its
		// meridian: from (10, -60) that is (10, 30).
		{name: "frame equator south", ra0: 10, dec0: -60, l: Line{Theta: 0, Rho: 0}, wantRA: 10, wantDec: 30},
		// theta = 0, rho = -3: the line lambda = 3 from phi = -10 to 10; the
		// great circle through (+-10, 3) tops out at latitude
		// atan(tan 3 / cos 10) at phi = 0, so its pole is at (180, 90 - that).
		{name: "offset parallel", ra0: 0, dec0: 0, l: Line{Theta: 0, Rho: -3}, wantRA: 180, wantDec: 90 - tanMax(3, 10)},
	} {
		span := c.span
		if span == 0 {
			span = PoleSpan
		}
		ra, dec := c.l.Pole(sky.NewFrame(c.ra0, c.dec0), span)
		want := unit(c.wantRA, c.wantDec)
		if a := angle(unit(ra, dec), want); a > 1e-9 {
			t.Errorf("%s: pole (%v, %v), want (%v, %v): %.3g degrees off", c.name, ra, dec, c.wantRA, c.wantDec, a)
		}
	}
}

func TestLinePoleGalacticPlane(t *testing.T) {
	// A frame centred on a point (l0, 0) of the Galactic equator; the
	// equator's points at l0 -+ 10 are (phi, lambda) and (-phi, -lambda) in
	// the frame (the half-turn about the centre keeps the plane), so the
	// line through them passes through the centre, and with span equal to
	// their distance Pole uses exactly those two points: the pole is the
	// Galactic pole, b = +-90.
	for _, l0 := range []float64{0, 75, 210, 300} {
		ra0, dec0 := sky.GalacticToICRS(l0, 0)
		f := sky.NewFrame(ra0, dec0)
		ra1, dec1 := sky.GalacticToICRS(l0+10, 0)
		p1, q1 := f.Position(ra1, dec1)
		line := Line{Theta: math.Atan2(q1, p1), Rho: 0}
		_, b := line.PoleGalactic(f, math.Hypot(p1, q1))
		if math.Abs(math.Abs(b)-90) > 1e-9 {
			t.Errorf("l0 %v: pole at b %v, want +-90", l0, b)
		}
		// The canonical form is the same circle, with the opposite pole.
		_, bc := line.Canonical().PoleGalactic(f, math.Hypot(p1, q1))
		if math.Abs(math.Abs(bc)-90) > 1e-9 {
			t.Errorf("l0 %v: canonical pole at b %v, want +-90", l0, bc)
		}
	}
}

func TestLineEnds(t *testing.T) {
	f := sky.NewFrame(0, 0)
	// theta = pi/2, rho = 6 in a frame on (0, 0): the meridian ra = 6 from
	// dec -8 to dec 8 (6^2 + 8^2 = 10^2).
	ra1, dec1, ra2, dec2, ok := Line{Theta: math.Pi / 2, Rho: 6}.Ends(f, 10)
	if !ok || math.Abs(ra1-6) > 1e-9 || math.Abs(dec1+8) > 1e-9 || math.Abs(ra2-6) > 1e-9 || math.Abs(dec2-8) > 1e-9 {
		t.Errorf("ends (%v, %v), (%v, %v), want (6, -8), (6, 8)", ra1, dec1, ra2, dec2)
	}
}

// TestFitLineRecoversALine: points scattered 0.01 deg across a line of
// known (theta, rho) give back that line; fewer than two points, none.
func TestFitLineRecoversALine(t *testing.T) {
	want := Line{Theta: 0.3, Rho: 1.2}.Canonical()
	s, c := math.Sincos(want.Theta)
	var x, y []float64
	for i := 0; i < 200; i++ {
		u := -5 + 10*float64(i)/199 // along the line
		off := 0.01 * math.Sin(float64(7*i))
		// A point on the line: (x, y) = rho (sin, -cos) + u (cos, sin).
		x = append(x, want.Rho*s+u*c+off*s)
		y = append(y, -want.Rho*c+u*s-off*c)
	}
	got, ok := FitLine(x, y)
	dt, dr := got.Diff(want)
	if !ok || math.Abs(dt) > 1e-3 || math.Abs(dr) > 1e-2 {
		t.Errorf("fitted %+v, want %+v", got, want)
	}
	if _, ok := FitLine(x[:1], y[:1]); ok {
		t.Error("a line through one point")
	}
}
