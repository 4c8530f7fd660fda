package partition

import (
	"fmt"
	"math"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// col names one of the Gaia columns a star.Row holds.
type col int

const (
	colSourceID col = iota
	colRA
	colDec
	colL
	colB
	colParallax
	colParallaxError
	colPMRA
	colPMRAError
	colPMDec
	colPMDecError
	colG
	colBP
	colRP
	colBPRP
	colGFluxOverError
	colBPFluxOverError
	colRPFluxOverError
	colChi2AL
	colNGoodObsAL
	colRUWE
	numCols
)

// colNames are the Gaia archive names of the columns, indexed by col.
var colNames = [numCols]string{
	colSourceID:        "source_id",
	colRA:              "ra",
	colDec:             "dec",
	colL:               "l",
	colB:               "b",
	colParallax:        "parallax",
	colParallaxError:   "parallax_error",
	colPMRA:            "pmra",
	colPMRAError:       "pmra_error",
	colPMDec:           "pmdec",
	colPMDecError:      "pmdec_error",
	colG:               "phot_g_mean_mag",
	colBP:              "phot_bp_mean_mag",
	colRP:              "phot_rp_mean_mag",
	colBPRP:            "bp_rp",
	colGFluxOverError:  "phot_g_mean_flux_over_error",
	colBPFluxOverError: "phot_bp_mean_flux_over_error",
	colRPFluxOverError: "phot_rp_mean_flux_over_error",
	colChi2AL:          "astrometric_chi2_al",
	colNGoodObsAL:      "astrometric_n_good_obs_al",
	colRUWE:            "ruwe",
}

// requiredCols must be in every header and non-empty in every row.
var requiredCols = [...]col{colSourceID, colRA, colDec}

// colByName maps a lower-case column name to its col.
var colByName = func() map[string]col {
	m := make(map[string]col, numCols)
	for c, n := range colNames {
		m[n] = col(c)
	}
	return m
}()

// RequiredColumns returns the names of the columns every partition must have.
func RequiredColumns() []string {
	out := make([]string, len(requiredCols))
	for i, c := range requiredCols {
		out[i] = colNames[c]
	}
	return out
}

// floatField returns a pointer to the float64 of r that c names; c must not
// be colSourceID.
func floatField(r *star.Row, c col) *float64 {
	switch c {
	case colRA:
		return &r.RA
	case colDec:
		return &r.Dec
	case colL:
		return &r.L
	case colB:
		return &r.B
	case colParallax:
		return &r.Parallax
	case colParallaxError:
		return &r.ParallaxError
	case colPMRA:
		return &r.PMRA
	case colPMRAError:
		return &r.PMRAError
	case colPMDec:
		return &r.PMDec
	case colPMDecError:
		return &r.PMDecError
	case colG:
		return &r.G
	case colBP:
		return &r.BP
	case colRP:
		return &r.RP
	case colBPRP:
		return &r.BPRP
	case colGFluxOverError:
		return &r.GFluxOverError
	case colBPFluxOverError:
		return &r.BPFluxOverError
	case colRPFluxOverError:
		return &r.RPFluxOverError
	case colChi2AL:
		return &r.Chi2AL
	case colNGoodObsAL:
		return &r.NGoodObsAL
	case colRUWE:
		return &r.RUWE
	}
	panic(fmt.Sprintf("partition: no float field for column %d", c))
}

// binding is where each used column sits in a file: index[c] is the field
// number of column c, or -1 when the file lacks it.
type binding struct {
	index [numCols]int
}

// bind finds the used columns among a file's column names. It returns an
// error wrapping ErrMissingColumn when a required column is absent and one
// wrapping ErrFormat when a used column appears twice.
func bind(names []string) (binding, error) {
	var b binding
	for i := range b.index {
		b.index[i] = -1
	}
	for i, n := range names {
		c, ok := colByName[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			continue
		}
		if b.index[c] >= 0 {
			return b, fmt.Errorf("%w: column %s appears twice (fields %d and %d)", ErrFormat, colNames[c], b.index[c]+1, i+1)
		}
		b.index[c] = i
	}
	for _, c := range requiredCols {
		if b.index[c] < 0 {
			return b, fmt.Errorf("%w: %s", ErrMissingColumn, colNames[c])
		}
	}
	return b, nil
}

// checkRequired returns the reject reason for a row lacking a required value
// or holding one no Gaia row can: a position off the sphere, a source_id
// that is not positive, an infinite number. It returns "" for a good row.
// source_id has no null representation once parsed, so the parsers check
// its presence themselves.
func checkRequired(r *star.Row) string {
	if math.IsNaN(r.RA) {
		return "ra: missing value"
	}
	if math.IsNaN(r.Dec) {
		return "dec: missing value"
	}
	if !(r.RA >= 0 && r.RA <= 360) {
		return fmt.Sprintf("ra: %g deg is outside [0, 360]", r.RA)
	}
	if !(r.Dec >= -90 && r.Dec <= 90) {
		return fmt.Sprintf("dec: %g deg is outside [-90, 90]", r.Dec)
	}
	if r.SourceID <= 0 {
		return fmt.Sprintf("source_id: %d is not a Gaia source_id (they are positive)", r.SourceID)
	}
	for c := colRA; c < numCols; c++ {
		if math.IsInf(*floatField(r, c), 0) {
			return colNames[c] + ": infinite value"
		}
	}
	return ""
}

// derive fills the values of r that are missing but follow from others:
// bp_rp from the BP and RP magnitudes, and Galactic l, b from ra, dec.
func derive(r *star.Row) {
	if math.IsNaN(r.BPRP) {
		r.BPRP = r.BP - r.RP
	}
	if math.IsNaN(r.L) || math.IsNaN(r.B) {
		r.L, r.B = sky.ICRSToGalactic(r.RA, r.Dec)
	}
}
