package flowfile

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

func TestGridRoundTrip(t *testing.T) {
	f, err := flow.New(flow.Config{D: 2, Blocks: 2, Hidden: []int{8}}, flow.Orthogonal, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := flow.NewGrid(f, []float64{-3, -2}, []float64{3, 2}, []int{31, 21}, flow.GridOptions{ErrPoints: 1000})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "g.gfg")
	if err := StoreGrid(context.Background(), path, g, "abc123"); err != nil {
		t.Fatal(err)
	}
	h, sum, err := FetchGrid(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if sum != "abc123" || !math.IsInf(h.Outside, -1) || h.MaxErr != g.MaxErr || h.ErrPoints != 1000 {
		t.Errorf("grid header after the round trip: %+v %v", h, sum)
	}
	x := mat.NewDense(3, 2, []float64{0.1, 0.2, -2.9, 1.9, 5, 0})
	a, b := g.LogProbs(nil, x), h.LogProbs(nil, x)
	for i := range a {
		if a[i] != b[i] && !(math.IsInf(a[i], -1) && math.IsInf(b[i], -1)) {
			t.Errorf("row %d: %v after the round trip, %v before", i, b[i], a[i])
		}
	}
	var buf bytes.Buffer
	if err := WriteGrid(&buf, g, nil); err != nil {
		t.Fatal(err)
	}
	bad := buf.Bytes()
	bad[len(bad)/2] ^= 1
	if _, _, err := ReadGrid(bytes.NewReader(bad)); !errors.Is(err, ErrChecksum) {
		t.Errorf("corrupt grid: %v", err)
	}
	if _, _, err := ReadGrid(bytes.NewReader(bad[:len(bad)/2])); !errors.Is(err, ErrTruncated) {
		t.Errorf("truncated grid: %v", err)
	}
	if _, _, err := ReadGrid(bytes.NewReader(encodeModel(t, f))); !errors.Is(err, ErrNotFlowFile) {
		t.Errorf("model file read as a grid: %v", err)
	}

	// A sheared 3-D grid keeps its shear.
	f3, err := flow.New(flow.Config{D: 3, Blocks: 1, Hidden: []int{4}}, flow.Orthogonal, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	g3, err := flow.NewGrid(f3, []float64{-1, -1, -0.5}, []float64{1, 1, 0.5}, []int{3, 3, 2}, flow.GridOptions{ErrPoints: -1, Shear: 0.49})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteGrid(&buf, g3, nil); err != nil {
		t.Fatal(err)
	}
	if h3, _, err := ReadGrid(&buf); err != nil || h3.Shear != 0.49 || h3.LogProb([]float64{0.1, 0.5, 0.3}) != g3.LogProb([]float64{0.1, 0.5, 0.3}) {
		t.Errorf("sheared grid after the round trip: %v, %+v", err, h3)
	}

	// A grid with a tail keeps it, and reads it beyond its box.
	g3.Tail, err = flow.NewGrid(f3, []float64{-3, -3, -3}, []float64{3, 3, 3}, []int{4, 3, 2}, flow.GridOptions{ErrPoints: -1})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteGrid(&buf, g3, nil); err != nil {
		t.Fatal(err)
	}
	h3, _, err := ReadGrid(&buf)
	if err != nil || h3.Tail == nil || !reflect.DeepEqual(h3.Tail, g3.Tail) || !reflect.DeepEqual(h3.Values, g3.Values) {
		t.Fatalf("grid with a tail after the round trip: %v, %+v", err, h3)
	}
	if p := []float64{2, -2, 1}; h3.LogProb(p) != g3.Tail.LogProb(p) || math.IsInf(h3.LogProb(p), -1) {
		t.Errorf("beyond the box: %v, the tail's %v", h3.LogProb(p), g3.Tail.LogProb(p))
	}
}

func encodeModel(t *testing.T, f *flow.Flow) []byte {
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
