package distance

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// Bins of paper 000 Table 1. Each interval is open below and closed above,
// (lo, hi], as the paper writes them; the first and last bins here also
// catch what lies beyond the paper's rows, so that the fractions of a set of
// bins sum to 1 over the rows with a finite value.
var (
	// DistanceEdges are the upper edges of the distance bins, pc: <= 1 pc,
	// (1 pc, 10 pc], ..., (100 kpc, 1000 kpc], and > 1000 kpc.
	DistanceEdges = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6}
	// SNREdges are the upper edges of the SNR bins: (-inf, 0.1], (0.1, 1],
	// (1, 10], (10, 100], (100, 1000], and > 1000.
	SNREdges = [...]float64{0.1, 1, 10, 100, 1000}
)

const (
	nDistBins = len(DistanceEdges) + 1
	nSNRBins  = len(SNREdges) + 1
)

// Table1Row is what Table1 needs of one catalog row.
type Table1Row struct {
	DistMean, DistStd       float64 // pc
	Parallax, ParallaxError float64 // as published, mas
	// FewSamples marks a posterior carried by fewer than MinESS effective
	// samples (FlagFewSamples): its spread, and so its SNR, is not
	// measured, and it enters no SNR bin or mean (it is counted apart).
	FewSamples bool
	// NoColour marks a star without BP/RP, its distance from the CMD's
	// marginal in g (FlagNoColour): counted apart as well as in the bins.
	NoColour bool
}

// Table1 accumulates the statistics of paper 000 Table 1 over catalog rows:
// the fraction of stars per decade of distance, per bin of model SNR
// (d/sigma_d) and of Gaia SNR (parallax/error), the mean SNR improvement of
// the stars with a positive parallax, the fraction of negative parallaxes,
// and the mean SNR and mean distance (plain and SNR-weighted) of the stars
// with a negative parallax. It is mergeable (Add, Merge, Result), so a Beam
// combiner can wrap it; its fields are exported for the combiner's coder.
// The zero value is an empty table.
type Table1 struct {
	N int64 // rows added

	Dist     [nDistBins]int64 // by DistanceEdges
	ModelSNR [nSNRBins]int64  // by SNREdges
	GaiaSNR  [nSNRBins]int64  // by SNREdges

	// Rows whose distance, model SNR or Gaia SNR is NaN (or whose SNR is
	// infinite, a zero spread): counted in no bin and in no mean.
	DistNaN, ModelSNRNaN, GaiaSNRNaN int64
	// Rows whose model SNR is not measured (Table1Row.FewSamples).
	FewSamples int64
	// Rows of stars without BP/RP (Table1Row.NoColour).
	NoColour int64

	// Stars with parallax > 0 and finite SNRs: sums of the model and the
	// Gaia SNR, and of their ratio.
	NPos                          int64
	SumModelSNRPos, SumGaiaSNRPos FixedSum
	SumRatioPos                   FixedSum

	// Stars with parallax < 0: their number; and over those with a finite
	// model SNR and distance, their number and the sums of the model SNR,
	// the distance, and SNR × distance.
	NNeg, NNegFinite                     int64
	SumSNRNeg, SumDistNeg, SumSNRDistNeg FixedSum
	NonPositiveDist                      int64 // model distances <= 0 (the model's "negative fraction")
}

func bin(edges []float64, v float64) int {
	for i, e := range edges {
		if v <= e {
			return i
		}
	}
	return len(edges)
}

