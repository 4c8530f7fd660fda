package plot

import (
	"context"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/store/storetest"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/hist"
)

func TestFig4(t *testing.T) {
	c, g := fakeCMD(200000, 0, 1)
	cn, gn := fakeCMD(200000, 0.8, 2)
	render(t, "fig4", Fig4(cmdHist(cn, gn), cmdHist(c, g)))
}

func TestFig3And2(t *testing.T) {
	// The learned panel: what distance.MarginalCMD makes of a smooth
	// density, here the log density of a large toy CMD.
	cl, gl := fakeCMD(1000000, 0.1, 5)
	lp := LogDensityGrid(cmdHist(cl, gl))
	render(t, "fig3", Fig3(lp))
	c, g := fakeCMD(300000, 0, 3)
	render(t, "fig2", Fig2(LogDensityGrid(cmdHist(c, g)), lp))
}

func TestLearningCurve(t *testing.T) {
	var train, held Curve
	train.Label, held.Label = "training", "held out"
	for e := 1; e <= 40; e++ {
		x := float64(e)
		train.X, train.Y = append(train.X, x), append(train.Y, 2+3*math.Exp(-x/6))
		held.X, held.Y = append(held.X, x), append(held.Y, 2.2+3*math.Exp(-x/6)+0.002*(x-20)*(x-20)/20)
	}
	held.Y[3] = math.NaN()
	render(t, "curve", LearningCurve("epoch", train, held))
}

func TestScatterAndHeatMap(t *testing.T) {
	c, g := fakeCMD(3000, 0.3, 4)
	val := make([]float64, len(c))
	for i := range val {
		val[i] = g[i] - 4*c[i]
	}
	val[0], c[1], val[2] = math.NaN(), math.NaN(), math.Inf(-1)
	render(t, "scatter", Scatter(c, g, val, ScatterOptions{Title: "stars", XLabel: "BP-RP (mag)",
		YLabel: "G (mag)", CLabel: "g - 4 bp-rp (mag)", InvertY: true,
		Lines: []Polyline{{X: []float64{0, 3}, Y: []float64{1.5, 12.3}}}}))
	render(t, "scatter_plain", Scatter(c, g, nil, ScatterOptions{}))

	// A Hough accumulator: sinusoids rho = x sin(theta) - y cos(theta)
	// through points on a line, with its inner and background boxes.
	h := hist.NewHist2D(0, math.Pi, 100, -10, 10, 100)
	for i := 0; i < 100; i++ {
		x, y := -5+0.1*float64(i), 0.3*(-5+0.1*float64(i))+2
		if i%3 == 0 {
			x, y = 10*math.Sin(float64(i)), 10*math.Cos(float64(3*i))
		}
		for k := 0; k < 100; k++ {
			th := (float64(k) + 0.5) * math.Pi / 100
			h.Add(th, x*math.Sin(th)-y*math.Cos(th), 1)
		}
	}
	best := Box{XMin: 1.84, XMax: 1.93, YMin: 1.4, YMax: 2.4}
	render(t, "hough", HeatMap(CountsGrid(h), HeatOptions{Title: "Hough space", XLabel: "theta (rad)",
		YLabel: "rho (deg)", ZLabel: "curves per bin", Boxes: []Box{best, {1.65, 2.1, -0.6, 4.4}},
		Lines: []Polyline{{X: []float64{0, math.Pi}, Y: []float64{0, 0}}}}))
	render(t, "hough_log", HeatMap(CountsGrid(h), HeatOptions{Log: true, ZLabel: "curves per bin", InvertX: true}))
}

// TestOrientation checks where a hot cell lands: with y up it is at the
// top of the data area, with the magnitude axis inverted at the bottom.
func TestOrientation(t *testing.T) {
	g := Grid{XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 2, NY: 2, Values: []float64{
		0, 0, // iy = 0: low y
		1, 0, // iy = 1: high y, hot cell at low x
	}}
	for _, inv := range []bool{false, true} {
		img := render(t, "orient", HeatMap(g, HeatOptions{InvertY: inv}))
		top, bottom := findData(t, img)
		hot, cold := viridis(1), viridis(0)
		wantHotTop := !inv
		if nearly(top, hot, 8) != wantHotTop || nearly(bottom, cold, 8) != wantHotTop ||
			nearly(top, cold, 8) == wantHotTop || nearly(bottom, hot, 8) == wantHotTop {
			t.Errorf("InvertY = %v: top-left %v, bottom-left %v of the data area", inv, top, bottom)
		}
	}
}

