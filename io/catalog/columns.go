package catalog

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// ErrFormat is wrapped by the errors of a file that is not a catalog file:
// a missing column, a bad field, a wrong type, a truncated or corrupt file.
var ErrFormat = errors.New("not a valid catalog file")

// floatNames are the float64 columns, in file order after source_id.
var floatNames = [...]string{
	"ra", "dec", "parallax", "parallax_error",
	"dist_mean", "dist_std", "dist_q16", "dist_q50", "dist_q84",
	"snr", "e", "g0", "bp_rp0", "bp_g0", "ess", "d_best",
}

const nFloat = len(floatNames)

// floatCols returns pointers to the float64 columns of r, in floatNames order.
func floatCols(r *distance.Rows) [nFloat]*[]float64 {
	return [nFloat]*[]float64{
		&r.RA, &r.Dec, &r.Parallax, &r.ParallaxError,
		&r.DistMean, &r.DistStd, &r.DistQ16, &r.DistQ50, &r.DistQ84,
		&r.SNR, &r.E, &r.G, &r.BPRP, &r.BPG, &r.ESS, &r.DBest,
	}
}

// The integer columns.
const (
	nameSourceID   = "source_id"
	nameIterations = "iterations"
	nameSamples    = "samples"
	nameFlags      = "flags"
)

// Columns returns the column names of a catalog file with nq quantiles, in
// file order. It panics if nq < 0.
func Columns(nq int) []string {
	if nq < 0 {
		panic("catalog: negative number of quantiles")
	}
	names := make([]string, 0, 1+nFloat+3+nq)
	names = append(names, nameSourceID)
	names = append(names, floatNames[:]...)
	names = append(names, nameIterations, nameSamples, nameFlags)
	for j := 0; j < nq; j++ {
		names = append(names, QuantileName(j, nq))
	}
	return names
}

// QuantileName returns the name of quantile column j of nq: "q" and j
// zero-padded to the digits of nq-1, at least two ("q07" of 100, "q007" of
// 1000).
func QuantileName(j, nq int) string {
	width := max(2, len(fmt.Sprint(nq-1)))
	return fmt.Sprintf("q%0*d", width, j)
}

// parseQuantileName returns j if name is "q" followed by decimal digits.
func parseQuantileName(name string) (int, bool) {
	if len(name) < 2 || name[0] != 'q' || len(name) > 10 {
		return 0, false
	}
	j := 0
	for _, c := range name[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		j = 10*j + int(c-'0')
	}
	return j, true
}

// checkRows panics unless every column of r has r.Len() entries and
// Quantiles has NQuantiles per row.
func checkRows(r *distance.Rows) {
	n := r.Len()
	for i, c := range floatCols(r) {
		if len(*c) != n {
			panic(fmt.Sprintf("catalog: column %s has %d rows, source_id %d", floatNames[i], len(*c), n))
		}
	}
	if len(r.Iterations) != n || len(r.Samples) != n || len(r.Flags) != n {
		panic("catalog: iterations, samples or flags differ in length from source_id")
	}
	if r.NQuantiles < 0 || len(r.Quantiles) != n*r.NQuantiles {
		panic(fmt.Sprintf("catalog: %d quantiles for %d rows of %d", len(r.Quantiles), n, r.NQuantiles))
	}
}

// flagNamesMeta is the "gaiaflow.flags" metadata value.
func flagNamesMeta() string { return strings.Join(distance.FlagNames(), ",") }

// unitsMeta is the "gaiaflow.units" metadata value.
const unitsMeta = "ra,dec: deg ICRS; parallax,parallax_error: mas; dist_*,d_best,q*: pc; e: mag (E(g-r), map units); g0,bp_rp0,bp_g0: mag, dereddened, g0 absolute"
