package partition

import (
	"strconv"
	"strings"
)

// maxHATSOrder is the deepest HEALPix order a HATS path may name (nside 2^29,
// the order of HATS's _healpix_29 index column).
const maxHATSOrder = 29

// HATSPixel recognises the path of a HATS catalogue leaf,
// ".../Norder=k/Dir=d/Npix=n.parquet" (local, gs:// or any "/"-separated
// path), and returns its HEALPix order k and NESTED pixel index n. A leaf
// that is a directory of Parquet files, ".../Npix=n.parquet/part0.parquet" or
// ".../Npix=n/part0.parquet", is recognised too. ok is false when the path is
// not a HATS leaf: a missing or malformed component, a pixel out of range for
// the order, or a Dir that is not the HATS directory of the pixel
// (d = 10000 * floor(n / 10000)).
func HATSPixel(path string) (order int, pix int64, ok bool) {
	parts := strings.Split(strings.TrimRight(path, "/"), "/")
	for i := len(parts) - 1; i >= 2; i-- {
		s, found := strings.CutPrefix(parts[i], "Npix=")
		if !found {
			continue
		}
		s = strings.TrimSuffix(s, ".parquet")
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false
		}
		d, err := intAfter(parts[i-1], "Dir=")
		if err != nil || d != n/10000*10000 {
			return 0, 0, false
		}
		k, err := intAfter(parts[i-2], "Norder=")
		if err != nil || k < 0 || k > maxHATSOrder || n >= 12<<(2*k) {
			return 0, 0, false
		}
		// Only a file directly in the leaf directory may follow Npix=.
		if len(parts)-i > 2 {
			return 0, 0, false
		}
		return int(k), n, true
	}
	return 0, 0, false
}

func intAfter(s, prefix string) (int64, error) {
	v, found := strings.CutPrefix(s, prefix)
	if !found {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(v, 10, 64)
}
