package flow

// float is the element type of the arithmetic: float32 or float64.
type float interface{ ~float32 | ~float64 }

// tileRows and tileVecs are the largest register tile of the assembly
// kernels (gen_kernels.go): rows of C, and vectors of 64 bytes.
const (
	tileRows = 6
	tileVecs = 4
	tallRows = 24 // rows of the one-vector tiles
)

// kDepth and kLong slice the k steps of the assembly gemm: a product of at
// least kLong steps goes in slices of at most kDepth, so that a slice of a
// column block of B (kDepth x 256 bytes, 16 KiB) stays in L1 while every row
// tile of A passes over it. That is the weight gradient over a batch of 2048
// (k = 2048): on an Intel AVX-512 core it ran at 62-72 GFLOP/s whole and
// 123-132 sliced (BenchmarkGemmTrain backward_dw, 256 and 500 hidden).
// Shorter products (k = 257 or 501 in the forward pass) ran slower sliced,
// so they are not. Variables for the tests.
var kDepth, kLong = 64, 1024

// Flags of gemm.
const (
	gemmAcc  = 1 << iota // add the product to C instead of overwriting C
	gemmReLU             // then C = max(C, 0)
	gemmMask             // then C = C where P > 0, else 0 (ReLU backward)
)

// gemm computes, for i < m and j < n,
//
//	C[i*ldc+j] (+)= sum_{k<kk} A[i*sar+k*sak] * B[k*ldb+j]
//
// then applies the flags. With sar = lda, sak = 1 it is C = A B for a
// row-major A; with sar = 1, sak = lda it is C = Aᵀ B. B and C are row-major.
// P (with ldp) is read only with gemmMask. All of the hot path of the flow is
// in here; it runs an AVX-512 kernel where the CPU has one (gemm_amd64.go)
// and the portable loops below otherwise.
func gemm[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) {
	if m <= 0 || n <= 0 {
		return
	}
	if kk > 0 {
		// Bounds, checked once so that the kernels need not.
		_ = a[(m-1)*sar+(kk-1)*sak]
		_ = b[(kk-1)*ldb+n-1]
	}
	_ = c[(m-1)*ldc+n-1]
	if flags&gemmMask != 0 {
		_ = p[(m-1)*ldp+n-1]
	}
	if useAsm && kk > 0 && gemmFast(m, n, kk, a, sar, sak, b, ldb, c, ldc, flags, p, ldp) {
		return
	}
	gemmGo(m, n, kk, a, sar, sak, b, ldb, c, ldc, flags, p, ldp)
}

// gemmGo is the portable gemm.
func gemmGo[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) {
	for i := 0; i < m; i++ {
		crow := c[i*ldc : i*ldc+n]
		if flags&gemmAcc == 0 {
			clear(crow)
		}
		for k := 0; k < kk; k++ {
			aik := a[i*sar+k*sak]
			brow := b[k*ldb : k*ldb+n]
			for j, bv := range brow {
				crow[j] += aik * bv
			}
		}
		gemmEpilogue(crow, flags, p, i*ldp)
	}
}

// gemmEpilogue applies gemmReLU and gemmMask to one row of C.
func gemmEpilogue[T float](crow []T, flags int, p []T, poff int) {
	if flags&gemmReLU != 0 {
		for j, v := range crow {
			if !(v > 0) && v == v {
				crow[j] = 0
			}
		}
	}
	if flags&gemmMask != 0 {
		prow := p[poff : poff+len(crow)]
		for j, v := range prow {
			if !(v > 0) {
				crow[j] = 0
			}
		}
	}
}

// operand allocates a buffer that may be gemm's B operand: n elements with
// slack more behind them (gemm_amd64.go).
func operand[T float](n int) []T { return make([]T, n, n+slack) }
