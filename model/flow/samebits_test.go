package flow

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"testing"
)

// A model must be the same whichever kind of core trained it: Beam runners
// mix kinds of workers (Dataflow's n1 machines are Haswell to Skylake, with
// and without AVX-512). These tests hold every kernel of exp and Adam to the
// bits of the AVX-512 instructions, and a whole training to the same bits
// under each instruction set the CPU has.

var writeExpNeg = flag.Bool("write-expneg", false, "write testdata/expneg_avx512.txt from this core's AVX-512 kernel")

// TestFMA32IsRoundedOnce checks fma32 against the exact a*b+c of math/big
// rounded once to float32, on random operands of every scale, and on a case
// where rounding to float64 first gives the wrong float32.
func TestFMA32IsRoundedOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	r32 := func() float32 {
		return float32(math.Ldexp(rng.Float64()+0.5, rng.IntN(60)-30)) * float32(1-2*rng.IntN(2))
	}
	type abc struct{ a, b, c float32 }
	cases := []abc{
		// 1+2^-23 + (2^-24 - 2^-70): just below the tie between 1+2^-23 and
		// 1+2^-22; in float64 it rounds onto the tie, which goes to even.
		{float32(math.Ldexp(1+0x1p-23, -24)), 1 - 0x1p-23, 1 + 0x1p-23},
		{0x1p-140, 0x1p-10, 0x1p-149}, // a subnormal result
		{3e38, 2, -3e38},              // past float32, back inside
		{1, 1, float32(math.Inf(1))},
	}
	if got, naive := fma32(cases[0].a, cases[0].b, cases[0].c), float32(float64(cases[0].a)*float64(cases[0].b)+float64(cases[0].c)); got == naive {
		t.Fatalf("the double-rounding case is not one: both give %v", got)
	}
	for i := 0; i < 200000; i++ {
		a, b := r32(), r32()
		c := r32()
		if i%2 == 0 { // near cancellation: c about -a*b
			c = float32(-float64(a)*float64(b)) * float32(1+(rng.Float64()-0.5)*1e-6)
		}
		cases = append(cases, abc{a, b, c})
	}
	for _, k := range cases {
		got := fma32(k.a, k.b, k.c)
		var want float32
		if math.IsInf(float64(k.c), 0) {
			want = k.c
		} else {
			x := new(big.Float).SetPrec(400).SetFloat64(float64(k.a))
			x.Mul(x, new(big.Float).SetFloat64(float64(k.b)))
			x.Add(x, new(big.Float).SetFloat64(float64(k.c)))
			want, _ = x.Float32()
		}
		if math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", k.a, k.b, k.c, got, want)
		}
	}
}

// expNegInputs are the arguments of the stored exp vectors: the range the
// flows use densely, every scale of both signs, the ties of the reduction
// and the edges.
func expNegInputs() []float32 {
	rng := rand.New(rand.NewPCG(5, 6))
	var x []float32
	for i := 0; i < 3000; i++ {
		x = append(x, float32(rng.Float64()*210-105))
	}
	for i := 0; i < 1000; i++ {
		x = append(x, float32(math.Ldexp(rng.Float64()+0.5, rng.IntN(280)-149))*float32(1-2*rng.IntN(2)))
	}
	for k := -150; k <= 130; k += 7 { // -x log2 e halfway between integers
		x = append(x, float32(-(float64(k)+0.5)/math.Log2E))
	}
	for v := 85.0; v <= 104; v += 0.37 { // subnormal results
		x = append(x, float32(v))
	}
	x = append(x, 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		math.MaxFloat32, -math.MaxFloat32, 1e10, -1e10, -88.7, -88.8, -89, 103.9, 104, 1e-45, -1e-45)
	for len(x)%16 != 0 {
		x = append(x, float32(len(x))/7)
	}
	return x
}

// TestExpNegIsTheSameOnEveryCore holds expNeg32, and every exp kernel this
// CPU has, to the bits that an AVX-512 core's expNegAVX gave for the same
// arguments (testdata/expneg_avx512.txt; NaN is compared as NaN).
func TestExpNegIsTheSameOnEveryCore(t *testing.T) {
	const file = "testdata/expneg_avx512.txt"
	src := expNegInputs()
	if *writeExpNeg {
		if isaDefault != isaAVX512 {
			t.Fatal("-write-expneg needs an AVX-512 core")
		}
		defer setISA(isaAVX512)()
		dst := make([]float32, len(src))
		expNegFast(src, dst)
		var b []byte
		b = fmt.Appendf(b, "# exp(-x) of float32 x by expNegAVX (gen_kernels.go) on %s; go test -run TestExpNegIsTheSameOnEveryCore -write-expneg\n# bits of x, bits of exp(-x)\n", cpuName())
		for i := range src {
			b = fmt.Appendf(b, "%08x %08x\n", math.Float32bits(src[i]), math.Float32bits(dst[i]))
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var want []float32
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if len(sc.Text()) == 0 || sc.Text()[0] == '#' {
			continue
		}
		var xb, yb uint32
		if _, err := fmt.Sscanf(sc.Text(), "%x %x", &xb, &yb); err != nil {
			t.Fatal(err)
		}
		if i := len(want); i >= len(src) || math.Float32bits(src[i]) != xb {
			t.Fatalf("%s row %d: argument %08x, not the test's", file, i, xb)
		}
		want = append(want, math.Float32frombits(yb))
	}
	if len(want) != len(src) {
		t.Fatalf("%s: %d rows, want %d", file, len(want), len(src))
	}
	same := func(a, b float32) bool {
		return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
	}
	for i, x := range src {
		if got := expNeg32(x); !same(got, want[i]) {
			t.Errorf("expNeg32(%g) = %g (%08x), the AVX-512 kernel gave %g (%08x)", x, got, math.Float32bits(got), want[i], math.Float32bits(want[i]))
		}
	}
	for _, mode := range isaModes() {
		restore := setISA(mode)
		dst := make([]float32, len(src)+5)
		expNeg(dst, append(src, 1, 2, 3, 4, 5)) // a tail past the lanes
		restore()
		for i := range src {
			if !same(dst[i], want[i]) {
				t.Errorf("isa %d: exp(-%g) = %g (%08x), the AVX-512 kernel gave %g (%08x)", mode, src[i], dst[i], math.Float32bits(dst[i]), want[i], math.Float32bits(want[i]))
				break
			}
		}
	}
}

// cpuName is the model name of this machine's CPU, for the provenance line.
func cpuName() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "an AVX-512 core"
	}
	var name string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "model name\t: %s", &name); err == nil {
			return sc.Text()[len("model name\t: "):]
		}
	}
	return "an AVX-512 core"
}

