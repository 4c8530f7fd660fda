package flow

// MatMulFlags modify MatMul.
type MatMulFlags int

const (
	// MatMulAccumulate adds the product to C instead of overwriting C.
	MatMulAccumulate MatMulFlags = gemmAcc
	// MatMulReLU then sets every element of C that is not positive to 0.
	MatMulReLU MatMulFlags = gemmReLU
)

// MatMul computes C = A B, or C = Aᵀ B with transA, for row-major matrices,
// then applies the flags: A is m x k (k x m with transA) with row stride
// lda, B is k x n with row stride ldb, C is m x n with row stride ldc. It is
// the flow's own matrix product (gemm.go: AVX-512 or AVX2+FMA kernels where
// the CPU has them, portable loops otherwise), exported for the project's
// other small networks (model/classifier). It panics if a slice is too
// short for its shape.
func MatMul[T float32 | float64](transA bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, flags MatMulFlags) {
	sar, sak := lda, 1
	if transA {
		sar, sak = 1, lda
	}
	gemm(m, n, k, a, sar, sak, b, ldb, c, ldc, int(flags)&(gemmAcc|gemmReLU), nil, 0)
}

// MatMulMasked computes C = A B as MatMul does and then keeps an element of C
// only where the element of P (m x n, row stride ldp) at its place is
// positive, setting the others to 0: the backward pass of a ReLU layer whose
// outputs P are, fused into the product.
func MatMulMasked[T float32 | float64](m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, p []T, ldp int) {
	gemm(m, n, k, a, lda, 1, b, ldb, c, ldc, gemmMask, p, ldp)
}
