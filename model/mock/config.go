package mock

import (
	"errors"
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// Config describes a mock sky. Its zero value is a valid, empty mock of the
// paper-000 population; each zero field means the default its comment names.
// A Config is plain data (it marshals to JSON), so a pipeline can ship it to
// its workers.
type Config struct {
	// Seed keys every random draw (see the package documentation).
	Seed uint64

	// Stars is the exact number of stars of the smooth populations (the
	// paper-000 population and the halo and thick-disk background) over the
	// whole sky. Stream stars come in addition to it.
	Stars int64

	// NoCMD leaves out the paper-000 §4.1 population (default: included).
	NoCMD bool
	// Background adds the halo and thick-disk background of the stream
	// search (default: not included).
	Background bool
	// BackgroundFraction is the share of Stars given to the background when
	// both populations are on; zero means 0.5.
	BackgroundFraction float64

	// Streams are injected along their tracks, in addition to Stars.
	Streams []Stream

	// CMD is the true colour-magnitude density of the paper-000 population;
	// nil means DefaultCMD().
	CMD *CMD
	// DistanceScale is L of the paper-000 distance density
	// P(d) ∝ d² exp(-d/L), in parsecs; zero means 1000 pc (paper 000 §4.1).
	DistanceScale float64

	// Dust is the reddening map; nil means DefaultDust(). Use
	// &dust.Gaussian{} for a dust-free sky.
	Dust *dust.Gaussian
	// Extinction converts the map's E (E(g-r)) into Gaia bands; a zero
	// coefficient means paper 000's (A_G = 2.71 E, E(BP-RP) = 0.85 E,
	// E(BP-G) = 0.39 E, so A_BP = 3.10 E and A_RP = 2.25 E).
	Extinction dust.Extinction

	// MagLimit is the faint limit in true apparent G of every star (Gaia's
	// completeness ends near G = 21); zero means 21. The paper-000
	// population keeps its CMD under the limit: its distances are drawn
	// conditioned on the window (see visibleDistance).
	MagLimit float64

	// ParallaxZeroPoint is added to every observed parallax, mas: the
	// global zero point of Gaia DR2 (observed minus true parallax). Zero
	// means DR2ZeroPoint, the value gaiaflow distances corrects by
	// default, so a mock and the pipeline's defaults agree; set
	// NoParallaxZeroPoint for unbiased parallaxes.
	ParallaxZeroPoint   float64
	NoParallaxZeroPoint bool

	// NoColourFraction is the share of stars, drawn at random, whose BP
	// and RP are missing (their columns empty), as for the 0.31 billion
	// DR2 sources with G and a parallax but no BP/RP; 0 means none, and
	// leaves every other draw of the mock unchanged.
	NoColourFraction float64

	// ShardLevel is the HEALPix NESTED level (ICRS) of a shard, 0 to 12:
	// 12·4^level shards. Zero means level 0 (12 shards); SuggestShardLevel
	// picks one for a number of stars.
	ShardLevel int

	// Patches, if not empty, keeps only the shards that reach into these
	// stream-search patches (RING pixels at sky.PatchNside, Galactic, each
	// a disc of sky.PatchRadius): the sky of Stars stars at its full
	// density there and nothing elsewhere, so that a search at the density
	// of the real sky costs the stars of its patches, not of the sky's.
	// Stars still counts the whole sky's, and a stream keeps the stars that
	// fall in the shards kept.
	Patches []int64 `json:",omitempty"`
}

// Stream is a thin stellar stream injected along a track.
type Stream struct {
	Name  string
	Track Track
	// N is the number of stars of the stream brighter than Config.MagLimit.
	N int
	// Width is the Gaussian sigma of the stars' angular offsets across the
	// track, degrees; zero means 0.1. The spread in distance has the same
	// physical size: sigma_d = d × Width (in radians).
	Width float64
	// PMDispersion is the Gaussian sigma of each proper-motion component
	// about the track's, mas/yr; zero means 0.1 (a few km/s at 10 kpc).
	PMDispersion float64
	// Isochrone gives the stars' magnitudes; nil means GD1Isochrone().
	Isochrone *Isochrone
}

// GD1Stream returns a GD-1-like stream of n stars along the embedded GD-1
// track (GD1Track) with the embedded old metal-poor isochrone, Width 0.15 deg
// and PMDispersion 0.1 mas/yr.
func GD1Stream(n int) Stream {
	return Stream{Name: "GD-1", Track: GD1Track(), N: n, Width: 0.15, PMDispersion: 0.1}
}

// DR2ZeroPoint is Gaia DR2's global parallax zero point, observed minus true,
// mas (Lindegren et al. 2018, A&A 616, A2, from quasars: -0.029).
const DR2ZeroPoint = -0.029

// DefaultDust returns the mock's default dust map: a Gaussian centred on
// (ra, dec) = (240, -10) deg with sigmas 40 and 25 deg and a peak of 0.2
// mag/kpc, no dust elsewhere. A star 3 kpc away at the centre has E = 0.6,
// A_G = 1.6 mag; most of the dusty region is north of dec -30 (where the
// distance pipeline keeps stars), and the GD-1 track stays almost clear
// (E < 0.05 at 10 kpc).
func DefaultDust() *dust.Gaussian {
	return &dust.Gaussian{RA: 240, Dec: -10, SigmaRA: 40, SigmaDec: 25, Peak: 0.2}
}

// Defaults returns cfg with every zero field that has a default set to it:
// the values Generate uses. Applying it twice changes nothing.
func (cfg Config) Defaults() Config {
	if cfg.BackgroundFraction == 0 {
		cfg.BackgroundFraction = 0.5
	}
	if cfg.CMD == nil {
		cfg.CMD = DefaultCMD()
	}
	if cfg.DistanceScale == 0 {
		cfg.DistanceScale = 1000
	}
	if cfg.Dust == nil {
		cfg.Dust = DefaultDust()
	}
	ag, bprp, bpg := cfg.Extinction.Coefficients()
	cfg.Extinction = dust.Extinction{AG: ag, BPRP: bprp, BPG: bpg}
	if cfg.MagLimit == 0 {
		cfg.MagLimit = 21
	}
	if cfg.ParallaxZeroPoint == 0 && !cfg.NoParallaxZeroPoint {
		cfg.ParallaxZeroPoint = DR2ZeroPoint
	}
	streams := make([]Stream, len(cfg.Streams))
	for i, s := range cfg.Streams {
		if s.Width == 0 {
			s.Width = 0.1
		}
		if s.PMDispersion == 0 {
			s.PMDispersion = 0.1
		}
		if s.Isochrone == nil {
			s.Isochrone = GD1Isochrone()
		}
		if s.Name == "" {
			s.Name = fmt.Sprintf("stream%d", i)
		}
		streams[i] = s
	}
	cfg.Streams = streams
	return cfg
}

// ErrConfig is wrapped by every error Validate returns.
var ErrConfig = errors.New("mock: invalid config")

// Validate reports whether cfg (after Defaults) describes a mock that can be
// generated. The errors wrap ErrConfig.
func (cfg Config) Validate() error {
	c := cfg.Defaults()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case c.Stars < 0:
		return bad("Stars = %d", c.Stars)
	case c.ShardLevel < 0 || c.ShardLevel > 12:
		return bad("ShardLevel %d is outside 0..12 (source_ids carry the level-12 pixel)", c.ShardLevel)
	case c.Stars > 0 && c.NoCMD && !c.Background:
		return bad("Stars = %d but both smooth populations are off", c.Stars)
	case !(c.BackgroundFraction >= 0 && c.BackgroundFraction <= 1):
		return bad("BackgroundFraction %g is outside [0, 1]", c.BackgroundFraction)
	case !(c.DistanceScale > 0) || !finite(c.DistanceScale):
		return bad("DistanceScale %g pc", c.DistanceScale)
	case !(c.MagLimit > 0 && c.MagLimit < 40):
		return bad("MagLimit %g", c.MagLimit)
	case !(c.NoColourFraction >= 0 && c.NoColourFraction <= 1):
		return bad("NoColourFraction %g is outside [0, 1]", c.NoColourFraction)
	case cfg.NoParallaxZeroPoint && cfg.ParallaxZeroPoint != 0:
		return bad("NoParallaxZeroPoint with ParallaxZeroPoint %g", cfg.ParallaxZeroPoint)
	case !finite(c.ParallaxZeroPoint) || math.Abs(c.ParallaxZeroPoint) > 1:
		return bad("ParallaxZeroPoint %g mas", c.ParallaxZeroPoint)
	case !c.CMD.validate():
		return bad("CMD: weights must be positive and sum to 1, widths positive")
	}
	for _, p := range c.Patches {
		if p < 0 || p >= sky.NPix(sky.PatchNside) {
			return bad("patch %d is not a RING pixel at nside %d", p, sky.PatchNside)
		}
	}
	if err := c.Dust.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := c.Extinction.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	for i, s := range c.Streams {
		switch {
		case s.N < 0:
			return bad("stream %d (%s): N = %d", i, s.Name, s.N)
		case !(s.Width > 0 && s.Width < 30):
			return bad("stream %d (%s): Width %g deg", i, s.Name, s.Width)
		case !(s.PMDispersion > 0) || !finite(s.PMDispersion):
			return bad("stream %d (%s): PMDispersion %g", i, s.Name, s.PMDispersion)
		}
		if err := s.Track.Validate(); err != nil {
			return fmt.Errorf("%w: stream %d (%s): %w", ErrConfig, i, s.Name, err)
		}
		if err := s.Isochrone.Validate(); err != nil {
			return fmt.Errorf("%w: stream %d (%s): %w", ErrConfig, i, s.Name, err)
		}
	}
	return nil
}

// SuggestShardLevel returns the smallest HEALPix level (at most 12) whose
// shards hold at most about 50,000 stars each on average: big enough for the
// per-shard set-up to be negligible, small enough for a worker.
func SuggestShardLevel(stars int64) int {
	level := 0
	for level < 12 && float64(stars)/(12*math.Pow(4, float64(level))) > 50000 {
		level++
	}
	return level
}
