//go:build amd64 && !purego

package flow

var useAsm = false

func gemmFast[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) bool {
	return false
}
