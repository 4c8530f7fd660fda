package stream

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// galLine returns the patch-frame line of f through the Galactic points
// (l1, b1) and (l2, b2).
func galLine(f *sky.Frame, l1, b1, l2, b2 float64) Line {
	x1, y1 := f.Position(sky.GalacticToICRS(l1, b1))
	x2, y2 := f.Position(sky.GalacticToICRS(l2, b2))
	th := math.Atan2(y2-y1, x2-x1)
	return Line{Theta: th, Rho: x1*math.Sin(th) - y1*math.Cos(th)}.Canonical()
}

func TestEdgeVeto(t *testing.T) {
	for _, c := range []struct {
		name           string
		lc, bc         float64 // patch centre, Galactic
		l1, b1, l2, b2 float64 // two points of the line, Galactic
		want           bool
	}{
		// A patch at b = 40: a line along b = 30.3 (9.7 degrees towards the
		// disk, parallel to it) is vetoed.
		{"disk side, parallel", 90, 40, 87, 30.3, 93, 30.3, true},
		{"disk side, parallel, south", 200, -45, 197, -35.3, 203, -35.3, true},
		// The same on the far side of the patch is not.
		{"far side, parallel", 90, 40, 87, 49.7, 93, 49.7, false},
		// Nearer the centre (|rho| 9.0 < 9.5): kept.
		{"disk side, rho 9", 90, 40, 87, 31, 93, 31, false},
	} {
		f := sky.NewFrame(sky.GalacticToICRS(c.lc, c.bc))
		l := galLine(f, c.l1, c.b1, c.l2, c.b2)
		if math.Abs(math.Abs(l.Rho)-9.5) < 0.1 {
			t.Fatalf("%s: |rho| %v too close to the threshold for the case to mean anything", c.name, l.Rho)
		}
		if got := (EdgeVeto{}).Vetoes(l, f); got != c.want {
			t.Errorf("%s: line %+v: vetoed %v, want %v", c.name, l, got, c.want)
		}
		if (EdgeVeto{Off: true}).Vetoes(l, f) {
			t.Errorf("%s: vetoed with the veto off", c.name)
		}
	}
}

func TestEdgeVetoSlope(t *testing.T) {
	// Lines at |rho| = 9.7 whose foot is turned by delta from the direction
	// of the disk (so the line is turned by delta from the disk's
	// parallels): vetoed for a small turn, kept for a large one. In raw
	// (l, b) at b ~ 31 the slope is about atan(tan(delta) cos b).
	f := sky.NewFrame(sky.GalacticToICRS(90, 40))
	x, y := f.Position(sky.GalacticToICRS(90, 30)) // towards the disk
	psi := math.Atan2(y, x)
	for _, c := range []struct {
		delta float64
		want  bool
	}{{0, true}, {0.1, true}, {-0.15, true}, {0.3, false}, {-0.5, false}, {1.2, false}} {
		l := Line{Theta: psi + c.delta + math.Pi/2, Rho: 9.7}
		if fx, fy := l.Foot(); math.Abs(math.Hypot(fx, fy)-9.7) > 1e-12 {
			t.Fatalf("foot at %v", math.Hypot(fx, fy))
		}
		if got := (EdgeVeto{}).Vetoes(l.Canonical(), f); got != c.want {
			t.Errorf("delta %v: vetoed %v, want %v", c.delta, got, c.want)
		}
	}
}

func TestEdgeVetoApply(t *testing.T) {
	f := sky.NewFrame(sky.GalacticToICRS(90, 40))
	rois := []ROI{
		{RA0: f.RA0, Dec0: f.Dec0, Fit: Fit{Line: galLine(f, 87, 30.3, 93, 30.3)}}, // disk side: vetoed
		{RA0: f.RA0, Dec0: f.Dec0, Fit: Fit{Line: galLine(f, 87, 49.7, 93, 49.7)}}, // far side: kept
		{RA0: f.RA0, Dec0: f.Dec0, Fit: Fit{Line: Line{Theta: 1, Rho: 0}}, Vetoed: true},
	}
	if n := (EdgeVeto{}).Apply(rois); n != 1 || !rois[0].Vetoed || rois[1].Vetoed || rois[2].Vetoed {
		t.Errorf("Apply: %d vetoed, flags %v %v %v; want 1, true false false", n, rois[0].Vetoed, rois[1].Vetoed, rois[2].Vetoed)
	}
}
