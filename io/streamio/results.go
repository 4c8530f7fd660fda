package streamio

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
)

// The files of a stream search's output folder.
const (
	CandidatesJSON = "candidates.json"
	CandidatesCSV  = "candidates.csv"
	MembersCSV     = "members.csv"
	ROIsCSV        = "rois.csv"
	SummaryJSON    = "summary.json"
)

// CandidateOut is a stream candidate as candidates.json holds it.
type CandidateOut struct {
	ID       int     `json:"id"`
	SigmaTot float64 `json:"sigma_tot"`
	NSR      int     `json:"n_sr"`
	NROI     int     `json:"n_roi"`
	// Retrainings is how many of the search's retrainings found it.
	Retrainings int       `json:"retrainings"`
	Patches     []int     `json:"patches"`
	PoleRA      float64   `json:"pole_ra"`
	PoleDec     float64   `json:"pole_dec"`
	PoleL       float64   `json:"pole_l"`
	PoleB       float64   `json:"pole_b"`
	Members     int       `json:"members"` // distinct source_ids
	Lines       []LineOut `json:"lines"`
}

// LineOut is one proto-cluster's line of a candidate (stream.PatchLine):
// theta in radians, everything else in degrees or mas/yr; a chord end that
// does not exist is null.
type LineOut struct {
	ProtoCluster int     `json:"proto_cluster"`
	Patch        int     `json:"patch"`
	Theta        float64 `json:"theta"`
	Rho          float64 `json:"rho"`
	PoleRA       Num     `json:"pole_ra"`
	PoleDec      Num     `json:"pole_dec"`
	RA1          Num     `json:"ra1"`
	Dec1         Num     `json:"dec1"`
	RA2          Num     `json:"ra2"`
	Dec2         Num     `json:"dec2"`
	PMPhiMin     float64 `json:"pm_phi_min"`
	PMPhiMax     float64 `json:"pm_phi_max"`
	PMLambdaMin  float64 `json:"pm_lambda_min"`
	PMLambdaMax  float64 `json:"pm_lambda_max"`
}

// Num is a number that is null in JSON when it is not finite.
type Num float64

