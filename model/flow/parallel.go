package flow

import "sync"

// gemmPar is gemm split over par goroutines, by rows of C when there are
// enough of them, else by columns. Small products run on one goroutine:
// below about 2^22 multiply-adds (20 us) the hand-off costs more than it saves.
func gemmPar[T float](par int, m, n, kk int, a []T, sar, sak int, b []T, ldb int, c []T, ldc int, flags int, p []T, ldp int) {
	if par <= 1 || m*n*max(kk, 1) < 1<<22 {
		gemm(m, n, kk, a, sar, sak, b, ldb, c, ldc, flags, p, ldp)
		return
	}
	sub := func(s []T, off int) []T {
		if s == nil {
			return nil
		}
		return s[off:]
	}
	var wg sync.WaitGroup
	if m >= 4*tileRows*par {
		chunk := (m + par - 1) / par
		chunk = (chunk + tileRows - 1) / tileRows * tileRows
		for i0 := chunk; i0 < m; i0 += chunk {
			wg.Add(1)
			go func(i0 int) {
				defer wg.Done()
				gemm(min(chunk, m-i0), n, kk, a[i0*sar:], sar, sak, b, ldb, c[i0*ldc:], ldc, flags, sub(p, i0*ldp), ldp)
			}(i0)
		}
		gemm(min(chunk, m), n, kk, a, sar, sak, b, ldb, c, ldc, flags, p, ldp)
	} else {
		const width = 64
		chunk := (n + par - 1) / par
		chunk = (chunk + width - 1) / width * width
		for j0 := chunk; j0 < n; j0 += chunk {
			wg.Add(1)
			go func(j0 int) {
				defer wg.Done()
				gemm(m, min(chunk, n-j0), kk, a, sar, sak, b[j0:], ldb, c[j0:], ldc, flags, sub(p, j0), ldp)
			}(j0)
		}
		gemm(m, min(chunk, n), kk, a, sar, sak, b, ldb, c, ldc, flags, p, ldp)
	}
	wg.Wait()
}