// TestAdamIsTheSameOnEveryCore compares the Adam update of every kernel
// this CPU has with adamUpdate, bit for bit, on 1,003 parameters (a tail
// past every kernel's lanes) over 50 steps with weight decay.
func TestAdamIsTheSameOnEveryCore(t *testing.T) {
	const n = 1003
	rng := rand.New(rand.NewPCG(8, 9))
	p0, grads := make([]float64, n), make([][]float64, 50)
	for i := range p0 {
		p0[i] = rng.NormFloat64()
	}
	for s := range grads {
		grads[s] = make([]float64, n)
		for i := range grads[s] {
			grads[s][i] = rng.NormFloat64() * math.Ldexp(1, rng.IntN(20)-10)
		}
	}
	run := func(mode int) []float64 {
		defer setISA(mode)()
		p := append([]float64(nil), p0...)
		a := newAdam(n, 1e-3, 0.9, 0.999, 1e-8, 1e-4)
		for _, g := range grads {
			a.step(p, append([]float64(nil), g...))
		}
		return append(p, append(a.m, a.v...)...)
	}
	want := run(isaNone)
	for _, mode := range isaModes()[1:] {
		got := run(mode)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Errorf("isa %d: element %d of p, m, v = %v, the portable update gives %v", mode, i, got[i], want[i])
				break
			}
		}
	}
}

// TestTrainingIsTheSameOnEveryCore trains a float32 flow under each
// instruction set of this CPU and wants the same parameters, bit for bit.
// The portable loops (isa none: other architectures, purego builds) are
// left out: Go does not fuse their products on amd64 as the kernels do.
func TestTrainingIsTheSameOnEveryCore(t *testing.T) {
	modes := isaModes()[1:]
	if len(modes) < 2 {
		t.Skip("this CPU has one kernel set; TestExpNegIsTheSameOnEveryCore holds it to AVX-512's bits")
	}
	x, c, w := smallData(900, 12)
	var ref []float64
	for _, mode := range modes {
		restore := setISA(mode)
		f, err := Fit(x, c, w, Config{Blocks: 3, Hidden: []int{37, 29}}, Train{Epochs: 3, Batch: 250, Seed: 4, WeightDecay: 1e-5})
		restore()
		if err != nil {
			t.Fatal(err)
		}
		lp := f.LogProb(nil, x, c)
		got := append(append([]float64(nil), f.params...), lp...)
		if ref == nil {
			ref = got
			continue
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(ref[i]) {
				t.Fatalf("isa %d: parameter or log p %d = %v, isa %d gave %v", mode, i, got[i], modes[0], ref[i])
			}
		}
	}
}

// TestGemmIsTheSameOnEveryCore compares the products of every kernel set of
// this CPU, bit for bit, on the flows' shapes, A and its transpose, with
// the long products that go in slices of k (kLong) among them.
func TestGemmIsTheSameOnEveryCore(t *testing.T) {
	modes := isaModes()[1:]
	if len(modes) < 2 {
		t.Skip("this CPU has one kernel set")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sh := range [][3]int{{2048, 64, 3}, {2048, 64, 65}, {65, 64, 2048}, {64, 3, 2048}, {3, 64, 2048}, {2048, 6, 64}, {6, 64, 2048}, {500, 7, 1500}} {
		m, n, k := sh[0], sh[1], sh[2]
		a, b := make([]float32, m*k), operand[float32](k*n)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		for _, transposed := range []bool{false, true} {
			sar, sak := k, 1
			if transposed {
				sar, sak = 1, m
			}
			var ref []float32
			for _, mode := range modes {
				restore := setISA(mode)
				c := make([]float32, m*n)
				gemm(m, n, k, a, sar, sak, b, n, c, n, gemmReLU, nil, 0)
				restore()
				if ref == nil {
					ref = c
					continue
				}
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%d x %d x %d (A transposed: %v), isa %d: element %d = %v, isa %d gave %v", m, n, k, transposed, mode, i, c[i], modes[0], ref[i])
					}
				}
			}
		}
	}
}
