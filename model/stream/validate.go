package stream

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mathext"

	"github.com/gaiaflow/gaiaflow/model/hist"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// UniformDisk fills phi and lambda with positions (degrees) drawn uniformly
// in the disk of the given radius (degrees) about the patch centre, the
// flat-sky stand-in for background stars. It panics if the lengths differ.
func UniformDisk(rng *rand.Rand, phi, lambda []float64, radius float64) {
	if len(phi) != len(lambda) {
		panic(fmt.Sprintf("stream: UniformDisk: %d phi, %d lambda", len(phi), len(lambda)))
	}
	for i := range phi {
		r := radius * math.Sqrt(rng.Float64())
		s, c := math.Sincos(2 * math.Pi * rng.Float64())
		phi[i], lambda[i] = r*c, r*s
	}
}

// OnLine fills phi and lambda with positions (degrees) along the chord of
// line l across the disk of the given radius, uniform along it, with a
// Gaussian offset of standard deviation width (degrees) across it; points
// pushed out of the disk are drawn again. It panics if the lengths differ or
// the line misses the disk.
func OnLine(rng *rand.Rand, phi, lambda []float64, l Line, width, radius float64) {
	if len(phi) != len(lambda) {
		panic(fmt.Sprintf("stream: OnLine: %d phi, %d lambda", len(phi), len(lambda)))
	}
	if math.Abs(l.Rho) >= radius {
		panic(fmt.Sprintf("stream: OnLine: line rho %v misses the disk of radius %v", l.Rho, radius))
	}
	h := math.Sqrt(radius*radius - l.Rho*l.Rho)
	s, c := math.Sincos(l.Theta)
	for i := range phi {
		for {
			t := h * (2*rng.Float64() - 1)
			d := width * rng.NormFloat64()
			x, y := (l.Rho+d)*s+t*c, -(l.Rho+d)*c+t*s
			if x*x+y*y <= radius*radius {
				phi[i], lambda[i] = x, y
				break
			}
		}
	}
}

// NoiseSigmas returns, in ascending order, the sigma_L of the best line
// that a Finder of cfg reports on each of trials sets of n stars uniform in
// the disk of cfg's Radius: the distribution of the line significance of an
// ROI without a stream (Shih et al. 2022, §3.4-3.5: the "bulk distribution
// at low sigma"). Trial k draws from PCG(seed, k), so the result depends on
// nothing but the arguments. Quantile reads it.
func NoiseSigmas(cfg HoughConfig, n, trials int, seed uint64) []float64 {
	f := NewFinder(cfg)
	radius := f.Config().Radius
	phi, lambda := make([]float64, n), make([]float64, n)
	out := make([]float64, trials)
	for k := range trials {
		rng := keyrand.New(seed, uint64(k))
		UniformDisk(rng, phi, lambda, radius)
		out[k] = f.Find(phi, lambda).Sigma
	}
	slices.Sort(out)
	return out
}

// NoiseQuantiles returns the quantiles probs (each in [0, 1]) of the
// noise distribution NoiseSigmas(cfg, n, trials, seed). For the paper's
// configuration, 100 stars and 5000 seeds: 5% 4.4, 16% 4.8, 50% 5.5, 84%
// 6.5, 95% 7.3, 99% 8.5, 99.9% 10.1.
func NoiseQuantiles(cfg HoughConfig, n, trials int, seed uint64, probs []float64) []float64 {
	s := NoiseSigmas(cfg, n, trials, seed)
	out := make([]float64, len(probs))
	for i, p := range probs {
		out[i] = hist.Quantile(s, p)
	}
	return out
}