// Add counts one row.
func (t *Table1) Add(r Table1Row) {
	t.N++
	snr := r.DistMean / r.DistStd
	gaia := r.Parallax / r.ParallaxError
	if math.IsNaN(r.DistMean) {
		t.DistNaN++
	} else {
		t.Dist[bin(DistanceEdges[:], r.DistMean)]++
		if r.DistMean <= 0 {
			t.NonPositiveDist++
		}
	}
	if r.NoColour {
		t.NoColour++
	}
	okModel := star.Finite(snr) && !r.FewSamples
	switch {
	case r.FewSamples:
		t.FewSamples++
	case okModel:
		t.ModelSNR[bin(SNREdges[:], snr)]++
	default:
		t.ModelSNRNaN++
	}
	okGaia := star.Finite(gaia)
	if okGaia {
		t.GaiaSNR[bin(SNREdges[:], gaia)]++
	} else {
		t.GaiaSNRNaN++
	}
	switch {
	case r.Parallax > 0 && okModel && okGaia:
		t.NPos++
		t.SumModelSNRPos.Add(snr)
		t.SumGaiaSNRPos.Add(gaia)
		t.SumRatioPos.Add(snr / gaia)
	case r.Parallax < 0:
		t.NNeg++
		if okModel && star.Finite(r.DistMean) {
			t.NNegFinite++
			t.SumSNRNeg.Add(snr)
			t.SumDistNeg.Add(r.DistMean)
			t.SumSNRDistNeg.Add(snr * r.DistMean)
		}
	}
}

// AddRows counts every row of r.
func (t *Table1) AddRows(r *Rows) {
	for i := range r.SourceID {
		t.Add(Table1Row{DistMean: r.DistMean[i], DistStd: r.DistStd[i],
			Parallax: r.Parallax[i], ParallaxError: r.ParallaxError[i], FewSamples: r.Flags[i]&FlagFewSamples != 0,
			NoColour: r.Flags[i]&FlagNoColour != 0})
	}
}

// Merge adds the counts and sums of o to t.
func (t *Table1) Merge(o *Table1) {
	t.N += o.N
	for i := range t.Dist {
		t.Dist[i] += o.Dist[i]
	}
	for i := range t.ModelSNR {
		t.ModelSNR[i] += o.ModelSNR[i]
		t.GaiaSNR[i] += o.GaiaSNR[i]
	}
	t.DistNaN += o.DistNaN
	t.ModelSNRNaN += o.ModelSNRNaN
	t.FewSamples += o.FewSamples
	t.NoColour += o.NoColour
	t.GaiaSNRNaN += o.GaiaSNRNaN
	t.NPos += o.NPos
	t.SumModelSNRPos.Merge(o.SumModelSNRPos)
	t.SumGaiaSNRPos.Merge(o.SumGaiaSNRPos)
	t.SumRatioPos.Merge(o.SumRatioPos)
	t.NNeg += o.NNeg
	t.NNegFinite += o.NNegFinite
	t.SumSNRNeg.Merge(o.SumSNRNeg)
	t.SumDistNeg.Merge(o.SumDistNeg)
	t.SumSNRDistNeg.Merge(o.SumSNRDistNeg)
	t.NonPositiveDist += o.NonPositiveDist
}

// Bin is one row of a binned statistic.
type Bin struct {
	Label    string  `json:"label"`
	Lo       float64 `json:"lo"` // exclusive; -Inf is written as null
	Hi       float64 `json:"hi"` // inclusive; +Inf is written as null
	Count    int64   `json:"count"`
	Fraction float64 `json:"fraction"` // of all rows added
}

