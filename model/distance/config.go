package distance

import (
	"errors"
	"fmt"
	"github.com/gaiaflow/gaiaflow/model/star"
	"math"
)

// Mode says which of the two products of paper 000 an Estimator makes.
type Mode int

const (
	// Catalog: a distance posterior per star (§4.2). T = 10 iterations;
	// the dust map's posterior samples enter (see Config); no RUWE cut,
	// RUWE is flagged instead.
	Catalog Mode = iota
	// Training: a colour-magnitude point and its loss weight per star
	// (§3.2). T = 5 iterations at the dust map's median; RUWE cut.
	Training
)

// String returns "catalog" or "training".
func (m Mode) String() string {
	switch m {
	case Catalog:
		return "catalog"
	case Training:
		return "training"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// DR2ParallaxOffset is the global parallax zero point of Gaia DR2 that
// paper 000 §2 adds to every parallax (Lindegren et al. 2018), in mas.
const DR2ParallaxOffset = 0.029

// DefaultRefineESS and DefaultRefineSamples (times K) are the defaults of
// Config.RefineESS and Config.RefineK. A posterior's quantiles from a few
// effective samples are not only noisy but too narrow on average, and the
// noise in their median and width costs coverage too. Against exact
// posteriors (the true CMD convolved with each star's colour noise and
// integrated over distance; TestCatalogIsCalibratedOnTheMockCMD), the
// catalog with the true CMD at the former defaults (below 4 effective
// samples, with 2 K) had widths 2-3 % narrow, medians 0.10 widths off the
// exact ones and coverage 3-5 points short; at these, 1-2 %, 0.07 and 2-3.5
// points, for 1.3 times the catalog's CPU time on the demo sky (8 K
// samples: 0.05 widths, at 2.2 times). With a learned CMD on a
// 60,000-star paper-000 sky: coverage 64.6 % -> 66.4 %, pull spread 1.09 ->
// 1.03.
//
// The refined samples were then raised from 4 K to 32 K. Most of a
// catalog's stars are refined (71 % of the demo's), and where the CMD
// allows a narrow range of absolute magnitude their posteriors still rest
// on a few of 4 K samples. Against the exact posteriors of the test above
// (coverage 67.8 %), from 4 K to 8, 16, 32 and 64 K samples: median
// |q50 - exact|/width 0.067, 0.056, 0.047, 0.040, 0.035; width ratio 0.985,
// 0.987, 0.991, 0.992, 0.995; coverage 65.7, 66.2, 66.4, 66.3, 66.5 %. On the
// demo's sky (its model, seed 1), all-star coverage 63.6, 64.4, 64.9, 65.1,
// 65.3 %, quantile-pull spread 1.12, 1.10, 1.08, 1.07, 1.07, and
// few_samples 0.36 % -> 0 at 32 K; the catalog's CPU time 1.8 times at
// 16 K and 3.2 times at 32 K (the paper's settings, --refine-ess -1,
// refine no star and are not slowed). On a 60,000-star paper-000 sky,
// 69.9 % -> 70.5 %.
const (
	DefaultRefineESS     = 8.0
	DefaultRefineSamples = 32
)

// DefaultConverged is Config.Converged's default: d_best settled to 1e-9
// (relative) ends eq. 2's iteration. On the demo sky the catalog's
// quantiles then differ from those of all ten iterations by at most 1e-7
// of the posterior's width, and the stars need 5.9 iterations on average.
const DefaultConverged = 1e-9

// DefaultSigmaCMD is Config.SigmaCMD's default, mag: about the intrinsic
// width of the main sequence in absolute G (binaries, metallicity and age
// spread), the narrowest feature of the CMD that holds most stars.
const DefaultSigmaCMD = 0.2

// Config is the configuration of an Estimator. The zero value of every field
// is a documented default, so Config{} is the paper's catalog run and
// Config{Mode: Training} its training run.
type Config struct {
	Mode Mode
	Seed uint64 // run seed; with source_id it keys every random draw

	K int // parallax samples per star; 0 means 32
	T int // iterations of eq. 2; 0 means 10 (Catalog) or 5 (Training)

	// ParallaxOffset is added to every published parallax, in mas; 0
	// means DR2ParallaxOffset (+0.029), unless NoParallaxOffset is set
	// (for DR3 users who correct the zero point elsewhere).
	ParallaxOffset   float64
	NoParallaxOffset bool

	Extinction Extinction // zero means PaperExtinction
	Prior      Prior      // zero means FlatParallax (eq. 2)

	// MaxRUWE is the RUWE at and above which a star is cut in training
	// and flagged in the catalog; 0 means 1.4 (paper 000 §2).
	MaxRUWE float64
	// KeepNoRUWE keeps, in training, stars with no RUWE to cut on (flagged
	// no_ruwe): for member lists already cleaned by their authors, which
	// carry no astrometric-quality columns.
	KeepNoRUWE bool
	// MinParallaxSNR, in training only, cuts stars whose parallax/error is
	// below it (counted under "parallax"); 0 means no such cut, as in the
	// paper. The flat-density first guess of a low-SNR star is far off
	// (its parallax samples reach near zero), and BatchNorm's batch
	// statistics, unlike the loss, are not weighted: such stars can keep a
	// small, quick training from converging.
	MinParallaxSNR float64
	// MaxColourError, in training only, cuts stars whose BP-RP error
	// (sigma_BP and sigma_RP from the flux_over_error columns, in
	// quadrature) is above it, mag (counted under "colour_error"); 0
	// means no such cut, as in the paper; a star whose errors are unknown
	// is kept. A faint star's colour noise (0.4 mag at G = 20.5 in DR2)
	// is several times the width of the sequences it lies on, and the
	// training's stochastic EM deconvolves it at a rate of about
	// 1 - (width/noise)² per pass: the white-dwarf sequence, whose stars
	// are nearly all that faint, stays as wide as its noise. The floor
	// selects on apparent magnitude, so it enters the selection the
	// survey corrects (FitSelection), like the parallax/error floor.
	MaxColourError float64
	// U0 computes a RUWE from astrometric_chi2_al, astrometric_n_good_obs_al,
	// G and BP-RP where the ruwe column is missing (DR2); nil means only
	// the column.
	U0 *U0

	// Tol is the relative change of d_best in the last iteration above
	// which a star gets FlagNotConverged; 0 means 1e-3.
	Tol float64
	// StopEarly ends a star's iterations as soon as d_best changes by less
	// than Tol (the catalog's iterations column then says how many ran).
	StopEarly bool
	// Converged is the relative change of d_best below which eq. 2's
	// iteration has converged and a star's iterations end, at most T of
	// them: paper 000 iterates "until the dust estimate converges", 10
	// times in the catalog. Each further iteration moves d_best by less
	// than the last, so the rows then differ from those of all T
	// iterations by about this much (the demo sky's quantiles by at most
	// 1e-7 of the posterior's width at 1e-9). 0 means 1e-9; negative: all
	// T iterations for every star. (Left out of the JSON when zero, so
	// that catalogs keyed by a Config from before it keep their keys.)
	Converged float64 `json:",omitempty"`

	// DustAtDBest dereddens every sample of a star with the dust at the
	// star's current d_best and iterates eq. 2 T times, as paper 000 does
	// (its one choice in the catalog). By default each sample is dereddened
	// with the dust at its own distance: its weight is then the exact
	// importance weight of the joint posterior over distance and dust,
	// which needs no iteration (one pass, the iterations column 1).
	// Dust at d_best treats a star's extinction as known at the posterior
	// mean, which shifts and narrows the posteriors of stars behind dust
	// that grows along the line of sight: against exact posteriors behind
	// 0.5 mag/kpc of E, coverage 54 % at d_best and 64 % per sample, the
	// exact 68 % (TestDustPerSampleIsExact). Training always uses d_best
	// (the map's median there, eq. 2).
	DustAtDBest bool

	// Stratified draws the K parallax samples at u = (k + U_k)/K, one per
	// stratum of the truncated normal's CDF, instead of independently:
	// the same distribution per sample, a less noisy posterior. The paper
	// draws them independently.
	Stratified bool

	// Quantiles is the number of extra posterior quantiles per catalog
	// row, at levels (j + 1/2)/Quantiles; 0 means none (paper 000 §4.2
	// plans a catalog with 100).
	Quantiles int

	// MinSigmaP floors sigma_P (mag) in the training weight 1/sigma_P², so
	// a noiseless parallax without dust spread has a finite weight; 0 means
	// 0.001.
	MinSigmaP float64

	// SigmaCMD is the intrinsic width (mag) of the colour-magnitude
	// features the flow must learn; it is added in quadrature to sigma_P
	// in the training weight, 1/(sigma_P² + SigmaCMD²), as the intrinsic
	// scatter is in any inverse-variance weighted fit of scattered points.
	// A point more precise than the features it lies on carries no more
	// information about the density than another: with the paper's
	// 1/sigma_P² alone the weights of a Gaia-like sky span four decades,
	// and the Kish effective sample of 20,000 training stars is about 200
	// nearby ones. 0 means DefaultSigmaCMD; negative means none (the
	// paper's weight).
	SigmaCMD float64

	// ObservedColours evaluates the CMD density at each star's observed
	// colours, as paper 000 does. By default each parallax sample instead
	// carries its own draw of the colours from their photometric errors
	// (from the phot_*_mean_flux_over_error columns): eq. 2's sum over the
	// samples then integrates the density over the colour noise as well
	// as over the parallax noise, so the CMD the flow learns is the
	// intrinsic one, not the one blurred by the noise of faint stars'
	// BP and RP (0.1-0.3 mag at G = 20, wider than the main sequence).
	ObservedColours bool

	// RefineESS: in the catalog, a star whose effective sample size after
	// the iteration is below it is estimated again, with RefineK samples
	// drawn (stratified) from its parallax likelihood restricted to the
	// interval where the first estimate found its posterior (FlagRefined).
	// 0 means DefaultRefineESS; negative means never (the paper).
	RefineESS float64
	// RefineK is the number of samples of a refined estimate, rounded up
	// to a multiple of 8; 0 means DefaultRefineSamples K.
	RefineK int

	// MinESS is the effective sample size below which a row gets
	// FlagFewSamples; 0 means 2.
	MinESS float64

	// Chunk is the number of stars whose samples go to the density in one
	// call; 0 means 256 (8192 rows at K = 32). A flow wants large chunks
	// (the trainer's 2048-star mini-batch), a grid is indifferent.
	Chunk int
}

func (c Config) withDefaults() Config {
	if c.K == 0 {
		c.K = 32
	}
	if c.T == 0 {
		c.T = 10
		if c.Mode == Training {
			c.T = 5
		}
	}
	if c.ParallaxOffset == 0 && !c.NoParallaxOffset {
		c.ParallaxOffset = DR2ParallaxOffset
	}
	c.Extinction = extinctionWithDefaults(c.Extinction)
	if c.MaxRUWE == 0 {
		c.MaxRUWE = 1.4
	}
	if c.Tol == 0 {
		c.Tol = 1e-3
	}
	if c.Converged == 0 {
		c.Converged = DefaultConverged
	}
	if c.MinSigmaP == 0 {
		c.MinSigmaP = 0.001
	}
	if c.SigmaCMD == 0 {
		c.SigmaCMD = DefaultSigmaCMD
	}
	if c.RefineESS == 0 {
		c.RefineESS = DefaultRefineESS
	}
	if c.RefineK == 0 {
		c.RefineK = DefaultRefineSamples * c.K
	}
	if c.MinESS == 0 {
		c.MinESS = 2
	}
	if c.Chunk == 0 {
		c.Chunk = 256
	}
	if c.Prior.Kind == ExpDecreasing && c.Prior.L == 0 {
		c.Prior.L = DefaultPriorLength
	}
	return c
}

// WithDefaults returns c with every zero field replaced by its default: the
// values an Estimator uses, for the catalog's metadata.
func (c Config) WithDefaults() Config { return c.withDefaults() }

// Validate reports whether c, with its defaults, is usable.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Mode != Catalog && c.Mode != Training:
		return fmt.Errorf("distance: unknown mode %d", int(c.Mode))
	case c.K < 2:
		return fmt.Errorf("distance: K = %d samples, need at least 2", c.K)
	case c.RefineK < 2:
		return fmt.Errorf("distance: RefineK = %d samples, need at least 2", c.RefineK)
	case math.IsNaN(c.RefineESS):
		return errors.New("distance: RefineESS is NaN")
	case c.T < 1:
		return fmt.Errorf("distance: T = %d iterations, need at least 1", c.T)
	case c.NoParallaxOffset && c.ParallaxOffset != 0:
		return errors.New("distance: NoParallaxOffset with a non-zero ParallaxOffset")
	case !star.Finite(c.ParallaxOffset):
		return errors.New("distance: parallax offset is not finite")
	case !star.Finite(c.Extinction.AG) || !star.Finite(c.Extinction.BPRP) || !star.Finite(c.Extinction.BPG):
		return errors.New("distance: extinction coefficients are not finite")
	case !(c.MaxRUWE > 0):
		return fmt.Errorf("distance: MaxRUWE %g is not positive", c.MaxRUWE)
	case !(c.Tol > 0):
		return fmt.Errorf("distance: Tol %g is not positive", c.Tol)
	case math.IsNaN(c.Converged):
		return errors.New("distance: Converged is NaN")
	case c.Quantiles < 0:
		return fmt.Errorf("distance: %d quantiles", c.Quantiles)
	case !(c.MinSigmaP > 0) || !star.Finite(c.MinSigmaP):
		return fmt.Errorf("distance: MinSigmaP %g is not positive", c.MinSigmaP)
	case !(c.MinESS >= 0):
		return fmt.Errorf("distance: MinESS %g is negative", c.MinESS)
	case c.Chunk < 1:
		return fmt.Errorf("distance: chunk of %d stars", c.Chunk)
	}
	if c.U0 != nil {
		if err := c.U0.Validate(); err != nil {
			return err
		}
	}
	return c.Prior.Validate()
}
