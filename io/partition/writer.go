package partition

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// DR2Header is the header line of the Gaia DR2 bulk files
// GaiaSource_*.csv.gz: the 94 columns of gaiadr2.gaia_source without
// datalink_url and epoch_photometry_url, in archive order.
const DR2Header = "solution_id,designation,source_id,random_index,ref_epoch,ra,ra_error,dec,dec_error,parallax,parallax_error,parallax_over_error,pmra,pmra_error,pmdec,pmdec_error,ra_dec_corr,ra_parallax_corr,ra_pmra_corr,ra_pmdec_corr,dec_parallax_corr,dec_pmra_corr,dec_pmdec_corr,parallax_pmra_corr,parallax_pmdec_corr,pmra_pmdec_corr,astrometric_n_obs_al,astrometric_n_obs_ac,astrometric_n_good_obs_al,astrometric_n_bad_obs_al,astrometric_gof_al,astrometric_chi2_al,astrometric_excess_noise,astrometric_excess_noise_sig,astrometric_params_solved,astrometric_primary_flag,astrometric_weight_al,astrometric_pseudo_colour,astrometric_pseudo_colour_error,mean_varpi_factor_al,astrometric_matched_observations,visibility_periods_used,astrometric_sigma5d_max,frame_rotator_object_type,matched_observations,duplicated_source,phot_g_n_obs,phot_g_mean_flux,phot_g_mean_flux_error,phot_g_mean_flux_over_error,phot_g_mean_mag,phot_bp_n_obs,phot_bp_mean_flux,phot_bp_mean_flux_error,phot_bp_mean_flux_over_error,phot_bp_mean_mag,phot_rp_n_obs,phot_rp_mean_flux,phot_rp_mean_flux_error,phot_rp_mean_flux_over_error,phot_rp_mean_mag,phot_bp_rp_excess_factor,phot_proc_mode,bp_rp,bp_g,g_rp,radial_velocity,radial_velocity_error,rv_nb_transits,rv_template_teff,rv_template_logg,rv_template_fe_h,phot_variable_flag,l,b,ecl_lon,ecl_lat,priam_flags,teff_val,teff_percentile_lower,teff_percentile_upper,a_g_val,a_g_percentile_lower,a_g_percentile_upper,e_bp_min_rp_val,e_bp_min_rp_percentile_lower,e_bp_min_rp_percentile_upper,flame_flags,radius_val,radius_percentile_lower,radius_percentile_upper,lum_val,lum_percentile_lower,lum_percentile_upper"

// DR2SolutionID is the solution_id of every Gaia DR2 source.
const DR2SolutionID = 1635721458409799680

// DR2 photometric zero points (Vega, mag) to full precision, as the archive
// used them to turn phot_{g,bp,rp}_mean_flux (e-/s) into magnitudes (published
// with the DR2 photometric calibration; rounded in Evans et al. 2018, A&A 616,
// A4).
// The 1,000 DR2 rows in testdata give mag + 2.5 log10(flux) equal to these to
// 2e-6 mag. DR2Writer inverts them to write the fluxes.
const (
	zeroPointG  = 25.6883657251
	zeroPointBP = 25.3513881707
	zeroPointRP = 24.7619199882
)

// wcol is what DR2Writer puts in a column.
type wcol int

const (
	wEmpty wcol = iota
	wSolutionID
	wDesignation
	wSourceID
	wRandomIndex
	wRefEpoch
	wFloat // a Row value, by field
	wCount // a Row value written as an integer when it is one
	wParallaxOverError
	wFluxG
	wFluxBP
	wFluxRP
	wFluxErrorG
	wFluxErrorBP
	wFluxErrorRP
	wBPG
	wGRP
)

type wfield struct {
	kind wcol
	c    col // for wFloat and wCount
}

// dr2Layout says what goes in each of the 94 columns.
var dr2Layout = func() []wfield {
	names := strings.Split(DR2Header, ",")
	out := make([]wfield, len(names))
	special := map[string]wcol{
		"solution_id": wSolutionID, "designation": wDesignation, "source_id": wSourceID,
		"random_index": wRandomIndex, "ref_epoch": wRefEpoch,
		"parallax_over_error": wParallaxOverError,
		"phot_g_mean_flux":    wFluxG, "phot_bp_mean_flux": wFluxBP, "phot_rp_mean_flux": wFluxRP,
		"phot_g_mean_flux_error": wFluxErrorG, "phot_bp_mean_flux_error": wFluxErrorBP,
		"phot_rp_mean_flux_error": wFluxErrorRP,
		"bp_g":                    wBPG, "g_rp": wGRP,
	}
	for i, n := range names {
		if k, ok := special[n]; ok {
			out[i] = wfield{kind: k}
			continue
		}
		c, ok := colByName[n]
		switch {
		case !ok || c == colRUWE:
		case c == colNGoodObsAL:
			out[i] = wfield{kind: wCount, c: c}
		default:
			out[i] = wfield{kind: wFloat, c: c}
		}
	}
	return out
}()

