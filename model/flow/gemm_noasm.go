//go:build !amd64 || purego

package flow

const (
	isaNone = iota
	isaAVX2
	isaAVX512
)

// There are no assembly kernels in this build.
var (
	isa    = isaNone
	useAsm = false
)

const slack = 0

func gemmFast[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) bool {
	return false
}

func adamFast(p, g, m, v []float64, c *[8]float64) int { return 0 }

func expNegFast(src, dst []float32) int { return 0 }
