//go:build !amd64 || purego

package flow

// useAsm is false where there is no assembly kernel.
var useAsm = false

func gemmFast[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) bool {
	return false
}

func adamFast(n int, p, g, m, v []float64, c *[8]float64) {}

func expNegFast(n int, dst, src []float32) {}