// DR2Writer writes stars as a Gaia DR2 bulk partition: the real 94-column
// header, comma separated, nulls as empty fields. From each star.Row it
// writes source_id, ra, dec, l, b, the astrometry, photometry and quality
// columns a Row holds (not ruwe, which DR2 lacks), and derives
// solution_id, designation ("Gaia DR2 <source_id>"), random_index (the
// star's 0-based position in this file), ref_epoch 2015.5,
// parallax_over_error, phot_{g,bp,rp}_mean_flux from the magnitudes (DR2 zero
// points), their errors from the flux-over-error columns, bp_g and g_rp. The
// other columns are empty. Values are written in the shortest form that
// reads back as the same float64, so Read returns exactly the rows written.
//
// The header is written with the first row, or by Flush for a file without
// stars. Call Flush when done; DR2Writer does not close w.
type DR2Writer struct {
	w      *bufio.Writer
	line   []byte
	n      int64 // rows written
	header bool
}

// NewDR2Writer returns a DR2Writer writing to w (wrap w in a gzip.Writer for
// a .csv.gz partition).
func NewDR2Writer(w io.Writer) *DR2Writer {
	return &DR2Writer{w: bufio.NewWriterSize(w, 64<<10)}
}

// Write writes one star. It returns an error, writing nothing, if the star
// has no ra or dec (Read would reject it), and the error of the underlying
// writer.
func (dw *DR2Writer) Write(r star.Row) error {
	if math.IsNaN(r.RA) || math.IsNaN(r.Dec) {
		return fmt.Errorf("partition: DR2Writer: star %d has no ra or dec", r.SourceID)
	}
	if err := dw.writeHeader(); err != nil {
		return err
	}
	b := dw.line[:0]
	for i, f := range dr2Layout {
		if i > 0 {
			b = append(b, ',')
		}
		switch f.kind {
		case wSolutionID:
			b = strconv.AppendInt(b, DR2SolutionID, 10)
		case wDesignation:
			b = append(b, "Gaia DR2 "...)
			b = strconv.AppendInt(b, r.SourceID, 10)
		case wSourceID:
			b = strconv.AppendInt(b, r.SourceID, 10)
		case wRandomIndex:
			b = strconv.AppendInt(b, dw.n, 10)
		case wRefEpoch:
			b = append(b, "2015.5"...)
		case wFloat:
			b = appendFloat(b, *floatField(&r, f.c), 64)
		case wCount:
			b = appendCount(b, *floatField(&r, f.c))
		case wParallaxOverError:
			b = appendFloat(b, r.Parallax/r.ParallaxError, 32)
		case wFluxG:
			b = appendFloat(b, magToFlux(r.G, zeroPointG), 64)
		case wFluxBP:
			b = appendFloat(b, magToFlux(r.BP, zeroPointBP), 64)
		case wFluxRP:
			b = appendFloat(b, magToFlux(r.RP, zeroPointRP), 64)
		case wFluxErrorG:
			b = appendFloat(b, magToFlux(r.G, zeroPointG)/r.GFluxOverError, 64)
		case wFluxErrorBP:
			b = appendFloat(b, magToFlux(r.BP, zeroPointBP)/r.BPFluxOverError, 64)
		case wFluxErrorRP:
			b = appendFloat(b, magToFlux(r.RP, zeroPointRP)/r.RPFluxOverError, 64)
		case wBPG:
			b = appendFloat(b, r.BP-r.G, 32)
		case wGRP:
			b = appendFloat(b, r.G-r.RP, 32)
		}
	}
	b = append(b, '\n')
	dw.line = b
	dw.n++
	_, err := dw.w.Write(b)
	return err
}

// WriteBlock writes every star of b, in order.
func (dw *DR2Writer) WriteBlock(b *star.Block) error {
	for i := range b.Len() {
		if err := dw.Write(b.Row(i)); err != nil {
			return err
		}
	}
	return nil
}

// Rows returns the number of rows written so far.
func (dw *DR2Writer) Rows() int64 { return dw.n }

// Flush writes the header if no star was written, then any buffered data.
func (dw *DR2Writer) Flush() error {
	if err := dw.writeHeader(); err != nil {
		return err
	}
	return dw.w.Flush()
}

func (dw *DR2Writer) writeHeader() error {
	if dw.header {
		return nil
	}
	dw.header = true
	_, err := dw.w.WriteString(DR2Header + "\n")
	return err
}

func magToFlux(mag, zp float64) float64 { return math.Pow(10, 0.4*(zp-mag)) }

// appendFloat writes v (rounded to float32 when bits is 32) in the shortest
// form that reads back as the same value, as Python's repr does: positional
// between 1e-4 and 1e16 with at least one decimal, exponent otherwise; NaN
// (a null) as nothing.
func appendFloat(b []byte, v float64, bits int) []byte {
	if math.IsNaN(v) {
		return b
	}
	if bits == 32 {
		v = float64(float32(v))
	}
	if math.IsInf(v, 0) {
		return strconv.AppendFloat(b, v, 'g', -1, bits)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.AppendFloat(b, v, 'e', -1, bits)
	}
	n := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, bits)
	for _, c := range b[n:] {
		if c == '.' {
			return b
		}
	}
	return append(b, ".0"...)
}

// appendCount writes an integral v as an integer and anything else as a
// float, so that every value round-trips.
func appendCount(b []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return appendFloat(b, v, 64)
}
