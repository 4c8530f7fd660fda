package stream

import (
	"math"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// roiRow is a hand-made ROI: patch, SR, window, line and sigma_L.
func roiRow(f *sky.Frame, patch, sr, pm int, theta, rho, sigma float64) ROI {
	return ROI{Patch: patch, RA0: f.RA0, Dec0: f.Dec0, SR: sr, PM: pm,
		PMPhiMin: float64(pm), PMPhiMax: float64(pm + 6), PMLambdaMin: float64(sr), PMLambdaMax: float64(sr + 6),
		Fit: Fit{Line: Line{Theta: theta, Rho: rho}, Sigma: sigma}}
}

// seedROIs returns the ROI indices of each seed.
func seedROIs(seeds []Seed) [][]int {
	var out [][]int
	for _, s := range seeds {
		out = append(out, s.ROIs)
	}
	return out
}

func TestSeeds(t *testing.T) {
	f := sky.NewFrame(150, 20)
	rois := []ROI{
		// Patch 1, window 3: SRs 0-2 agree in turn (0 -> 1 -> 2; 0 and 2
		// differ by 0.4 rad, but only neighbours are compared).
		0: roiRow(f, 1, 0, 3, 1.0, 2.0, 3),
		1: roiRow(f, 1, 1, 3, 1.2, 2.5, 4),
		2: roiRow(f, 1, 2, 3, 1.4, 3.0, 12),
		3: roiRow(f, 1, 3, 3, 1.75, 3.0, 5), // d theta 0.35 > pi/10: a new seed
		4: roiRow(f, 1, 5, 3, 1.75, 3.0, 5), // SR 4 missing: a new seed
		5: roiRow(f, 1, 6, 3, 1.75, 5.1, 5), // d rho 2.1 > 2: a new seed
		// Window 4 of patch 1, across the theta = 0 | pi seam: (0.05, 3)
		// and (pi - 0.05, -3) are the same line.
		6: roiRow(f, 1, 0, 4, 0.05, 3, 2),
		7: roiRow(f, 1, 1, 4, math.Pi-0.05, -3, 2),
		// Same window, SR and line in patch 2: its own seed.
		8: roiRow(f, 2, 1, 3, 1.2, 2.5, 4),
		// A vetoed ROI is left out and breaks the run: SR 0, (1 vetoed), 2.
		9:  roiRow(f, 3, 0, 0, 1, 1, 1),
		10: roiRow(f, 3, 1, 0, 1, 1, 1),
		11: roiRow(f, 3, 2, 0, 1, 1, 1),
	}
	rois[10].Vetoed = true
	seeds := Seeds(rois, MergeConfig{})
	want := [][]int{{0, 1, 2}, {3}, {4}, {5}, {6, 7}, {8}, {9}, {11}}
	if got := seedROIs(seeds); !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("seeds %v, want %v", got, want)
	}
	if s := seeds[0]; math.Abs(s.Sigma-13) > 1e-12 || s.NSR() != 3 || s.Best != 2 || s.SRFirst != 0 || s.SRLast != 2 {
		t.Errorf("seed 0: %+v; want sigma_tot sqrt(9 + 16 + 144) = 13, 3 SRs, best ROI 2", s)
	}
	if s := seeds[4]; math.Abs(s.Sigma-math.Sqrt(8)) > 1e-12 {
		t.Errorf("seed across the seam: sigma_tot %v, want sqrt(8)", s.Sigma)
	}
	// Looser tolerances join SR 2 and 3.
	seeds = Seeds(rois, MergeConfig{MaxDTheta: 0.4})
	if got := seeds[0].ROIs; !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("MaxDTheta 0.4: first seed %v, want [0 1 2 3]", got)
	}
}

