package dust

import (
	"bufio"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// sightLine is one block of testdata/argonaut_output_v1.txt: real Bayestar15
// values from argonaut.skymaps.info (see testdata/README.md).
type sightLine struct {
	l, b, ra, dec float64
	dmMin, dmMax  float64
	converged     bool
	dm            []float64
	best          []float64
	samples       [][]float64 // [sample][DM]
}

func readArgonaut(t testing.TB) []sightLine {
	t.Helper()
	fh, err := os.Open("testdata/argonaut_output_v1.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []sightLine
	var cur *sightLine
	floats := func(s string) []float64 {
		var v []float64
		for _, f := range strings.Fields(s) {
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("argonaut: %q: %v", f, err)
			}
			v = append(v, x)
		}
		return v
	}
	num := func(line string) float64 {
		f := strings.Fields(line)
		x, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("argonaut: %q: %v", line, err)
		}
		return x
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# Line-of-Sight Reddening Results"):
			out = append(out, sightLine{})
			cur = &out[len(out)-1]
		case strings.HasPrefix(line, "#     l ="):
			cur.l = num(line)
		case strings.HasPrefix(line, "#     b ="):
			cur.b = num(line)
		case strings.HasPrefix(line, "#     ra ="):
			cur.ra = num(line)
		case strings.HasPrefix(line, "#     dec ="):
			cur.dec = num(line)
		case strings.HasPrefix(line, "#     min:"):
			cur.dmMin = num(line)
		case strings.HasPrefix(line, "#     max:"):
			cur.dmMax = num(line)
		case strings.HasPrefix(line, "# Fit converged:"):
			cur.converged = strings.HasSuffix(line, "True")
		case strings.Contains(line, "|") && !strings.HasPrefix(line, "#"):
			head, rest, _ := strings.Cut(line, "|")
			head = strings.TrimSpace(head)
			switch {
			case head == "SampleNo":
			case head == "":
				cur.dm = floats(rest)
			case head == "BestFit":
				cur.best = floats(rest)
			default:
				cur.samples = append(cur.samples, floats(rest))
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 8 {
		t.Fatalf("argonaut: %d sight lines, want 8", len(out))
	}
	for i, s := range out {
		if len(s.dm) != 31 || len(s.best) != 31 || len(s.samples) != 20 {
			t.Fatalf("argonaut sight line %d: %d DM, %d best, %d samples", i, len(s.dm), len(s.best), len(s.samples))
		}
	}
	return out
}

// argonautNside gives each sight line its own nside, so that the eight
// pixels form a multi-resolution map (the same as io/dustfile's fixture).
var argonautNside = []int32{512, 256, 1024, 128, 64, 512, 1024, 256}

// argonautGrid builds a Bayestar15 map of one pixel per sight line.
func argonautGrid(t testing.TB, lines []sightLine) Grid {
	g := Grid{Version: "bayestar2015", DM: lines[0].dm, NumSamples: 20}
	for i, s := range lines {
		g.NSide = append(g.NSide, argonautNside[i])
		g.Pixel = append(g.Pixel, sky.NestedPixel(int64(argonautNside[i]), s.l, s.b))
		g.DMReliableMin = append(g.DMReliableMin, float32(s.dmMin))
		g.DMReliableMax = append(g.DMReliableMax, float32(s.dmMax))
		g.Converged = append(g.Converged, s.converged)
		for k := range s.dm {
			g.Best = append(g.Best, float32(s.best[k]))
			for _, smp := range s.samples {
				g.Samples = append(g.Samples, float32(smp[k]))
			}
		}
	}
	return g
}

func distOf(dm float64) float64 { return math.Pow(10, dm/5+1) }

func f32(v float64) float64 { return float64(float32(v)) }

// median and population standard deviation, as numpy's median and std.
func medianStd(v []float64) (med, mean, std float64) {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		med = s[n/2]
	} else {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	for _, x := range s {
		mean += x
	}
	mean /= float64(n)
	for _, x := range s {
		std += (x - mean) * (x - mean)
	}
	return med, mean, math.Sqrt(std / float64(n))
}

// TestArgonaut reproduces the real Bayestar15 values of the eight Argonaut
// sight lines: every sample and the best fit at every grid point, and the
// dustmaps rules between the grid points (linear in distance modulus), inside
// the first one (proportional to distance) and past the last one.
func TestArgonaut(t *testing.T) {
	lines := readArgonaut(t)
	m, err := NewBayestar(argonautGrid(t, lines))
	if err != nil {
		t.Fatal(err)
	}
	if m.Units() != Bayestar15Units {
		t.Errorf("units %v", m.Units())
	}
	const tol = 1e-12 // the values are float32; the distances round-trip through log10
	var maxErr float64
	check := func(what string, got, want float64) {
		t.Helper()
		d := math.Abs(got - want)
		maxErr = max(maxErr, d)
		if !(d <= tol) {
			t.Errorf("%s = %.9g, want %.9g", what, got, want)
		}
	}
	type query struct {
		name string
		dm   float64
		want func(v []float64) float64 // from the 31 values of one profile
	}
	var queries []query
	for k := 0; k < 31; k++ {
		k := k
		queries = append(queries, query{"grid point " + strconv.Itoa(k), 4 + 0.5*float64(k),
			func(v []float64) float64 { return f32(v[k]) }})
	}
	for k := 0; k < 30; k++ {
		k := k
		for _, a := range []float64{0.5, 0.2} { // a: fraction of the way to the next point
			queries = append(queries, query{"between " + strconv.Itoa(k), 4 + 0.5*(float64(k)+a),
				func(v []float64) float64 { return (1-a)*f32(v[k]) + a*f32(v[k+1]) }})
		}
	}
	for _, dm := range []float64{3.9, 3, 0, -5} {
		dm := dm
		queries = append(queries, query{"inside the first point", dm,
			func(v []float64) float64 { return math.Pow(10, 0.2*(dm-4)) * f32(v[0]) }})
	}
	for _, dm := range []float64{19.2, 20, 25} {
		queries = append(queries, query{"past the last point", dm,
			func(v []float64) float64 { return f32(v[30]) }})
	}
	n := 0
	for i, s := range lines {
		for _, q := range queries {
			d := distOf(q.dm)
			var vals []float64
			for k, smp := range s.samples {
				p := m.At(s.l, s.b, d, DrawFor(k, 20))
				if p.Index != k {
					t.Fatalf("draw for sample %d chose %d", k, p.Index)
				}
				want := q.want(smp)
				check(q.name+" sample", p.Sample, want)
				vals = append(vals, want)
				n++
			}
			p := m.At(s.l, s.b, d, 0)
			check(q.name+" best", p.Best, q.want(s.best))
			med, mean, std := medianStd(vals)
			check(q.name+" median", p.Median, med)
			check(q.name+" mean", p.Mean, mean)
			check(q.name+" std", p.Std, std)
			wantFlags := Covered | Converged
			if q.dm >= f32(s.dmMin) && q.dm <= f32(s.dmMax) {
				wantFlags |= Reliable
			}
			if p.Flags != wantFlags {
				t.Errorf("sight line %d, DM %v: flags %b, want %b", i, q.dm, p.Flags, wantFlags)
			}
		}
		// No dust at the observer.
		if p := m.At(s.l, s.b, 0, 0); p.Median != 0 || p.Best != 0 || p.Flags&Covered == 0 {
			t.Errorf("sight line %d at 0 pc: %+v", i, p)
		}
		if p := m.At(s.l, s.b, math.NaN(), 0); !math.IsNaN(p.Median) || p.Flags&Reliable != 0 {
			t.Errorf("sight line %d at NaN pc: %+v", i, p)
		}
	}
	// dustmaps' test_equ_med_far: the median at 1000 kpc is the median of
	// the last column.
	for i, s := range lines {
		var last []float64
		for _, smp := range s.samples {
			last = append(last, f32(smp[30]))
		}
		med, _, _ := medianStd(last)
		if p := m.At(s.l, s.b, 1e6, 0); p.Median != med {
			t.Errorf("sight line %d far median %v, want %v", i, p.Median, med)
		}
	}
	t.Logf("%d sample values at 8 sight lines x %d distances reproduced; largest error %.2g", n, len(queries), maxErr)
}

// Directions between the eight pixels are holes.
func TestArgonautHoles(t *testing.T) {
	lines := readArgonaut(t)
	m, err := NewBayestar(argonautGrid(t, lines))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range lines {
		// Two degrees away is outside even the nside-64 pixel (0.9 deg wide).
		p := m.At(s.l, s.b-2, 1000, 0)
		if p.Flags != 0 || !math.IsNaN(p.Median) || !math.IsNaN(p.Sample) || !math.IsNaN(p.Best) {
			t.Errorf("sight line %d moved 2 deg south: %+v, want uncovered NaNs", i, p)
		}
		if got := m.Pixel(s.l, s.b); got != i {
			t.Errorf("sight line %d in row %d", i, got)
		}
	}
}
