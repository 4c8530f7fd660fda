//go:build amd64 && !purego

package flow

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

//go:generate go run gen_kernels.go

// The instruction sets the kernels of kernels_amd64.s need.
const (
	isaNone   = iota
	isaAVX2   // AVX2 and FMA
	isaAVX512 // AVX-512 F and DQ
)

// isa is the best instruction set of this CPU; useAsm reports whether gemm
// has a kernel for it. Tests lower them to check every path.
var (
	isa    = detectISA()
	useAsm = isa != isaNone
)

func detectISA() int {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ:
		return isaAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return isaAVX2
	}
	return isaNone
}

// kernFunc is an AVX-512 register tile of gemm (gen_kernels.go): rows x
// vectors of C from k steps of A and B, strides in bytes, the last vector
// under the lane mask.
type kernFunc func(k int, a unsafe.Pointer, sar, sak int, b unsafe.Pointer, ldb int, c unsafe.Pointer, ldc int, flags int, p unsafe.Pointer, ldp int, mask uint64)

// kern2Func is an AVX2 register tile; mask points to a vector of lane masks.
type kern2Func func(k int, a unsafe.Pointer, sar, sak int, b unsafe.Pointer, ldb int, c unsafe.Pointer, ldc int, flags int, p unsafe.Pointer, ldp int, mask unsafe.Pointer)

// Lane masks of the AVX2 kernels: the first t lanes set.
var (
	mask2S [9][8]int32
	mask2D [5][4]int64
)

func init() {
	for t := range mask2S {
		for i := 0; i < t; i++ {
			mask2S[t][i] = -1
		}
	}
	for t := range mask2D {
		for i := 0; i < t; i++ {
			mask2D[t][i] = -1
		}
	}
}

// slack is the number of elements a buffer that is a gemm B operand is
// allocated beyond its length, for the AVX2 kernels' unmasked loads.
const slack = 16

// gemmFast runs gemm with the assembly kernels and reports whether it did.
// Arguments are checked by gemm.
func gemmFast[T float](m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) bool {
	var zero T
	size := int(unsafe.Sizeof(zero))
	lanes := 64 / size
	if isa == isaAVX2 {
		lanes = 32 / size
		// The unmasked loads of B read up to a vector past column n.
		if kk > 0 && cap(b) < (kk-1)*ldb+(n+lanes-1)/lanes*lanes {
			return false
		}
	}
	pa := unsafe.Pointer(unsafe.SliceData(a))
	pb := unsafe.Pointer(unsafe.SliceData(b))
	pc := unsafe.Pointer(unsafe.SliceData(c))
	var pp unsafe.Pointer
	if flags&gemmMask != 0 {
		pp = unsafe.Pointer(unsafe.SliceData(p))
	}
	rows, vecs := tileRows, tileVecs
	if isa == isaAVX2 {
		rows, vecs = 4, 3
	}
	width := vecs * lanes
	// A long product goes in slices of k (kDepth, kLong): the first slice
	// keeps the caller's gemmAcc, later ones add to C, and only the last
	// applies ReLU or the mask.
	depth := kk
	if kk >= kLong {
		slices := (kk + kDepth - 1) / kDepth
		depth = (kk + slices - 1) / slices
	}
	for j0 := 0; j0 < n; j0 += width {
		nc := min(width, n-j0)
		nv := (nc + lanes - 1) / lanes
		tail := nc - (nv-1)*lanes
		rows := rows
		if isa == isaAVX512 && nv == 1 {
			rows = tallRows
		}
		for k0 := 0; ; k0 += depth { // once at least: k = 0 still sets C
			kc := min(depth, kk-k0)
			fl := flags
			if k0 > 0 {
				fl |= gemmAcc
			}
			if k0+kc < kk {
				fl &^= gemmReLU | gemmMask
			}
			bj := unsafe.Add(pb, (k0*ldb+j0)*size)
			ak := unsafe.Add(pa, k0*sak*size)
			for i0 := 0; i0 < m; i0 += rows {
				mr := min(rows, m-i0)
				var pi unsafe.Pointer
				if pp != nil {
					pi = unsafe.Add(pp, (i0*ldp+j0)*size)
				}
				ai, ci := unsafe.Add(ak, i0*sar*size), unsafe.Add(pc, (i0*ldc+j0)*size)
				switch {
				case isa == isaAVX512 && size == 4:
					kernS[mr][nv](kc, ai, sar*size, sak*size, bj, ldb*size, ci, ldc*size, fl, pi, ldp*size, uint64(1)<<tail-1)
				case isa == isaAVX512:
					kernD[mr][nv](kc, ai, sar*size, sak*size, bj, ldb*size, ci, ldc*size, fl, pi, ldp*size, uint64(1)<<tail-1)
				case size == 4:
					kern2S[mr][nv](kc, ai, sar*size, sak*size, bj, ldb*size, ci, ldc*size, fl, pi, ldp*size, unsafe.Pointer(&mask2S[tail]))
				default:
					kern2D[mr][nv](kc, ai, sar*size, sak*size, bj, ldb*size, ci, ldc*size, fl, pi, ldp*size, unsafe.Pointer(&mask2D[tail]))
				}
			}
			if k0+kc >= kk {
				break
			}
		}
	}
	return true
}

// kernelSpan is how many of n elements the kernels of the CPU's
// instruction set take, at lanes512 (AVX-512) or lanes2 (AVX2) a vector,
// both powers of two; the rest go to the portable code.
func kernelSpan(n, lanes512, lanes2 int) int {
	switch isa {
	case isaAVX512:
		return n &^ (lanes512 - 1)
	case isaAVX2:
		return n &^ (lanes2 - 1)
	}
	return 0
}

// adamFast updates the leading parameters in the kernel of the CPU's
// instruction set, 8 (AVX-512) or 4 (AVX2) at a time, and returns how many
// it updated.
func adamFast(p, g, m, v []float64, c *[8]float64) int {
	n := kernelSpan(len(m), 8, 4)
	if n > 0 {
		_, _, _, _ = p[n-1], g[n-1], m[n-1], v[n-1]
		if isa == isaAVX512 {
			adamAVX(n, &p[0], &g[0], &m[0], &v[0], c)
		} else {
			adamAVX2(n, &p[0], &g[0], &m[0], &v[0], c)
		}
	}
	return n
}

// expNegFast writes exp(-src) of the leading elements in the kernel of the
// CPU's instruction set, 16 (AVX-512) or 8 (AVX2) at a time, and returns
// how many it wrote.
func expNegFast(src, dst []float32) int {
	n := kernelSpan(len(src), 16, 8)
	if n > 0 {
		_, _ = dst[n-1], src[n-1]
		if isa == isaAVX512 {
			expNegAVX(n, &dst[0], &src[0], &expNegConst)
		} else {
			expNegAVX2(n, &dst[0], &src[0], &expNegConst, &expNegScale)
		}
	}
	return n
}
