package distance

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// num is a float64 that JSON writes as null when it is NaN or infinite.
type num float64

func (v num) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

type binJSON struct {
	Label    string `json:"label"`
	Lo       num    `json:"lo"`
	Hi       num    `json:"hi"`
	Count    int64  `json:"count"`
	Fraction num    `json:"fraction"`
}

func binsJSON(bs []Bin) []binJSON {
	out := make([]binJSON, len(bs))
	for i, b := range bs {
		out[i] = binJSON{b.Label, num(b.Lo), num(b.Hi), b.Count, num(b.Fraction)}
	}
	return out
}

// MarshalJSON writes r with the field names of its tags, NaN and infinite
// values as null.
func (r Table1Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Total                       int64     `json:"total"`
		Distance                    []binJSON `json:"distance"`
		ModelSNR                    []binJSON `json:"model_snr"`
		GaiaSNR                     []binJSON `json:"gaia_snr"`
		MeanSNRImprovement          num       `json:"mean_snr_improvement"`
		MeanSNRRatio                num       `json:"mean_snr_ratio"`
		PositiveParallaxes          int64     `json:"positive_parallaxes"`
		NegativeParallaxFraction    num       `json:"negative_parallax_fraction"`
		NonPositiveDistFraction     num       `json:"nonpositive_distance_fraction"`
		MeanSNRNegative             num       `json:"mean_snr_negative"`
		MeanDistNegative            num       `json:"mean_distance_negative_pc"`
		MeanDistNegativeSNRWeighted num       `json:"mean_distance_negative_snr_weighted_pc"`
	}{r.Total, binsJSON(r.Distance), binsJSON(r.ModelSNR), binsJSON(r.GaiaSNR),
		num(r.MeanSNRImprovement), num(r.MeanSNRRatio), r.PositiveParallaxes,
		num(r.NegativeParallaxFraction), num(r.NonPositiveDistFraction),
		num(r.MeanSNRNegative), num(r.MeanDistNegative), num(r.MeanDistNegativeSNRWeighted)})
}

// sci formats a fraction as the paper does (5.430e-07), "0" for zero and
// "-" for NaN.
func sci(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v == 0:
		return "0"
	}
	return strconv.FormatFloat(v, 'e', 3, 64)
}

// kpc formats a distance in pc as kpc with three decimals.
func kpc(pc float64) string {
	if math.IsNaN(pc) {
		return "-"
	}
	return strconv.FormatFloat(pc/1000, 'f', 3, 64) + " kpc"
}

// Markdown renders r as paper 000 Table 1: one row per statistic, with a
// Gaia and a Model column. The bins beyond the paper's rows (d <= 1 pc,
// d > 1000 kpc, SNR > 1000) appear only when they hold stars.
func (r Table1Result) Markdown() string {
	var sb strings.Builder
	row := func(name, gaia, model string) { fmt.Fprintf(&sb, "| %s | %s | %s |\n", name, gaia, model) }
	sb.WriteString("| Number | Gaia Value (if relevant) | Model Value |\n|---|---|---|\n")
	row("Total Catalog Entries", "", strconv.FormatInt(r.Total, 10))
	for i, b := range r.Distance {
		if (i == 0 || i == len(r.Distance)-1) && b.Count == 0 {
			continue
		}
		row("Fraction of Stars with "+b.Label, "", sci(b.Fraction))
	}
	for i := range r.ModelSNR {
		m, g := r.ModelSNR[i], r.GaiaSNR[i]
		if i == len(r.ModelSNR)-1 && m.Count == 0 && g.Count == 0 {
			continue
		}
		row("SNR ∈ "+m.Label, sci(g.Fraction), sci(m.Fraction))
	}
	imp := "-"
	if !math.IsNaN(r.MeanSNRImprovement) {
		imp = strconv.FormatFloat(100*r.MeanSNRImprovement, 'f', 1, 64) + "%"
	}
	row("Mean SNR Improvement of the points with ϖ_obs > 0", "", imp)
	row("Negative Fraction of Parallaxes", sci(r.NegativeParallaxFraction), sci(r.NonPositiveDistFraction))
	snr := "-"
	if !math.IsNaN(r.MeanSNRNegative) {
		snr = strconv.FormatFloat(r.MeanSNRNegative, 'f', 3, 64)
	}
	row("Mean SNR of the points with ϖ_obs < 0", "", snr)
	row("Average Distance of the points with ϖ_obs < 0", "", kpc(r.MeanDistNegative))
	row("Average Distance (weighted by SNR) of the points with ϖ_obs < 0", "", kpc(r.MeanDistNegativeSNRWeighted))
	row("Fraction of posteriors with too few effective samples (no model SNR)", "", sci(r.FewSamplesFraction))
	row("Stars without BP/RP, placed with the CMD's marginal in g", "", strconv.FormatInt(r.NoColour, 10))
	sb.WriteString("\nSNR is d/σ_d for the model and ϖ_obs/σ_ϖ for Gaia. Mean SNR improvement: mean(model SNR)/mean(Gaia SNR) − 1.\n")
	return sb.String()
}
