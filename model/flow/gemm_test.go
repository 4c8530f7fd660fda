package flow

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestGemm checks the assembly kernels against the portable loops (and the
// portable loops against a direct triple loop) over shapes that exercise
// every tile, tail mask, stride pattern and flag.
func TestGemm(t *testing.T) {
	testGemm[float32](t, 1e-5)
	testGemm[float64](t, 1e-13)
}

// TestGemmSliced runs TestGemm's products with k sliced from 9 steps on in
// slices of 4 (kDepth, kLong): the first slice keeps gemmAcc, the later
// ones add, and only the last applies ReLU and the mask.
func TestGemmSliced(t *testing.T) {
	depth, long := kDepth, kLong
	kDepth, kLong = 4, 9
	defer func() { kDepth, kLong = depth, long }()
	testGemm[float32](t, 1e-5)
	testGemm[float64](t, 1e-13)
}

func testGemm[T float](t *testing.T, tol float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []int{1, 2, 5, 6, 7, 13, 23, 24, 25, 40, 47} {
		for _, n := range []int{1, 3, 8, 15, 16, 17, 31, 33, 64, 65, 100} {
			for _, k := range []int{0, 1, 3, 9, 70, 300} {
				for _, trans := range []bool{false, true} {
					for _, flags := range []int{0, gemmAcc, gemmReLU, gemmMask, gemmAcc | gemmReLU} {
						lda := k + 2
						sar, sak := lda, 1
						alen := m * lda
						if trans {
							lda = m + 3
							sar, sak = 1, lda
							alen = max(k, 1) * lda
						}
						a := randSlice[T](rng, alen)
						ldb := n + 1
						b := randSlice[T](rng, max(k, 1)*ldb)
						b = append(b, make([]T, slack)...)[:len(b)] // as operand allocates
						ldc := n + 5
						c0 := randSlice[T](rng, m*ldc)
						ldp := n + 2
						p := randSlice[T](rng, m*ldp)
						// Direct loops.
						want := append([]T(nil), c0...)
						for i := 0; i < m; i++ {
							for j := 0; j < n; j++ {
								s := 0.0
								if flags&gemmAcc != 0 {
									s = float64(want[i*ldc+j])
								}
								for kk := 0; kk < k; kk++ {
									s += float64(a[i*sar+kk*sak]) * float64(b[kk*ldb+j])
								}
								if flags&gemmReLU != 0 && s < 0 {
									s = 0
								}
								if flags&gemmMask != 0 && !(p[i*ldp+j] > 0) {
									s = 0
								}
								want[i*ldc+j] = T(s)
							}
						}
						for _, mode := range isaModes() {
							restore := setISA(mode)
							c := append([]T(nil), c0...)
							if mode == isaNone {
								gemmGo(m, n, k, a, sar, sak, b, ldb, c, ldc, flags, p, ldp)
							} else if !gemmFast(m, n, k, a, sar, sak, b, ldb, c, ldc, flags, p, ldp) {
								t.Fatalf("isa %d: no kernel ran", mode)
							}
							restore()
							for i := range c {
								if !near(float64(c[i]), float64(want[i]), tol*float64(k+1)) {
									t.Fatalf("%T isa=%d m=%d n=%d k=%d trans=%v flags=%d: c[%d] = %v, want %v",
										c[0], mode, m, n, k, trans, flags, i, c[i], want[i])
								}
							}
						}
					}
				}
			}
		}
	}
}

func randSlice[T float](rng *rand.Rand, n int) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(rng.NormFloat64())
	}
	return v
}

func BenchmarkGemm(b *testing.B) {
	for _, sz := range [][3]int{{2048, 256, 257}, {2048, 500, 501}, {512, 64, 65}, {512, 16, 65}, {512, 32, 65}, {512, 48, 65}, {257, 256, 2048}, {512, 10, 65}, {2048, 6, 257}, {512, 5, 64}} {
		b.Run(fmt.Sprintf("f32/%dx%dx%d", sz[0], sz[1], sz[2]), func(b *testing.B) { benchGemm[float32](b, sz) })
		b.Run(fmt.Sprintf("f64/%dx%dx%d", sz[0], sz[1], sz[2]), func(b *testing.B) { benchGemm[float64](b, sz) })
	}
}

// BenchmarkGemmSubnormal times the product of a MADE band (512 x 16 x 65,
// the shape of most of an ANODE training step) with B scaled so that the
// products fall near or below float32's least normal number (1.2e-38). The
// kernels keep IEEE arithmetic (no flush to zero), and some CPUs take a
// microcode assist for every subnormal result: see the package doc.
func BenchmarkGemmSubnormal(b *testing.B) {
	for _, scale := range []float32{1, 1e-36, 1e-40} {
		b.Run(fmt.Sprintf("scale=%g", scale), func(b *testing.B) {
			const m, n, k = 512, 16, 65
			rng := rand.New(rand.NewPCG(1, 2))
			a := randSlice[float32](rng, m*k)
			bb := randSlice[float32](rng, k*n)
			for i := range bb {
				bb[i] *= scale
			}
			c := make([]float32, m*n)
			for b.Loop() {
				gemm(m, n, k, a, k, 1, bb, n, c, n, 0, nil, 0)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemmTrain times the products of a training step of paper 000's
// flows (batch 2048; 256 hidden, the simulation's, and 500, the paper's):
// forward, backward to the activations with the ReLU mask, and the weight
// gradient (A transposed), each whole, as a dense layer would run them.
func BenchmarkGemmTrain(b *testing.B) {
	for _, h := range []int{256, 500} {
		benchGemmTrain(b, h)
	}
}

func benchGemmTrain(b *testing.B, h int) {
	const bt = 2048
	rng := rand.New(rand.NewPCG(1, 2))
	act := randSlice[float32](rng, bt*(h+1))
	wt := operand[float32]((h + 1) * h)
	copy(wt, randSlice[float32](rng, (h+1)*h))
	dout := operand[float32](bt * h)
	copy(dout, randSlice[float32](rng, bt*h))
	c := make([]float32, (h+1)*bt)
	for _, tc := range []struct {
		name string
		run  func()
	}{
		{"forward", func() { gemm(bt, h, h+1, act, h+1, 1, wt, h, c, h+1, gemmReLU, nil, 0) }},
		{"backward_dx", func() { gemm(bt, h, h, dout, h, 1, wt, h, c, h, gemmMask, act, h+1) }},
		{"backward_dw", func() { gemm(h+1, h, bt, act, 1, h+1, dout, h, c, h, 0, nil, 0) }},
	} {
		b.Run(fmt.Sprintf("%d/%s", h, tc.name), func(b *testing.B) {
			cpu0 := cpuSeconds()
			for b.Loop() {
				tc.run()
			}
			flops := 2 * float64(bt*h*h) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuSeconds() - cpu0; cpu > 0 {
				b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
			}
		})
	}
}

func benchGemm[T float](b *testing.B, sz [3]int) {
	m, n, k := sz[0], sz[1], sz[2]
	rng := rand.New(rand.NewPCG(1, 2))
	a := randSlice[T](rng, m*k)
	bb := randSlice[T](rng, k*n)
	c := make([]T, m*n)
	cpu0 := cpuSeconds()
	for b.Loop() {
		gemm(m, n, k, a, k, 1, bb, n, c, n, gemmReLU, nil, 0)
	}
	flops := 2 * float64(m*n*k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(flops/cpu/1e9, "GFLOP/cpu-s")
	}
}
