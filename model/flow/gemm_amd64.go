//go:build amd64 && !purego

package flow

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run gen_kernels.go

// useAsm reports whether the AVX-512 kernels of kernels_amd64.s can run.
// Set it to false to force the portable loops (tests do, to check both).
var useAsm = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// kernFunc is an assembly register tile of gemm (gen_kernels.go): rows x
// vectors of C from k steps of A and B, strides in bytes.
type kernFunc func(k int, a unsafe.Pointer, sar, sak int, b unsafe.Pointer, ldb int, c unsafe.Pointer, ldc int, flags int, p unsafe.Pointer, ldp int, mask uint64)

// gemmFast runs gemm with the AVX-512 kernels. Arguments are checked by
// gemm.
func gemmFast[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) bool {
	var kern *[tileRows + 1][tileVecs + 1]kernFunc
	var lanes int
	switch any(a).(type) {
	case []float32:
		kern, lanes = &kernS, 16
	case []float64:
		kern, lanes = &kernD, 8
	default:
		return false
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	pa := unsafe.Pointer(unsafe.SliceData(a))
	pb := unsafe.Pointer(unsafe.SliceData(b))
	pc := unsafe.Pointer(unsafe.SliceData(c))
	var pp unsafe.Pointer
	if flags&gemmMask != 0 {
		pp = unsafe.Pointer(unsafe.SliceData(p))
	}
	width := tileVecs * lanes
	for j0 := 0; j0 < n; j0 += width {
		nc := min(width, n-j0)
		nv := (nc + lanes - 1) / lanes
		tail := nc - (nv-1)*lanes
		mask := uint64(1)<<tail - 1
		bj := unsafe.Add(pb, j0*size)
		for i0 := 0; i0 < m; i0 += tileRows {
			mr := min(tileRows, m-i0)
			var pi unsafe.Pointer
			if pp != nil {
				pi = unsafe.Add(pp, (i0*ldp+j0)*size)
			}
			kern[mr][nv](kk, unsafe.Add(pa, i0*sar*size), sar*size, sak*size, bj, ldb*size,
				unsafe.Add(pc, (i0*ldc+j0)*size), ldc*size, flags, pi, ldp*size, mask)
		}
	}
	return true
}

// adamFast runs adamAVX on the first n (a multiple of 8) elements.
func adamFast(n int, p, g, m, v []float64, c *[8]float64) {
	if n == 0 {
		return
	}
	_, _, _, _ = p[n-1], g[n-1], m[n-1], v[n-1]
	adamAVX(n, &p[0], &g[0], &m[0], &v[0], c)
}

// expNegFast runs expNegAVX on the first n (a multiple of 16) elements.
func expNegFast(n int, dst, src []float32) {
	if n == 0 {
		return
	}
	_, _ = dst[n-1], src[n-1]
	expNegAVX(n, &dst[0], &src[0], &expNegConst)
}
