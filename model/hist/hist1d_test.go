package hist

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestHist1DAdd(t *testing.T) {
	h := NewHist1D(0, 1, 4) // edges 0, 0.25, 0.5, 0.75, 1
	for _, c := range []struct{ x, w float64 }{
		{0, 1}, {0.25, 2}, {0.2499, 1}, {0.99, 3}, {1, 5}, {-0.1, 7}, {math.NaN(), 11},
		{0.5, math.NaN()}, {0.5, math.Inf(1)},
	} {
		h.Add(c.x, c.w)
	}
	// By hand from the bins [0,0.25) [0.25,0.5) [0.5,0.75) [0.75,1).
	want := []float64{2, 2, 0, 3}
	if !reflect.DeepEqual(h.Counts, want) {
		t.Errorf("Counts = %v, want %v", h.Counts, want)
	}
	if h.Under != 7 || h.Over != 5 || h.NaN != 11 || h.BadWeight != 2 || h.Entries != 9 {
		t.Errorf("Under, Over, NaN, BadWeight, Entries = %v %v %v %v %v, want 7 5 11 2 9",
			h.Under, h.Over, h.NaN, h.BadWeight, h.Entries)
	}
	if h.Sum() != 7 || h.Total() != 30 {
		t.Errorf("Sum, Total = %v, %v, want 7, 30", h.Sum(), h.Total())
	}
	if got := h.Edges(); !reflect.DeepEqual(got, []float64{0, 0.25, 0.5, 0.75, 1}) {
		t.Errorf("Edges = %v", got)
	}
	if got := h.Centres(); !reflect.DeepEqual(got, []float64{0.125, 0.375, 0.625, 0.875}) {
		t.Errorf("Centres = %v", got)
	}
	if h.Bin(0.3) != 1 || h.Bin(1) != -1 || h.Bin(math.NaN()) != -1 || h.Bin(-1) != -1 {
		t.Errorf("Bin(0.3, 1, NaN, -1) = %d %d %d %d, want 1 -1 -1 -1",
			h.Bin(0.3), h.Bin(1), h.Bin(math.NaN()), h.Bin(-1))
	}
	d := h.Density()
	var integral float64
	for _, v := range d {
		integral += v * h.Width()
	}
	if math.Abs(integral-1) > 1e-15 {
		t.Errorf("Density integrates to %v, want 1", integral)
	}
}

// TestBinAgreesWithEdges checks edge(k) <= x < edge(k+1) for random x and
// ranges whose division rounds (0.1 steps), and for x exactly on edges.
func TestBinAgreesWithEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, a := range []axis{{-0.3, 0.7, 10}, {-1, 4, 100}, {0.1, 0.7, 3}, {-4.2, 2.1, 630}} {
		e := a.edges()
		check := func(x float64) {
			k := a.bin(x)
			if k < 0 || k >= a.n {
				t.Fatalf("%v: x = %v in range gave bin %d", a, x, k)
			}
			if !(e[k] <= x && x < e[k+1]) {
				t.Fatalf("%v: x = %v in bin %d = [%v, %v)", a, x, k, e[k], e[k+1])
			}
		}
		for i := 0; i < 100000; i++ {
			check(a.lo + rng.Float64()*(a.hi-a.lo))
		}
		for _, x := range e[:a.n] {
			check(x)
			check(math.Nextafter(x, math.Inf(1)))
		}
		for _, x := range e[1:] {
			if k := a.bin(math.Nextafter(x, math.Inf(-1))); k < 0 || e[k+1] <= math.Nextafter(x, math.Inf(-1)) {
				t.Fatalf("%v: just below edge %v gave bin %d", a, x, k)
			}
		}
	}
}

func TestHist1DMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	all := NewHist1D(-2, 2, 40)
	parts := []*Hist1D{NewHist1D(-2, 2, 40), NewHist1D(-2, 2, 40), NewHist1D(-2, 2, 40)}
	for i := 0; i < 3000; i++ {
		x := rng.NormFloat64()
		if i%97 == 0 {
			x = math.NaN()
		}
		// Integer weights keep the sums exact in any order.
		w := float64(rng.IntN(4))
		all.Add(x, w)
		parts[i%3].Add(x, w)
	}
	var m Hist1D // the zero value becomes a copy of the first
	for _, p := range parts {
		m.Merge(p)
	}
	if !reflect.DeepEqual(&m, all) {
		t.Errorf("merged = %+v\nwant %+v", m, *all)
	}
	m.Merge(&Hist1D{}) // merging the zero value changes nothing
	if !reflect.DeepEqual(&m, all) {
		t.Errorf("merging the zero value changed the histogram")
	}
	if parts[0].Entries != 1000 {
		t.Errorf("merge changed its argument")
	}
	c := all.Clone()
	c.Reset()
	if c.Sum() != 0 || c.Entries != 0 || c.N() != 40 || all.Sum() == 0 {
		t.Errorf("Reset of a clone: %+v", c)
	}
}

func TestHist1DMergePanics(t *testing.T) {
	for _, o := range []*Hist1D{NewHist1D(-2, 2, 41), NewHist1D(-2, 2.5, 40), NewHist1D(-1, 2, 40)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("merge of %v..%v/%d into -2..2/40 did not panic", o.Lo, o.Hi, o.N())
				}
			}()
			NewHist1D(-2, 2, 40).Merge(o)
		}()
	}
}

func TestNewPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"n=0":      func() { NewHist1D(0, 1, 0) },
		"lo=hi":    func() { NewHist1D(1, 1, 3) },
		"NaN":      func() { NewHist1D(math.NaN(), 1, 3) },
		"Inf":      func() { NewHist1D(0, math.Inf(1), 3) },
		"2D ny=0":  func() { NewHist2D(0, 1, 3, 0, 1, 0) },
		"2D y rev": func() { NewHist2D(0, 1, 3, 1, 0, 3) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
