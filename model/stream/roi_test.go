package stream

import (
	"math"
	"slices"
	"testing"
)

// star is one row of a hand-made search region.
type star struct{ phi, lambda, pmPhi, pmLambda, g, bpRP, r float64 }

func table(rows []star) Stars {
	var s Stars
	for _, r := range rows {
		s.Phi = append(s.Phi, r.phi)
		s.Lambda = append(s.Lambda, r.lambda)
		s.PMPhi = append(s.PMPhi, r.pmPhi)
		s.PMLambda = append(s.PMLambda, r.pmLambda)
		s.G = append(s.G, r.g)
		s.BPRP = append(s.BPRP, r.bpRP)
		s.R = append(s.R, r.r)
	}
	return s
}

func TestSelectorCuts(t *testing.T) {
	ok := star{1, 1, -5, -10, 19, 0.7, 1}
	rows := []star{
		ok,
		{8, 6.5, -5, -10, 19, 0.7, 1},         // radius 10.3: out
		{7, 7, -5, -10, 19, 0.7, 1},           // radius 9.9: in
		{1, 1, -5, -10, 20.2, 0.7, 1},         // g = 20.2: out (g < 20.2)
		{1, 1, 1.5, -1.9, 19, 0.7, 1},         // near zero proper motion: out
		{1, 1, 1.5, -2.1, 19, 0.7, 1},         // |mu_lambda| > 2: in
		{1, 1, -5, -10, 19, 0.45, 1},          // too blue: out
		{1, 1, -5, -10, 19, 1.0, 1},           // b-r = 1: in
		{1, 1, -5, -10, 19, 0.5, 1},           // b-r = 0.5: in
		{1, 1, -5, -10, 19, 1.2, 1},           // too red: out
		{1, 1, -5, -10, 19, 0.7, math.NaN()},  // no R
		{1, 1, -5, -10, math.NaN(), 0.7, 1},   // NaN g fails the g cut
		{20, 0, -5, -10, 25, -3, 1},           // fails several: counted once, at the radius
		{1, 1, 1, math.NaN(), 19, 0.7, 1},     // NaN mu_lambda, |mu_phi*| < 2: fails eq. 4
		{-3, 2, -5.5, -10, 19, math.NaN(), 1}, // NaN colour fails the colour cut
		{1, -1, -4.5, -10, 12, 0.99, 2},       // in
		{math.NaN(), 1, -5, -10, 19, 0.7, 1},  // no position
		{1, 1, math.NaN(), -10, 19, 0.7, 1},   // no mu_phi*
		{9.9, 0.1, 2.1, 0, 19, 0.6, 3},        // mu_phi* > 2: in
		{0, 0, -2.5, -10, 19, 0.6, 0.5},       // in
		{0, 0, -9, -10, 19, 0.6, 0.5},         // in
		{0, 0, -9, -10, 19, 0.6, math.Inf(1)}, // in: R = +Inf is a number
		{0, 0, 30, -10, 19, 0.6, 1},           // in
		{0, 0, -5, -10, 19, 0.6, -1},          // in
		{5, 5, -5, -10, 19, 0.6, 1e-3},        // in
		{-5, -5, -5, -10, 19, 0.6, 4},         // in
		{-5, 5, -5, -10, 19, 0.6, 4},          // in
		{5, -5, -5, -10, 19, 0.6, 4},          // in
		{0.1, 0.1, -5, -10, 20.19, 0.6, 4},    // in
		{0.1, 0.1, -2, -2, 19, 0.6, 4},        // |both| = 2: out (eq. 4 is strict)
		{0.1, 0.1, -2.01, -2, 19, 0.6, 4},     // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
		{0.1, 0.1, -5, -10, 19, 0.6, 4},       // in
	}
	st := table(rows)
	s := NewSelector(ROIConfig{MinStars: 1})
	for range s.ROIs(&st) {
	}
	want := CutCounts{NoR: 3, Radius: 2, Mag: 2, PMZero: 3, Colour: 3, Kept: 27}
	if got := s.Counts(); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if got := s.Counts(); got.NoR+got.Radius+got.Mag+got.PMZero+got.Colour+got.Kept != len(rows) {
		t.Errorf("counts %+v do not add up to %d stars", got, len(rows))
	}
	// Without photometry: the magnitude and colour cuts skipped, their
	// columns absent.
	st.G, st.BPRP = nil, nil
	s = NewSelector(ROIConfig{MinStars: 1, Skip: CutMag | CutColour})
	for range s.ROIs(&st) {
	}
	want = CutCounts{NoR: 3, Radius: 2, PMZero: 3, Kept: 32}
	if got := s.Counts(); got != want {
		t.Errorf("without photometry: counts %+v, want %+v", got, want)
	}
}