// RecoveryConfig describes a line-recovery experiment: ROIs of NLine stars
// on a known line (Gaussian width Width across it) among NNoise uniform
// stars in the disk of the Hough configuration's Radius.
type RecoveryConfig struct {
	Hough HoughConfig
	// Lines are the injected lines, used in turn; nil draws each trial's
	// line uniformly in theta in [0, pi) and rho in [-MaxRho, MaxRho].
	Lines  []Line
	MaxRho float64 // degrees; 0 means 8
	NLine  int     // stars on the line; 0 means 30
	NNoise int     // uniform stars; 0 means 70 (100 stars per ROI in all)
	Width  float64 // degrees; 0 means 0.1, < 0 means exactly on the line
	Trials int     // 0 means 200
	Seed   uint64
	// TolTheta (radians) and TolRho (degrees) define a recovered line; 0
	// means one theta bin and 0.3 degrees.
	TolTheta, TolRho float64
}

// Recovery is the outcome of Recover.
type Recovery struct {
	Trials, Recovered int
	// DTheta (radians) and DRho (degrees) are, per trial, the fitted line
	// minus the injected one (Line.Diff); Sigma the fitted sigma_L.
	DTheta, DRho, Sigma []float64
	// Box is true for the trials where the paper's bin (Fit.BoxLine), not
	// only the refined line, is within the tolerances.
	Box []bool
}

// Recover runs the line-recovery experiment cfg describes: trial k draws
// from PCG(Seed, k), fits the ROI with a Finder and compares the fitted line
// with the injected one.
func Recover(cfg RecoveryConfig) Recovery {
	f := NewFinder(cfg.Hough)
	h := f.Config()
	if cfg.MaxRho == 0 {
		cfg.MaxRho = 8
	}
	if cfg.NLine == 0 {
		cfg.NLine = 30
	}
	if cfg.NNoise == 0 {
		cfg.NNoise = 70
	}
	if cfg.Width == 0 {
		cfg.Width = 0.1
	}
	width := math.Max(cfg.Width, 0)
	if cfg.Trials == 0 {
		cfg.Trials = 200
	}
	if cfg.TolTheta == 0 {
		cfg.TolTheta = math.Pi / float64(h.ThetaBins)
	}
	if cfg.TolRho == 0 {
		cfg.TolRho = 0.3
	}
	n := cfg.NLine + cfg.NNoise
	phi, lambda := make([]float64, n), make([]float64, n)
	res := Recovery{Trials: cfg.Trials}
	for k := range cfg.Trials {
		rng := keyrand.New(cfg.Seed, uint64(k))
		var l Line
		if cfg.Lines != nil {
			l = cfg.Lines[k%len(cfg.Lines)]
		} else {
			l = Line{Theta: math.Pi * rng.Float64(), Rho: cfg.MaxRho * (2*rng.Float64() - 1)}
		}
		OnLine(rng, phi[:cfg.NLine], lambda[:cfg.NLine], l, width, h.Radius)
		UniformDisk(rng, phi[cfg.NLine:], lambda[cfg.NLine:], h.Radius)
		fit := f.Find(phi, lambda)
		dt, dr := fit.Line.Diff(l)
		res.DTheta = append(res.DTheta, dt)
		res.DRho = append(res.DRho, dr)
		res.Sigma = append(res.Sigma, fit.Sigma)
		bt, br := fit.BoxLine.Diff(l)
		res.Box = append(res.Box, math.Abs(bt) <= cfg.TolTheta && math.Abs(br) <= cfg.TolRho)
		if math.Abs(dt) <= cfg.TolTheta && math.Abs(dr) <= cfg.TolRho {
			res.Recovered++
		}
	}
	return res
}

// FalsePositives summarises a search of a sky without streams: every
// candidate is a false one.
type FalsePositives struct {
	Patches    int     `json:"patches"`    // patches with at least one scored search region
	Candidates int     `json:"candidates"` // above the cuts
	PerPatch   float64 `json:"false_positives_per_patch"`
	// UpperPerPatch is the one-sided 95 % upper limit on the rate per
	// patch, from Candidates as a Poisson count (PoissonUpper): with few
	// or no false positives, the rate a run of this many patches can
	// still not rule out.
	UpperPerPatch float64 `json:"false_positives_per_patch_95"`
	// Probs and Sigma: quantiles of the largest proto-cluster's sigma_tot
	// per patch (0 for a patch without any), and Max the largest of all.
	Probs []float64 `json:"probs"`
	Sigma []float64 `json:"sigma_tot"`
	Max   float64   `json:"max_sigma_tot"`
	// AboveSigma counts the patches whose largest proto-cluster passes the
	// sigma_tot cut (whatever its N_SR).
	AboveSigma int `json:"patches_above_sigma_cut"`
}

