package flowfile

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// resealSHA replaces the last 32 bytes of data (the SHA-256 of model and
// grid files) with the checksum of the bytes before them, so that the
// fuzzer's mutations reach the checks behind the checksum.
func resealSHA(data []byte) []byte {
	if len(data) < sha256.Size {
		return data
	}
	b := bytes.Clone(data)
	sum := sha256.Sum256(b[:len(b)-sha256.Size])
	copy(b[len(b)-sha256.Size:], sum[:])
	return b
}

// allocated returns the bytes fn allocates (the runtime's cumulative count).
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// readAllocBound is the most reading a model or grid file of n bytes may
// allocate: the file read into memory (io.ReadAll doubles its buffer), the
// JSON header decoded, a flow whose architecture needs at most twice the
// values the file holds (Config.NumValues, checked before the flow is made;
// masks and parameters), and a constant.
func readAllocBound(n int) uint64 { return 1<<20 + 64*uint64(n) }

// smallFlows returns small flows of the architectures model files hold:
// unconditional and conditional, ReLU and tanh, with training metadata.
func smallFlows(t testing.TB) []*flow.Flow {
	var out []*flow.Flow
	for i, c := range []flow.Config{
		{D: 1, C: 1, Blocks: 2, Hidden: []int{4}},
		{D: 3, C: 0, Blocks: 1, Hidden: []int{5, 3}, Activation: flow.Tanh, Ordered: true},
	} {
		f, err := flow.New(c, flow.Orthogonal, rand.New(rand.NewPCG(uint64(i), 7)))
		if err != nil {
			t.Fatal(err)
		}
		f.Meta.Notes = map[string]string{"source": "fuzz seed"}
		f.Meta.Train = flow.TrainInfo{Options: flow.Train{Epochs: 2, Batch: 8, LR: 1e-3}, Rows: 10, Epochs: 2, BestEpoch: 2, Loss: 1.5, HeldOutLoss: math.NaN()}
		out = append(out, f)
	}
	return out
}

// FuzzModel reads arbitrary bytes as a model file (.gff), seeded with files
// of small flows. With fix set, the SHA-256 at the end is recomputed over
// the mutated bytes (resealSHA), so that mutations reach the header, the
// architecture and the tensors. Properties: no panic; an error wraps one of
// the package's sentinels; a flow returned validates (flow.Validate: its
// tensors fit its architecture, finite values, positive variances), writes
// and reads back with the same tensors, and evaluates LogProb on
// a few points; allocation within readAllocBound.
func FuzzModel(f *testing.F) {
	for _, fl := range smallFlows(f) {
		var buf bytes.Buffer
		if err := Write(&buf, fl); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes(), false)
		f.Add(buf.Bytes(), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = resealSHA(data)
		}
		var fl *flow.Flow
		var err error
		if n, bound := allocated(func() { fl, err = Read(bytes.NewReader(data)) }), readAllocBound(len(data)); n > bound {
			t.Fatalf("a file of %d bytes made Read allocate %d bytes (bound %d)", len(data), n, bound)
		}
		if err != nil {
			for _, s := range []error{ErrNotFlowFile, ErrVersion, ErrTruncated, ErrChecksum, ErrMismatch} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the package's errors", err)
		}
		if err := fl.Validate(); err != nil {
			t.Fatalf("Read returned a flow that does not validate: %v", err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, fl); err != nil {
			t.Fatalf("the flow read does not write: %v", err)
		}
		g, err := Read(&buf)
		if err != nil {
			t.Fatalf("the flow read, written again, does not read: %v", err)
		}
		for i, ta := range fl.Tensors() {
			tb := g.Tensors()[i]
			for j := range ta.Data {
				if ta.Data[j] != tb.Data[j] {
					t.Fatalf("tensor %s[%d] %v after a round trip, %v before", ta.Name, j, tb.Data[j], ta.Data[j])
				}
			}
		}
		x := mat.NewDense(2, fl.D(), nil)
		x.Set(1, 0, 1)
		var c *mat.Dense
		if fl.C() > 0 {
			c = mat.NewDense(2, fl.C(), nil)
		}
		fl.LogProb(nil, x, c)
	})
}

// FuzzGrid reads arbitrary bytes as a grid file (.gfg), seeded with grids
// of 1, 2 and 3 dimensions. With fix set the SHA-256 is recomputed.
// Properties: no panic; an error wraps one of the package's sentinels; a
// grid returned validates (flow.Grid.Validate: a finite box, at least two
// nodes a dimension, one value per node, no NaN) and evaluates at its
// corners, centre and outside; allocation within readAllocBound.
func FuzzGrid(f *testing.F) {
	for _, g := range []*flow.Grid{
		{Lo: []float64{-1}, Hi: []float64{2}, N: []int{3}, Outside: math.Inf(-1), Floor: -1000, Values: []float64{-3, -1, -2}},
		{Lo: []float64{0, -1}, Hi: []float64{1, 1}, N: []int{2, 3}, Outside: -50, Floor: -40, Values: []float64{-1, -2, -3, -4, -5, -6}, MaxErr: 0.1, ErrPoints: 10},
		{Lo: []float64{0, 0, 0}, Hi: []float64{1, 2, 3}, N: []int{2, 2, 2}, Outside: math.Inf(-1), Floor: -1000, Values: make([]float64, 8)},
		{Lo: []float64{0, 0, -0.5}, Hi: []float64{1, 2, 0.5}, N: []int{3, 2, 2}, Outside: math.Inf(-1), Floor: -1000, Values: make([]float64, 12), Shear: 0.49},
		{Lo: []float64{0, 0, -0.5}, Hi: []float64{1, 2, 0.5}, N: []int{3, 2, 2}, Outside: math.Inf(-1), Floor: -1000, Values: make([]float64, 12), Shear: 0.49,
			Tail: &flow.Grid{Lo: []float64{-2, -2, -2}, Hi: []float64{3, 4, 2}, N: []int{2, 3, 2}, Outside: math.Inf(-1), Floor: -1000, Values: []float64{-9, -8, -7, -6, -5, -4, -3, -2, -1, -2, -3, -4}}},
	} {
		var buf bytes.Buffer
		if err := WriteGrid(&buf, g, map[string]string{"model": "m.gff"}); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes(), false)
		f.Add(buf.Bytes(), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = resealSHA(data)
		}
		var g *flow.Grid
		var err error
		if n, bound := allocated(func() { g, _, err = ReadGrid(bytes.NewReader(data)) }), readAllocBound(len(data)); n > bound {
			t.Fatalf("a file of %d bytes made ReadGrid allocate %d bytes (bound %d)", len(data), n, bound)
		}
		if err != nil {
			for _, s := range []error{ErrNotFlowFile, ErrVersion, ErrTruncated, ErrChecksum, ErrMismatch} {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the package's errors", err)
		}
		if err := g.Validate(); err != nil {
			t.Fatalf("ReadGrid returned a grid that does not validate: %v", err)
		}
		d := len(g.N)
		for _, pick := range []func(j int) float64{
			func(j int) float64 { return g.Lo[j] },
			func(j int) float64 { return g.Hi[j] },
			func(j int) float64 { return g.Lo[j]/2 + g.Hi[j]/2 },
			func(j int) float64 { return math.Nextafter(g.Hi[j], math.Inf(-1)) },
			func(j int) float64 { return g.Hi[j] + 1 },
			func(j int) float64 { return math.NaN() },
		} {
			x := make([]float64, d)
			for j := range x {
				x[j] = pick(j)
			}
			g.LogProb(x)
		}
	})
}
