package hist

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestHist2DAdd(t *testing.T) {
	// x: [0,1) in 2 bins, y: [10,13) in 3 bins.
	h := NewHist2D(0, 1, 2, 10, 13, 3)
	h.Add(0.1, 10.5, 1)            // (0, 0)
	h.Add(0.6, 12.9, 2)            // (1, 2)
	h.Add(0.5, 11, 4)              // (1, 1): both on lower edges
	h.Add(-1, 11, 8)               // x under
	h.Add(2, 14, 16)               // x over and y over: Outside once
	h.Add(0.2, 9, 32)              // y under
	h.Add(math.NaN(), 99, 64)      // NaN
	h.Add(0.1, 10.5, math.Inf(-1)) // bad weight
	want := []float64{
		1, 0, // iy = 0
		0, 4, // iy = 1
		0, 2, // iy = 2
	}
	if !reflect.DeepEqual(h.Counts, want) {
		t.Errorf("Counts = %v, want %v", h.Counts, want)
	}
	if h.At(1, 2) != 2 || h.At(1, 1) != 4 {
		t.Errorf("At(1,2), At(1,1) = %v, %v, want 2, 4", h.At(1, 2), h.At(1, 1))
	}
	if h.Outside != 56 || h.XUnder != 8 || h.XOver != 16 || h.YUnder != 32 || h.YOver != 16 {
		t.Errorf("Outside, XUnder, XOver, YUnder, YOver = %v %v %v %v %v, want 56 8 16 32 16",
			h.Outside, h.XUnder, h.XOver, h.YUnder, h.YOver)
	}
	if h.NaN != 64 || h.BadWeight != 1 || h.Entries != 8 || h.Total() != 127 {
		t.Errorf("NaN, BadWeight, Entries, Total = %v %v %v %v, want 64 1 8 127", h.NaN, h.BadWeight, h.Entries, h.Total())
	}
	if ix, iy, ok := h.Bin(0.7, 10.2); ix != 1 || iy != 0 || !ok {
		t.Errorf("Bin(0.7, 10.2) = %d %d %v", ix, iy, ok)
	}
	if _, _, ok := h.Bin(0.7, 13); ok {
		t.Errorf("Bin(0.7, 13) is in the box")
	}
	if got := h.YEdges(); !reflect.DeepEqual(got, []float64{10, 11, 12, 13}) {
		t.Errorf("YEdges = %v", got)
	}
	if got := h.XCentres(); !reflect.DeepEqual(got, []float64{0.25, 0.75}) {
		t.Errorf("XCentres = %v", got)
	}
	var integral float64
	for _, v := range h.Density() {
		integral += v * h.XWidth() * h.YWidth()
	}
	if math.Abs(integral-1) > 1e-15 {
		t.Errorf("Density integrates to %v", integral)
	}
}

func TestHist2DMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	mk := func() *Hist2D { return NewHist2D(-0.5, 3, 35, -5, 15, 80) }
	all := mk()
	parts := []*Hist2D{mk(), mk()}
	for i := 0; i < 5000; i++ {
		x, y := 1+rng.NormFloat64(), 5+4*rng.NormFloat64()
		all.Add(x, y, 1)
		parts[i%2].Add(x, y, 1)
	}
	var m Hist2D
	m.Merge(parts[0])
	m.Merge(parts[1])
	if !reflect.DeepEqual(&m, all) {
		t.Errorf("merged differs from filled at once")
	}
	if m.Total() != 5000 {
		t.Errorf("Total = %v, want 5000", m.Total())
	}
	defer func() {
		if recover() == nil {
			t.Errorf("merge of another binning did not panic")
		}
	}()
	m.Merge(NewHist2D(-0.5, 3, 35, -5, 15, 81))
}

func TestFillLengths(t *testing.T) {
	h := NewHist2D(0, 1, 2, 0, 1, 2)
	h.Fill([]float64{0.1, 0.9}, []float64{0.1, 0.9}, nil)
	if h.Sum() != 2 {
		t.Errorf("Fill: Sum = %v", h.Sum())
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Fill with a short y did not panic")
		}
	}()
	h.Fill([]float64{0.1, 0.9}, []float64{0.1}, nil)
}

func BenchmarkHist2DAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 4096
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = 1+rng.NormFloat64(), 5+4*rng.NormFloat64()
	}
	h := NewHist2D(-0.5, 3, 350, -5, 15, 400)
	b.ReportAllocs()
	for b.Loop() {
		h.Fill(x, y, nil)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "points/s")
}