// MarshalJSON writes n, or null if it is NaN or infinite.
func (n Num) MarshalJSON() ([]byte, error) {
	if !star.Finite(float64(n)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

// UnmarshalJSON reads a number, or null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var v float64
	err := json.Unmarshal(b, &v)
	*n = Num(v)
	return err
}

// Summary is summary.json.
type Summary struct {
	SearchRegions int     `json:"search_regions"`
	ROIs          int     `json:"rois"`
	Vetoed        int     `json:"rois_vetoed"`
	Seeds         int     `json:"seeds"`
	ProtoClusters int     `json:"proto_clusters"`
	Candidates    int     `json:"candidates"`
	TrainSeconds  float64 `json:"anode_seconds"` // summed over regions
	// CREpochs are the epochs the control-region flows trained, over the
	// regions: all of them unless streams --patience stopped them early.
	CREpochs  EpochRange `json:"cr_epochs"`
	MaxSigmaL float64    `json:"max_sigma_l"` // over ROIs not vetoed
	// Patches is the number of patches with at least one scored search
	// region; Largest the largest proto-cluster of each (on a sky without
	// streams, what the candidate cuts are up against).
	Patches int                 `json:"patches"`
	Largest []stream.PatchSigma `json:"largest_proto_cluster_by_patch"`
	// Searched lists those patches, ascending (not in a summary written
	// before 2026-12-07): what CombineSummaries checks for a patch counted
	// twice.
	Searched []int64 `json:"searched_patches,omitempty"`
	// The candidate cuts the merge applied.
	MinSigma       float64 `json:"min_sigma"`
	MinNSR         int     `json:"min_nsr"`
	MinRetrainings int     `json:"min_retrainings"`
	// CandidatesByRetraining is, in a search with retrainings, the
	// candidates each training's proto-clusters alone make at the cuts
	// (stream.CandidatesByRetraining): on a sky without streams, the false
	// positives of single trainings. Absent without retrainings; in a
	// confirming search (Confirmed) that of its first training alone.
	CandidatesByRetraining []int `json:"candidates_by_retraining,omitempty"`
	// Confirmed says that the trainings after the first ran only around
	// the first one's proto-clusters that pass the cuts (streams
	// --confirm), ConfirmationRegions how many regions they scored in all.
	Confirmed           bool `json:"confirmed,omitempty"`
	ConfirmationRegions int  `json:"confirmation_regions,omitempty"`
	// FiducialCuts are the cuts every ROI applied: what a search could
	// find at all, for its completeness.
	FiducialCuts FiducialCuts `json:"fiducial_cuts"`
}

// EpochRange is the smallest, mean and largest number of epochs over the
// search regions.
type EpochRange struct {
	Min  int     `json:"min"`
	Mean float64 `json:"mean"`
	Max  int     `json:"max"`
}

// FiducialCuts are a search's fiducial cuts (stream.ROIConfig) as
// summary.json holds them.
type FiducialCuts struct {
	RadiusDeg  float64 `json:"radius_deg"`
	GMax       float64 `json:"g_max"`
	PMZero     float64 `json:"pm_zero"`
	ColourMin  float64 `json:"bp_rp_min"`
	ColourMax  float64 `json:"bp_rp_max"`
	Photometry bool    `json:"photometric_cuts"`
}

// ROIConfig returns the cuts as a stream.ROIConfig (the paper's for a
// summary that does not record them).
func (f FiducialCuts) ROIConfig() stream.ROIConfig {
	if f.RadiusDeg == 0 {
		return stream.ROIConfig{}
	}
	c := stream.ROIConfig{Radius: f.RadiusDeg, GMax: f.GMax, PMZero: f.PMZero, ColourMin: f.ColourMin, ColourMax: f.ColourMax}
	if !f.Photometry {
		c.Skip = stream.CutMag | stream.CutColour
	}
	return c
}

// Outputs returns the candidates of m as candidates.json holds them.
func Outputs(m *search.Merged) []CandidateOut {
	out := []CandidateOut{}
	for i, cd := range m.Candidates {
		out = append(out, CandidateOut{ID: i, SigmaTot: cd.Sigma, NSR: cd.NSR, NROI: cd.NROI, Retrainings: cd.Retrainings, Patches: cd.Patches,
			PoleRA: cd.PoleRA, PoleDec: cd.PoleDec, PoleL: cd.PoleL, PoleB: cd.PoleB,
			Members: len(stream.UniqueSources(m.Members[i]))})
		for _, l := range cd.Lines {
			out[i].Lines = append(out[i].Lines, LineOut{ProtoCluster: l.ProtoCluster, Patch: l.Patch,
				Theta: l.Line.Theta, Rho: l.Line.Rho, PoleRA: Num(l.PoleRA), PoleDec: Num(l.PoleDec),
				RA1: Num(l.RA1), Dec1: Num(l.Dec1), RA2: Num(l.RA2), Dec2: Num(l.Dec2),
				PMPhiMin: l.PMPhiMin, PMPhiMax: l.PMPhiMax, PMLambdaMin: l.PMLambdaMin, PMLambdaMax: l.PMLambdaMax})
		}
	}
	return out
}

// SummaryOf returns the counts of every table of m.
func SummaryOf(m *search.Merged) Summary {
	s := Summary{SearchRegions: len(m.Results), ROIs: len(m.ROIs), Vetoed: m.Vetoed, Seeds: len(m.Seeds),
		ProtoClusters: len(m.ProtoClusters), Candidates: len(m.Candidates)}
	seen := map[int64]bool{}
	for k, r := range m.Results {
		s.TrainSeconds += r.Seconds
		seen[r.Pixel] = true
		if k == 0 || r.CREpochs < s.CREpochs.Min {
			s.CREpochs.Min = r.CREpochs
		}
		s.CREpochs.Max = max(s.CREpochs.Max, r.CREpochs)
		s.CREpochs.Mean += float64(r.CREpochs) / float64(len(m.Results))
	}
	s.Patches = len(seen)
	s.Searched = slices.Sorted(maps.Keys(seen))
	s.Largest = stream.LargestByPatch(m.ProtoClusters)
	s.MinSigma, s.MinNSR, s.MinRetrainings = m.Config.MinSigma, m.Config.MinNSR, m.Config.MinRetrainings
	by := stream.CandidatesByRetraining(m.ROIs, m.Seeds, m.ProtoClusters, m.Config)
	switch {
	case m.Confirmed:
		// Only the first training covered every region: the others
		// alone are not searches.
		s.Confirmed, s.CandidatesByRetraining = true, []int{0}
		if len(by) > 0 {
			s.CandidatesByRetraining[0] = by[0]
		}
		for _, r := range m.Results {
			if r.Retraining > 0 {
				s.ConfirmationRegions++
			}
		}
	case len(by) > 1:
		s.CandidatesByRetraining = by
	}
	if r := m.ROI; r.Radius > 0 {
		s.FiducialCuts = FiducialCuts{RadiusDeg: r.Radius, GMax: r.GMax, PMZero: r.PMZero, ColourMin: r.ColourMin, ColourMax: r.ColourMax,
			Photometry: r.Skip&(stream.CutMag|stream.CutColour) == 0}
	}
	for _, r := range m.ROIs {
		if !r.Vetoed && r.Fit.Sigma > s.MaxSigmaL {
			s.MaxSigmaL = r.Fit.Sigma
		}
	}
	return s
}

// WriteResults writes the tables of a search (candidates.json,
// candidates.csv, members.csv, rois.csv, summary.json) to folder out, local
// or gs://.
func WriteResults(ctx context.Context, out string, m *search.Merged) error {
	js, err := json.MarshalIndent(Outputs(m), "", "  ")
	if err != nil {
		return err
	}
	if err := store.WriteFile(ctx, store.Join(out, CandidatesJSON), js); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	d := strconv.Itoa

	var rows [][]string
	rows = append(rows, []string{"candidate", "patch", "proto_cluster", "theta", "rho", "ra1", "dec1", "ra2", "dec2",
		"pole_ra", "pole_dec", "candidate_pole_ra", "candidate_pole_dec", "sigma_tot", "n_sr",
		"pm_phi_min", "pm_phi_max", "pm_lambda_min", "pm_lambda_max"})
	for i, cd := range m.Candidates {
		for _, l := range cd.Lines {
			rows = append(rows, []string{d(i), d(l.Patch), d(l.ProtoCluster), f(l.Line.Theta), f(l.Line.Rho),
				f(l.RA1), f(l.Dec1), f(l.RA2), f(l.Dec2), f(l.PoleRA), f(l.PoleDec), f(cd.PoleRA), f(cd.PoleDec),
				f(cd.Sigma), d(cd.NSR), f(l.PMPhiMin), f(l.PMPhiMax), f(l.PMLambdaMin), f(l.PMLambdaMax)})
		}
	}
	if err := writeCSV(ctx, store.Join(out, CandidatesCSV), rows); err != nil {
		return err
	}

	rows = [][]string{{"candidate", "source_id", "r", "patch", "sr", "pm", "roi", "ra", "dec", "scan", "retraining", "selected", "p_stream"}}
	for i, ms := range m.Members {
		sel := stream.Selections(ms)
		for _, mb := range ms {
			rows = append(rows, []string{d(i), strconv.FormatInt(mb.SourceID, 10), f(mb.R), d(mb.Patch), d(mb.SR), d(mb.PM),
				d(mb.ROI), f(mb.RA), f(mb.Dec), mb.Scan.String(), d(mb.Retraining), d(sel[mb.SourceID]),
				strconv.FormatFloat(mb.PStream, 'f', 4, 64)})
		}
	}
	if err := writeCSV(ctx, store.Join(out, MembersCSV), rows); err != nil {
		return err
	}

	rows = [][]string{{"roi", "patch", "sr", "pm", "pm_phi_min", "pm_phi_max", "pm_lambda_min", "pm_lambda_max",
		"n_stars", "theta", "rho", "n", "n_bg", "sigma_l", "line_members", "vetoed", "scan", "retraining"}}
	for i, r := range m.ROIs {
		rows = append(rows, []string{d(i), d(r.Patch), d(r.SR), d(r.PM), f(r.PMPhiMin), f(r.PMPhiMax), f(r.PMLambdaMin),
			f(r.PMLambdaMax), d(r.NStars), f(r.Fit.Line.Theta), f(r.Fit.Line.Rho), d(r.Fit.N), f(r.Fit.NBg), f(r.Fit.Sigma),
			d(len(r.Members)), strconv.FormatBool(r.Vetoed), r.Scan.String(), d(r.Retraining)})
	}
	if err := writeCSV(ctx, store.Join(out, ROIsCSV), rows); err != nil {
		return err
	}
	js, err = json.MarshalIndent(SummaryOf(m), "", "  ")
	if err != nil {
		return err
	}
	return store.WriteFile(ctx, store.Join(out, SummaryJSON), js)
}

func writeCSV(ctx context.Context, path string, rows [][]string) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	if err := store.WriteFile(ctx, path, b.Bytes()); err != nil {
		return fmt.Errorf("streams: %s: %w", path, err)
	}
	return nil
}