func TestProtoClusters(t *testing.T) {
	f := sky.NewFrame(150, 20)
	rois := []ROI{
		// Patch 1. Window 3: SRs 0-3, sigma 3 each (sigma_tot 6, 4 SRs).
		0: roiRow(f, 1, 0, 3, 1.0, 2.0, 3),
		1: roiRow(f, 1, 1, 3, 1.0, 2.0, 3),
		2: roiRow(f, 1, 2, 3, 1.0, 2.0, 3),
		3: roiRow(f, 1, 3, 3, 1.0, 2.0, 3),
		// Window 4: SRs 3-4, sigma 8 and 6 (sigma_tot 10, 2 SRs); SR 3 is
		// next to window 3's SR 3 with the same line: linked.
		4: roiRow(f, 1, 3, 4, 1.1, 2.4, 8),
		5: roiRow(f, 1, 4, 4, 1.1, 2.4, 6),
		// Window 5: SR 5 only, touching window 4's SR 4 diagonally, line
		// agreeing: linked (the chain 3-4-5 is one proto-cluster).
		6: roiRow(f, 1, 5, 5, 1.2, 2.8, 2),
		// Window 6: SR 5, line off by 1 rad: not linked.
		7: roiRow(f, 1, 5, 6, 2.2, 2.8, 9),
		// Window 8: not adjacent to anything.
		8: roiRow(f, 1, 4, 8, 1.0, 2.0, 9),
		// Window 2: same line but SRs 8-9, far from window 3's 0-3: not linked.
		9:  roiRow(f, 1, 8, 2, 1.0, 2.0, 1),
		10: roiRow(f, 1, 9, 2, 1.0, 2.0, 1),
		// Patch 2, window 4: same line as patch 1's but another patch.
		11: roiRow(f, 2, 3, 4, 1.0, 2.0, 3),
	}
	seeds := Seeds(rois, MergeConfig{})
	pcs := ProtoClusters(rois, seeds, MergeConfig{})
	var got [][]int
	for _, pc := range pcs {
		var r []int
		for _, s := range pc.Seeds {
			r = append(r, seeds[s].ROIs...)
		}
		slices.Sort(r)
		got = append(got, r)
	}
	slices.SortFunc(got, func(a, b []int) int { return a[0] - b[0] })
	want := [][]int{{0, 1, 2, 3, 4, 5, 6}, {7}, {8}, {9, 10}, {11}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("proto-clusters %v, want %v", got, want)
	}
	var big *ProtoCluster
	for k := range pcs {
		if len(pcs[k].Seeds) == 3 {
			big = &pcs[k]
		}
	}
	// Its best seed is window 4's (sigma_tot 10 > 6 > 2); N_SR is the size
	// of its largest seed, window 3's (4 SRs); the best seed has 2.
	if big == nil || math.Abs(big.Sigma-10) > 1e-12 || big.NSR != 4 || big.BestNSR != 2 ||
		big.ROI != 4 || big.Line != (Line{1.1, 2.4}) || big.NROI != 7 ||
		big.PMFirst != 3 || big.PMLast != 5 || big.SRFirst != 0 || big.SRLast != 5 {
		t.Errorf("proto-cluster %+v; want sigma 10, N_SR 4, best N_SR 2, line of ROI 4, 7 ROIs, PM 3-5, SR 0-5", big)
	}
}

// circleLine returns the patch-frame line of frame f through the two points
// of the great circle of pole n at +-8 degrees from its point nearest the
// patch centre.
func circleLine(f *sky.Frame, n vec) Line {
	c := unit(f.RA0, f.Dec0)
	k := c.dot(n)
	q := vec{c[0] - k*n[0], c[1] - k*n[1], c[2] - k*n[2]}.normalized()
	d := n.cross(q)
	s, co := math.Sincos(8 * deg)
	p1 := vec{q[0]*co - d[0]*s, q[1]*co - d[1]*s, q[2]*co - d[2]*s}
	p2 := vec{q[0]*co + d[0]*s, q[1]*co + d[1]*s, q[2]*co + d[2]*s}
	x1, y1 := f.Position(lonLat(p1))
	x2, y2 := f.Position(lonLat(p2))
	th := math.Atan2(y2-y1, x2-x1)
	return Line{Theta: th, Rho: x1*math.Sin(th) - y1*math.Cos(th)}.Canonical()
}

// rotatedPole returns pole n turned by a degrees about the axis a.
func rotatedPole(n, axis vec, a float64) vec {
	s, c := math.Sincos(a * deg)
	k := axis.cross(n)
	d := axis.dot(n)
	return vec{n[0]*c + k[0]*s + axis[0]*d*(1-c), n[1]*c + k[1]*s + axis[1]*d*(1-c), n[2]*c + k[2]*s + axis[2]*d*(1-c)}.normalized()
}