// Table1Result is paper 000 Table 1 as numbers. Fractions are of all rows
// (Total), as in the paper; distances in pc. A statistic over no stars is
// NaN (written as null in JSON).
type Table1Result struct {
	Total int64 `json:"total"`

	Distance []Bin `json:"distance"`  // model distance, by decade
	ModelSNR []Bin `json:"model_snr"` // d/sigma_d
	GaiaSNR  []Bin `json:"gaia_snr"`  // parallax/parallax_error

	// MeanSNRImprovement is mean(model SNR)/mean(Gaia SNR) - 1 over the
	// stars with parallax > 0: how we read the paper's "mean SNR
	// improvement" (48.6%); MeanSNRRatio is the mean of the per-star
	// ratios model/Gaia, which the rare parallaxes just above zero dominate.
	MeanSNRImprovement float64 `json:"mean_snr_improvement"`
	// FewSamplesFraction is the fraction of stars whose posterior has too
	// few effective samples to measure its spread: left out of the model
	// SNR bins and means.
	FewSamplesFraction float64 `json:"few_samples_fraction"`
	// NoColour is the number of stars without BP/RP, placed with the
	// CMD's marginal in g (beyond the paper, which cuts them).
	NoColour           int64   `json:"no_colour"`
	MeanSNRRatio       float64 `json:"mean_snr_ratio"`
	PositiveParallaxes int64   `json:"positive_parallaxes"`

	NegativeParallaxFraction float64 `json:"negative_parallax_fraction"` // Gaia
	NonPositiveDistFraction  float64 `json:"nonpositive_distance_fraction"`

	// Over the stars with parallax < 0: mean model SNR, mean distance, and
	// mean distance weighted by the model SNR (pc).
	MeanSNRNegative             float64 `json:"mean_snr_negative"`
	MeanDistNegative            float64 `json:"mean_distance_negative_pc"`
	MeanDistNegativeSNRWeighted float64 `json:"mean_distance_negative_snr_weighted_pc"`
}

// Result returns the table.
func (t *Table1) Result() Table1Result {
	n := float64(t.N)
	frac := func(c int64) float64 {
		if t.N == 0 {
			return math.NaN()
		}
		return float64(c) / n
	}
	div := func(a, b float64) float64 {
		if b == 0 {
			return math.NaN()
		}
		return a / b
	}
	bins := func(edges []float64, counts []int64, labels []string) []Bin {
		out := make([]Bin, len(counts))
		for i := range counts {
			lo, hi := math.Inf(-1), math.Inf(1)
			if i > 0 {
				lo = edges[i-1]
			}
			if i < len(edges) {
				hi = edges[i]
			}
			out[i] = Bin{Label: labels[i], Lo: lo, Hi: hi, Count: counts[i], Fraction: frac(counts[i])}
		}
		return out
	}
	r := Table1Result{
		Total:                       t.N,
		Distance:                    bins(DistanceEdges[:], t.Dist[:], distLabels[:]),
		ModelSNR:                    bins(SNREdges[:], t.ModelSNR[:], snrLabels[:]),
		FewSamplesFraction:          frac(t.FewSamples),
		NoColour:                    t.NoColour,
		GaiaSNR:                     bins(SNREdges[:], t.GaiaSNR[:], snrLabels[:]),
		MeanSNRImprovement:          div(t.SumModelSNRPos.Float64(), t.SumGaiaSNRPos.Float64()) - 1,
		MeanSNRRatio:                div(t.SumRatioPos.Float64(), float64(t.NPos)),
		PositiveParallaxes:          t.NPos,
		NegativeParallaxFraction:    frac(t.NNeg),
		NonPositiveDistFraction:     frac(t.NonPositiveDist),
		MeanSNRNegative:             div(t.SumSNRNeg.Float64(), float64(t.NNegFinite)),
		MeanDistNegative:            div(t.SumDistNeg.Float64(), float64(t.NNegFinite)),
		MeanDistNegativeSNRWeighted: div(t.SumSNRDistNeg.Float64(), t.SumSNRNeg.Float64()),
	}
	return r
}

var (
	distLabels = [nDistBins]string{"d <= 1 pc", "(1 pc, 10 pc]", "(10 pc, 100 pc]", "(100 pc, 1 kpc]",
		"(1 kpc, 10 kpc]", "(10 kpc, 100 kpc]", "(100 kpc, 1000 kpc]", "d > 1000 kpc"}
	snrLabels = [nSNRBins]string{"(-inf, 0.1]", "(0.1, 1]", "(1, 10]", "(10, 100]", "(100, 1000]", "> 1000"}
)
