package distance

import (
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

func TestUWE(t *testing.T) {
	for _, c := range []struct{ chi2, n, want float64 }{
		{300, 305, 1},                 // sqrt(300/300)
		{1200, 305, 2},                // sqrt(1200/300)
		{0, 10, 0},                    // a perfect fit
		{10, 5, math.NaN()},           // n - 5 = 0
		{math.NaN(), 100, math.NaN()}, // missing
		{-1, 100, math.NaN()},
	} {
		got := UWE(c.chi2, c.n)
		if !(got == c.want || math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("UWE(%g, %g) = %g, want %g", c.chi2, c.n, got, c.want)
		}
	}
}

// Bilinear reading of a hand-made table, its clamping, and the G-only table.
func TestU0At(t *testing.T) {
	u := &U0{G0: 10, DG: 2, NG: 3, C0: 0, DC: 1, NC: 2,
		Values: []float64{
			1.0, 1.2, // G = 10: C = 0, 1
			1.4, 1.6, // G = 12
			2.0, 2.0, // G = 14
		},
		GOnly: []float64{1, 2, 4}}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ g, c, want float64 }{
		{10, 0, 1.0},
		{11, 0.5, (1.0 + 1.2 + 1.4 + 1.6) / 4},
		{12, 0.25, 1.45},
		{13, 1, 1.8},
		{5, -3, 1.0},          // clamped below in both
		{20, 9, 2.0},          // clamped above
		{11, math.NaN(), 1.5}, // G-only
		{15, math.NaN(), 4},
	} {
		if got := u.At(c.g, c.c); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("At(%g, %g) = %g, want %g", c.g, c.c, got, c.want)
		}
	}
	if got := u.RUWE(1200, 305, 11, 0.5); math.Abs(got-2/1.3) > 1e-15 {
		t.Errorf("RUWE = %g, want %g", got, 2/1.3)
	}
	bad := *u
	bad.GOnly = bad.GOnly[:2]
	if bad.Validate() == nil {
		t.Error("short G-only table validates")
	}
}

// A builder fed UWE = u0_true(G, C) × X, with X log-normal of known 41st
// percentile exp(s Phi^-1(0.41)), must give back u0_true × that percentile
// at every node with data, fill the nodes without, merge exactly, and read
// blocks.
func TestU0Builder(t *testing.T) {
	grid := U0{G0: 12, DG: 1, NG: 4, C0: 0, DC: 1, NC: 3}
	truth := func(g, c float64) float64 { return 1 + 0.05*(g-12) + 0.1*c }
	const s = 0.15
	q41 := math.Exp(s * normalQuantile(U0Percentile))
	r := rand.New(rand.NewPCG(9, 9))
	whole, a, b := NewU0Builder(grid), NewU0Builder(grid), NewU0Builder(grid)
	var blk star.Block
	for i := 0; i < 60000; i++ {
		gi, ci := r.IntN(4), r.IntN(3)
		if gi == 3 && ci == 2 {
			continue // an empty cell, to be filled
		}
		g := 12 + float64(gi) + (r.Float64()-0.5)*0.2 // within the cell
		c := float64(ci) + (r.Float64()-0.5)*0.2
		if i%10 == 0 {
			c = math.NaN() // no colour: the G-only table
		}
		uwe := math.Exp(s * r.NormFloat64())
		if !math.IsNaN(c) {
			uwe *= truth(float64(gi)+12, float64(ci))
		} else {
			uwe *= truth(float64(gi)+12, 0)
		}
		whole.Add(g, c, uwe)
		if i%2 == 0 {
			a.Add(g, c, uwe)
		} else {
			b.Add(g, c, uwe)
		}
		if i < 200 {
			row := testStar(int64(i), 1, 0.1, g, c, 0.5)
			n := 300.0
			row.Chi2AL, row.NGoodObsAL = uwe*uwe*(n-5), n
			row.BPRP = c
			if math.IsNaN(c) {
				row.BP, row.RP = math.NaN(), math.NaN()
			}
			blk.Append(row)
		}
	}
	a.Merge(b)
	for k := range whole.Cells {
		if whole.Cells[k] != a.Cells[k] {
			t.Fatal("merged halves differ from the whole")
		}
	}
	u, err := whole.Table(0)
	if err != nil {
		t.Fatal(err)
	}
	for gi := 0; gi < 4; gi++ {
		for ci := 0; ci < 3; ci++ {
			want := truth(float64(gi)+12, float64(ci)) * q41
			if gi == 3 && ci == 2 {
				want = truth(15, 1) * q41 // filled from the nearest colour cell
			}
			got := u.Values[gi*3+ci]
			// ~5000 stars a cell: the percentile's sampling error is
			// ~0.5 %, the histogram's resolution 0.01 dex within a bin.
			if math.Abs(got/want-1) > 0.02 {
				t.Errorf("u0(G=%d, C=%d) = %.4f, want %.4f", 12+gi, ci, got, want)
			}
		}
		if got, want := u.GOnly[gi], truth(float64(gi)+12, 0)*q41; math.Abs(got/want-1) > 0.03 {
			t.Errorf("u0(G=%d) = %.4f, want %.4f", 12+gi, got, want)
		}
	}
	// AddBlock reads UWE from chi2 and n_good.
	bb := NewU0Builder(grid)
	bb.AddBlock(&blk)
	var n uint32
	for _, c := range bb.AllG {
		n += c
	}
	if int(n) != blk.Len() || n < 150 {
		t.Errorf("AddBlock counted %d stars of %d", n, blk.Len())
	}
	if _, err := NewU0Builder(grid).Table(0); err == nil {
		t.Error("empty builder: no error")
	}
	if g := NewU0Builder(U0{}).Grid; g.NG != 175 || g.NC != 111 {
		t.Errorf("default grid %+v", g)
	}
}