func TestCandidates(t *testing.T) {
	// A great circle through patches A, B (12 degrees apart along it) and
	// D (40 degrees on); patch C next to A holds a line 30 degrees askew,
	// and patch E next to B a line parallel to the circle but 3 degrees off.
	pole := unit(60, 35)
	onCircle := func(along float64) (ra, dec float64) {
		// A point of the circle: start from a point on it, turn about the pole.
		start := pole.cross(unit(0, 90)).normalized()
		return lonLat(rotatedPole(start, pole, along))
	}
	frame := func(along, off float64) *sky.Frame { // a centre 'off' degrees off the circle
		ra, dec := onCircle(along)
		v := rotatedPole(unit(ra, dec), pole.cross(unit(ra, dec)).normalized(), off)
		return sky.NewFrame(lonLat(v))
	}
	fa, fb, fd := frame(10, 3), frame(22, -4), frame(62, 2)
	fc, fe := frame(8, 8), frame(24, 2)
	axisA := unit(fa.RA0, fa.Dec0)
	askew := rotatedPole(pole, axisA, 30)
	// The circle 3 degrees off: turn the pole 3 degrees towards E's centre.
	ce := unit(fe.RA0, fe.Dec0)
	offPole := rotatedPole(pole, pole.cross(ce).normalized(), -3)
	// Each patch: one proto-cluster of 3 SRs in window 0 with sigma_L 6
	// (sigma_tot 10.4, N_SR 3), except where said.
	var rois []ROI
	add := func(f *sky.Frame, patch int, l Line, sigma float64, nsr int) {
		for sr := range nsr {
			rois = append(rois, roiRow(f, patch, sr, 0, l.Theta, l.Rho, sigma))
		}
	}
	add(fa, 1, circleLine(fa, pole), 6, 3)
	add(fb, 2, circleLine(fb, pole), 7, 3)
	add(fd, 4, circleLine(fd, pole), 6, 3)
	add(fc, 3, circleLine(fc, askew), 6, 3)
	add(fe, 5, circleLine(fe, offPole), 6, 3)
	// Cut: patch 6 on the circle between A and B, N_SR 2 (sigma 9 each).
	add(frame(16, 0), 6, circleLine(frame(16, 0), pole), 9, 2)
	// Cut: patch 7 on the circle, sigma_tot 4.6 * sqrt(3) = 7.97.
	add(frame(4, 1), 7, circleLine(frame(4, 1), pole), 4.6, 3)
	seeds := Seeds(rois, MergeConfig{})
	pcs := ProtoClusters(rois, seeds, MergeConfig{})
	cands := Candidates(rois, seeds, pcs, MergeConfig{})
	var got [][]int
	for _, c := range cands {
		got = append(got, c.Patches)
	}
	// Sorted by decreasing sigma: {A, B} has B's 12.1.
	want := [][]int{{1, 2}, {3}, {4}, {5}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("candidates by patch %v, want %v", got, want)
	}
	ab := cands[0]
	if math.Abs(ab.Sigma-7*math.Sqrt(3)) > 1e-9 || ab.NSR != 3 || ab.NROI != 6 || len(ab.Lines) != 2 {
		t.Errorf("candidate A+B: %+v", ab)
	}
	// Its pole is the circle's, up to the flat-line approximation in each
	// patch (the lines join points 16 degrees apart on the circle).
	if a := axisAngle(unit(ab.PoleRA, ab.PoleDec), pole); a > 0.5 {
		t.Errorf("candidate pole (%v, %v) is %.3f degrees from the circle's", ab.PoleRA, ab.PoleDec, a)
	}
	if l, b := sky.ICRSToGalactic(ab.PoleRA, ab.PoleDec); math.Abs(l-ab.PoleL) > 1e-9 || math.Abs(b-ab.PoleB) > 1e-9 {
		t.Errorf("Galactic pole (%v, %v), want (%v, %v)", ab.PoleL, ab.PoleB, l, b)
	}
	for _, pl := range ab.Lines {
		// The chord ends lie on the circle to within the flat-line error.
		for _, p := range [][2]float64{{pl.RA1, pl.Dec1}, {pl.RA2, pl.Dec2}} {
			if d := math.Abs(90 - angle(unit(p[0], p[1]), pole)); d > 0.5 {
				t.Errorf("patch %d: chord end %v is %.3f degrees off the circle", pl.Patch, p, d)
			}
		}
		if pl.PMPhiMin != 0 || pl.PMPhiMax != 6 || pl.PMLambdaMin != 0 || pl.PMLambdaMax != 8 {
			t.Errorf("patch %d: windows %+v", pl.Patch, pl)
		}
	}
	// Without the cuts, patches 6 and 7 join A and B.
	cands = Candidates(rois, seeds, pcs, MergeConfig{MinNSR: -1, MinSigma: -1})
	if got := cands[0].Patches; !slices.Equal(got, []int{1, 2, 6, 7}) {
		t.Errorf("without cuts: first candidate in patches %v, want [1 2 6 7]", got)
	}
	// A pole tolerance of 35 degrees lets the askew line of C pass the
	// pole test, but its chord still leaves A's line by more than 2 degrees.
	cands = Candidates(rois, seeds, pcs, MergeConfig{PoleTol: 35})
	if got := cands[0].Patches; !slices.Equal(got, []int{1, 2}) {
		t.Errorf("PoleTol 35: first candidate in patches %v, want [1 2]", got)
	}
	// And a 4-degree offset allowance merges E's parallel line.
	cands = Candidates(rois, seeds, pcs, MergeConfig{MaxOffset: 4})
	if got := cands[0].Patches; !slices.Equal(got, []int{1, 2, 5}) {
		t.Errorf("MaxOffset 4: first candidate in patches %v, want [1 2 5]", got)
	}
}