func TestSelectorWindows(t *testing.T) {
	// mu_phi* values -3.5, -2.5, ..., 5.5 (ten stars) with R = index; all
	// pass the cuts. Windows [k, k + 6) holding at least 4 stars.
	var rows []star
	for i := range 10 {
		rows = append(rows, star{1, 1, -3.5 + float64(i), -10, 19, 0.7, float64(i % 4)})
	}
	st := table(rows)
	s := NewSelector(ROIConfig{MinStars: 4, Top: 3})
	type roi struct {
		w   Window
		top []int32
	}
	var got []roi
	for w, top := range s.ROIs(&st) {
		got = append(got, roi{w, slices.Clone(top)})
	}
	// Window k holds the stars with k <= pm < k + 6: pm = -3.5 + i, so
	// i in [k + 3.5, k + 9.5), i.e. i = k+4 .. min(k+9, 9).
	var want []roi
	for k := -9; k <= 5; k++ {
		var in []int32
		for i := max(k+4, 0); i <= min(k+9, 9); i++ {
			in = append(in, int32(i))
		}
		if len(in) < 4 {
			continue
		}
		// Top 3 by R = i % 4, ties by lower index.
		slices.SortStableFunc(in, func(a, b int32) int { return int(b%4) - int(a%4) })
		want = append(want, roi{Window{PM: k, PMMin: float64(k), PMMax: float64(k + 6), N: len(in)}, in[:3]})
	}
	if len(got) != len(want) {
		t.Fatalf("%d windows, want %d: %+v", len(got), len(want), got)
	}
	for i := range got {
		if got[i].w != want[i].w || !slices.Equal(got[i].top, want[i].top) {
			t.Errorf("window %d: %+v %v, want %+v %v", i, got[i].w, got[i].top, want[i].w, want[i].top)
		}
	}
	// Stopping early is allowed.
	n := 0
	for range s.ROIs(&st) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("break: %d windows seen", n)
	}
}

func TestSelectorTopMany(t *testing.T) {
	// 1000 stars with distinct R in one window: the 100 largest, in order.
	var rows []star
	for i := range 1000 {
		rows = append(rows, star{0, 0, 10 + 0.001*float64(i), 10, 19, 0.7, float64((i * 7919) % 1000)})
	}
	st := table(rows)
	s := NewSelector(ROIConfig{})
	for w, top := range s.ROIs(&st) {
		if w.N != 1000 {
			continue
		}
		if len(top) != 100 {
			t.Fatalf("window %+v: %d stars kept", w, len(top))
		}
		for k, i := range top {
			if st.R[i] != float64(999-k) {
				t.Fatalf("window %+v: rank %d has R %v, want %v", w, k, st.R[i], 999-k)
			}
		}
		return
	}
	t.Error("no window holds all 1000 stars")
}

func TestSelectorPanics(t *testing.T) {
	st := table([]star{{1, 1, 1, 1, 1, 1, 1}})
	st.BPRP = nil
	defer func() {
		if recover() == nil {
			t.Error("missing colour column with the colour cut on: no panic")
		}
	}()
	for range NewSelector(ROIConfig{}).ROIs(&st) {
	}
}