// NewU0 reads the published form, rows in any order, and refuses gaps.
func TestNewU0(t *testing.T) {
	var g, c, u []float64
	for _, gi := range []float64{13.2, 12.8, 13.0} {
		for _, ci := range []float64{1.0, 0.5} {
			g, c, u = append(g, gi), append(c, ci), append(u, gi/10+ci)
		}
	}
	tab, err := NewU0(g, c, u, []float64{13.0, 12.8, 13.2}, []float64{2, 1, 3})
	if err != nil {
		t.Fatal(err)
	}
	if tab.NG != 3 || tab.NC != 2 || math.Abs(tab.G0-12.8) > 1e-12 || math.Abs(tab.DG-0.2) > 1e-12 || tab.DC != 0.5 {
		t.Fatalf("grid %+v", tab)
	}
	if got := tab.At(13.1, 0.75); math.Abs(got-(1.31+0.75)) > 1e-12 {
		t.Errorf("At(13.1, 0.75) = %g, want %g", got, 1.31+0.75)
	}
	if got := tab.At(13.1, math.NaN()); math.Abs(got-2.5) > 1e-12 {
		t.Errorf("G-only At(13.1) = %g, want 2.5", got)
	}
	if _, err := NewU0(g[1:], c[1:], u[1:], []float64{13.0, 12.8, 13.2}, []float64{2, 1, 3}); err == nil {
		t.Error("a missing node: no error")
	}
	if _, err := NewU0([]float64{1, 2, 4}, []float64{0, 0, 0}, []float64{1, 1, 1}, []float64{1, 2, 4}, []float64{1, 1, 1}); err == nil {
		t.Error("uneven nodes: no error")
	}
}

// TestU0TableOfFewSources: sources spread so thin that no cell holds
// minCount of them give one u0 everywhere, the 41st percentile of all their
// unit weight errors (sorted here, against the table's histogram: within a
// bin's width); fewer than minCount sources give ErrNoData.
func TestU0TableOfFewSources(t *testing.T) {
	b := NewU0Builder(U0{})
	rng := rand.New(rand.NewPCG(4, 4))
	var uwe []float64
	for i := range 300 {
		g := 6 + 14*float64(i)/300
		c := -0.5 + 3*rng.Float64()
		u := 0.8 + 0.5*rng.Float64()
		uwe = append(uwe, u)
		b.Add(g, c, u)
	}
	u, err := b.Table(20)
	if err != nil {
		t.Fatal(err)
	}
	sort.Float64s(uwe)
	want := uwe[int(U0Percentile*float64(len(uwe)))]
	binWidth := math.Pow(10, (U0LogMax-U0LogMin)/U0Bins)
	for _, v := range append(append([]float64{}, u.Values...), u.GOnly...) {
		if v/want > binWidth || want/v > binWidth {
			t.Fatalf("u0 %v, want the 41st percentile %v", v, want)
		}
	}
	small := NewU0Builder(U0{})
	for i := range 19 {
		small.Add(10+float64(i), 1, 1)
	}
	if _, err := small.Table(20); !errors.Is(err, ErrNoData) {
		t.Errorf("19 sources: %v, want ErrNoData", err)
	}
}