// NullSky returns the false-positive summary of a search of patches
// patches that found candidates candidates, largest being each patch's
// largest proto-cluster (LargestByPatch), minSigma the sigma_tot cut.
func NullSky(patches, candidates int, largest []PatchSigma, minSigma float64, probs []float64) FalsePositives {
	fp := FalsePositives{Patches: patches, Candidates: candidates, Probs: probs}
	if patches > 0 {
		fp.PerPatch = float64(candidates) / float64(patches)
		fp.UpperPerPatch = PoissonUpper(candidates, 0.95) / float64(patches)
	}
	// At least one value: without any patch the quantiles are 0, as for
	// patches without a proto-cluster.
	s := make([]float64, max(patches, len(largest), 1))
	for i, l := range largest {
		s[i] = l.Sigma
		if l.Sigma > minSigma {
			fp.AboveSigma++
		}
	}
	slices.Sort(s)
	for _, p := range probs {
		fp.Sigma = append(fp.Sigma, hist.Quantile(s, p))
	}
	if len(s) > 0 {
		fp.Max = s[len(s)-1]
	}
	return fp
}

// TrainingFalsePositives is what the single trainings of searches with
// retrainings found on a sky without streams, each training of each patch
// counted as a search of its own: beside the candidates that a majority of
// retrainings lets through, the rate of the same search without
// retrainings, from several times the patches.
type TrainingFalsePositives struct {
	PatchTrainings int     `json:"patch_trainings"` // patches x trainings
	Candidates     int     `json:"candidates"`      // over every training alone
	PerPatch       float64 `json:"false_positives_per_patch"`
	UpperPerPatch  float64 `json:"false_positives_per_patch_95"` // PoissonUpper, as FalsePositives'
}

// SingleTrainings returns the TrainingFalsePositives of searches of which
// the i-th searched patches[i] patches and whose r-th training alone made
// byRetraining[i][r] candidates (CandidatesByRetraining): every training
// of a search with retrainings, or the first training of a confirming one,
// whose other trainings did not search every region (the caller gives only
// the first's count). Searches with no count, those without retrainings,
// are left out; ok is false if none is left.
func SingleTrainings(patches []int, byRetraining [][]int) (fp TrainingFalsePositives, ok bool) {
	for i, by := range byRetraining {
		if len(by) == 0 {
			continue
		}
		fp.PatchTrainings += patches[i] * len(by)
		for _, k := range by {
			fp.Candidates += k
		}
	}
	if fp.PatchTrainings == 0 {
		return fp, false
	}
	fp.PerPatch = float64(fp.Candidates) / float64(fp.PatchTrainings)
	fp.UpperPerPatch = PoissonUpper(fp.Candidates, 0.95) / float64(fp.PatchTrainings)
	return fp, true
}

// PoissonUpper returns the one-sided upper limit at confidence level cl on
// the mean of a Poisson count of which k were seen: the mean mu at which
// P(X <= k | mu) = 1 - cl (Gehrels 1986, eq. 1), from P(X <= k | mu) =
// Q(k+1, mu), the regularised upper incomplete gamma function. For k = 0
// it is -ln(1 - cl), 3.00 at 95 %. It panics if k < 0 or cl is not in
// (0, 1).
func PoissonUpper(k int, cl float64) float64 {
	if k < 0 || !(cl > 0 && cl < 1) {
		panic(fmt.Sprintf("stream: PoissonUpper(%d, %g)", k, cl))
	}
	return mathext.GammaIncRegInv(float64(k+1), cl)
}