// findData returns the colours at a quarter of the way into the top-left
// and bottom-left cells of a 2 × 2 heat map: it scans the middle row and
// column of the left half for the first viridis-coloured pixels.
func findData(t *testing.T, img image.Image) (topLeft, bottomLeft color.Color) {
	t.Helper()
	b := img.Bounds()
	isData := func(x, y int) bool {
		c := img.At(x, y)
		return nearly(c, viridis(0), 8) || nearly(c, viridis(1), 8)
	}
	// Leftmost data column along the vertical middle, then the extent of
	// the data area in that column.
	x0 := -1
	for x := b.Min.X; x < b.Max.X/2 && x0 < 0; x++ {
		for y := b.Min.Y + b.Dy()/5; y < b.Max.Y-b.Dy()/5; y += 3 {
			if isData(x, y) {
				x0 = x
				break
			}
		}
	}
	if x0 < 0 {
		t.Fatal("no data area found")
	}
	x := x0 + 5
	y0, y1 := -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if isData(x, y) {
			if y0 < 0 {
				y0 = y
			}
			y1 = y
		}
	}
	q := (y1 - y0) / 4
	return img.At(x, y0+q), img.At(x, y1-q)
}

// TestNaNInputs draws every figure from NaN, empty and degenerate data:
// nothing panics, every PNG is whole.
func TestNaNInputs(t *testing.T) {
	nan := math.NaN()
	allNaN := Grid{XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 3, NY: 2, Values: []float64{nan, nan, nan, nan, nan, nan}}
	constant := Grid{XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 2, NY: 1, Values: []float64{5, 5}}
	infs := Grid{XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 2, NY: 1, Values: []float64{math.Inf(1), math.Inf(-1)}}
	hNaN := hist.NewHist2D(-0.5, 3.5, 10, -5, 15, 10)
	hNaN.Add(nan, 1, 1)
	hNaN.Add(1, nan, 1)
	hNaN.Add(1, 1, nan)
	one := hist.NewHist2D(-0.5, 3.5, 10, -5, 15, 10)
	one.Add(1, 1, 1)
	lpNaN := CMDGrid(distance.MarginalCMD(distance.LogProbFunc(func(g, c, bpg float64) float64 { return nan }), distance.Marginal{NX: 4, NY: 3, NBPG: 5}))
	for name, f := range map[string]func() *Figure{
		"fig4 NaN":         func() *Figure { return Fig4(hNaN, hist.NewHist2D(0, 1, 1, 0, 1, 1)) },
		"fig4 nil":         func() *Figure { return Fig4(nil, &hist.Hist2D{}) },
		"fig4 one star":    func() *Figure { return Fig4(one, one) },
		"cmd none":         func() *Figure { return CMDCounts() },
		"fig3 NaN":         func() *Figure { return Fig3(allNaN) },
		"fig3 -Inf":        func() *Figure { return Fig3(lpNaN) },
		"fig3 inf":         func() *Figure { return Fig3(infs) },
		"fig2 NaN":         func() *Figure { return Fig2(allNaN, constant) },
		"heat NaN":         func() *Figure { return HeatMap(allNaN, HeatOptions{Log: true, Boxes: []Box{{nan, 1, 0, 1}}}) },
		"heat constant":    func() *Figure { return HeatMap(constant, HeatOptions{Min: 3, Max: 3}) },
		"heat log bad min": func() *Figure { return HeatMap(constant, HeatOptions{Log: true, Min: -1, Max: 0}) },
		"scatter NaN": func() *Figure {
			return Scatter([]float64{nan, 1}, []float64{1, nan}, []float64{nan, nan}, ScatterOptions{Lines: []Polyline{{X: []float64{nan}, Y: []float64{nan}}}})
		},
		"scatter one":   func() *Figure { return Scatter([]float64{1}, []float64{2}, []float64{nan}, ScatterOptions{}) },
		"scatter empty": func() *Figure { return Scatter(nil, nil, nil, ScatterOptions{}) },
		"curve NaN":     func() *Figure { return LearningCurve("step", Curve{X: []float64{1, 2}, Y: []float64{nan, nan}}) },
		"curve one":     func() *Figure { return LearningCurve("step", Curve{Label: "a", X: []float64{1}, Y: []float64{3}}) },
		"curve none":    func() *Figure { return LearningCurve("") },
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", name, r)
				}
			}()
			render(t, "nan", f())
		}()
	}
}

func TestPanicsOnBadGrid(t *testing.T) {
	for name, g := range map[string]Grid{
		"short":   {XLo: 0, XHi: 1, YLo: 0, YHi: 1, NX: 2, NY: 2, Values: []float64{1}},
		"reverse": {XLo: 1, XHi: 0, YLo: 0, YHi: 1, NX: 1, NY: 1, Values: []float64{1}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			HeatMap(g, HeatOptions{})
		}()
	}
}

func TestSave(t *testing.T) {
	ctx := context.Background()
	f := LearningCurve("epoch", Curve{X: []float64{1, 2, 3}, Y: []float64{3, 2, 1.5}})
	local := filepath.Join(t.TempDir(), "sub", "curve.png")
	if err := f.Save(ctx, local); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(local); err != nil || st.Size() == 0 {
		t.Fatalf("local file: %v", err)
	}
	root := storetest.Emulator(t, "figs")
	if err := f.Save(ctx, root+"/run1/curve.png"); err != nil {
		t.Fatal(err)
	}
	b, err := store.ReadFile(ctx, root+"/run1/curve.png")
	if err != nil || len(b) < 8 || string(b[1:4]) != "PNG" {
		t.Fatalf("gs:// file: %d bytes, %v", len(b), err)
	}
}
