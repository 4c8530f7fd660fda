package distance

import "strings"

// Flag is the flag word of a catalog row or a training point: a set of the
// bits below. A flagged row is still a result; the flags say how far to
// trust it.
type Flag uint32

const (
	// FlagNotConverged: d_best changed by more than Config.Tol (relative)
	// in the last iteration.
	FlagNotConverged Flag = 1 << iota
	// FlagOffCMD: in the last iteration the CMD density was zero at every
	// sample (a star off the learned CMD, or photometry outside a grid's
	// box). The row then describes the parallax likelihood times the prior
	// alone, and d_best is the last one that had weights.
	FlagOffCMD
	// FlagZeroWeights: some iteration had zero density at every sample;
	// d_best was kept unchanged through it.
	FlagZeroWeights
	// FlagDustUnreliable: the final d_best is outside the dust map's
	// reliable distance range on this line of sight, or the map returned
	// no value there during the iterations (E = 0 was used).
	FlagDustUnreliable
	// FlagNegativeParallax: the published parallax is negative (before
	// the offset), the ϖ_obs < 0 of paper 000 Table 1.
	FlagNegativeParallax
	// FlagFewSamples: the effective number of samples of the final
	// weights, (Σw)²/Σw², is below Config.MinESS: the posterior rests on
	// one or two parallax samples, and its quantiles are coarse.
	FlagFewSamples
	// FlagDensityNaN: the CMD density returned NaN for some sample; it
	// was taken as zero.
	FlagDensityNaN
	// FlagHighRUWE: RUWE >= Config.MaxRUWE (catalog only: training cuts
	// these stars).
	FlagHighRUWE
	// FlagNoRUWE: neither the ruwe column nor chi2, n_good and a u0 table
	// gave a RUWE (catalog only: training cuts these stars).
	FlagNoRUWE
	// FlagDuplicate: another row of the same shard has this source_id (the
	// partition holds the star twice); duplicates across shards are listed
	// in the version's manifest.
	FlagDuplicate
	// FlagRefined: the first K samples gave an effective sample size below
	// Config.RefineESS, and the row comes from a second estimate with
	// Config.RefineK samples drawn where the first found the posterior
	// (the samples column says how many).
	FlagRefined
	// FlagNoColour: the star has no BP or RP; its distance comes from the
	// CMD density's marginal in g, the colours integrated out (paper 000
	// §5), and its colour columns are empty.
	FlagNoColour

	numFlags = iota
)

var flagNames = [numFlags]string{
	"not_converged", "off_cmd", "zero_weights", "dust_unreliable",
	"negative_parallax", "few_samples", "density_nan", "high_ruwe", "no_ruwe",
	"duplicate", "refined", "no_colour",
}

// FlagNames returns the name of each bit, bit 0 first, for the catalog's
// metadata.
func FlagNames() []string { return append([]string(nil), flagNames[:]...) }

// String returns the names of the bits set, joined by "|", or "0".
func (f Flag) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for i := 0; i < numFlags; i++ {
		if f&(1<<i) != 0 {
			parts = append(parts, flagNames[i])
		}
	}
	if rest := f &^ (1<<numFlags - 1); rest != 0 {
		parts = append(parts, "unknown")
	}
	return strings.Join(parts, "|")
}
