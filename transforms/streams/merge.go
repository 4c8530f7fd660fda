package streams

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/gaiaflow/gaiaflow/model/star"
	"math"
	"slices"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/stream"
)

// Output file names in Options.Out.
const (
	CandidatesJSON = "candidates.json"
	CandidatesCSV  = "candidates.csv"
	MembersCSV     = "members.csv"
	ROIsCSV        = "rois.csv"
	SummaryJSON    = "summary.json"
)

// Merge gathers every SRResult (PCollection<KV<int, SRResult>> from Score)
// on one worker, merges the ROIs into seeds, proto-clusters and stream
// candidates (opt.Search.Merge) and writes the outputs to opt.Out:
// candidates.json, candidates.csv, members.csv, rois.csv, summary.json and,
// with opt.Plots, the figures.
//
// It also writes run.json and sr_results.gob, on which a later search
// builds (Options.Since): affected (singleton PCollection<Searched>) says
// which patches were searched, touches (singleton PCollection<Touches>)
// which patches each input's stars fell in, and with Since the results of
// the patches not searched again are taken from that search.
func Merge(s beam.Scope, opt Options, results, affected, touches beam.PCollection) {
	s = s.Scope("streams.Merge")
	if opt.Out == "" {
		panic("streams: Merge needs an output folder")
	}
	// One element that always exists, with every region's result as a side
	// input: the outputs are written also when no region was searched.
	beam.ParDo0(s, &mergeFn{Options: opt.encode()}, beam.Impulse(s), beam.SideInput{Input: beam.DropKey(s, results)},
		beam.SideInput{Input: affected}, beam.SideInput{Input: touches})
}

type mergeFn struct{ Options string }

func (fn *mergeFn) ProcessElement(ctx context.Context, _ []byte, iter func(*SRResult) bool, affected Searched, t Touches) error {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return err
	}
	var all []SRResult
	var r SRResult
	for iter(&r) {
		all = append(all, r)
		r = SRResult{}
	}
	run := Run{OptionsKey: o.OptionsKey()}
	if o.Since != "" {
		_, old, err := ReadRun(ctx, o.Since)
		if err != nil {
			return fmt.Errorf("streams: the search to build on: %w", err)
		}
		for _, r := range old {
			if !affected.Has(r.Pixel) {
				all = append(all, r)
				if !slices.Contains(run.Reused, r.Pixel) {
					run.Reused = append(run.Reused, r.Pixel)
				}
			}
		}
	}
	run.Searched = affected.Patches
	m := MergeResults(all, o.Search.Merge)
	if err := m.Write(ctx, o.Out); err != nil {
		return err
	}
	listed, err := ReadListing(ctx, o.Listing)
	if err != nil {
		return err
	}
	for i := range listed {
		listed[i].Patches = t[listed[i].Path]
	}
	run.Inputs = listed
	slices.Sort(run.Reused)
	if err := writeRun(ctx, o.Out, &run, m.Results); err != nil {
		return err
	}
	// Every region is scored: the staged patches have served.
	if err := store.RemoveAll(ctx, o.stage()); err != nil {
		return err
	}
	if o.Plots {
		return m.Plot(ctx, o.Out, o.Search)
	}
	return nil
}

// Merged is the outcome of the search over every search region: the
// tables of model/stream with the regions they index.
type Merged struct {
	Results []SRResult      // by (pixel, scan, retraining, SR)
	Regions []stream.Region // Regions[i] is Results[i].Region; ROI.Region indexes it
	stream.Result
	Members [][]stream.Member  // per candidate
	Config  stream.MergeConfig // the merge's settings, defaults filled in
}

// MergeResults sorts the regions' results by (patch, scan, retraining, SR), gathers their
// ROIs into one table and merges them (stream.Result.Merge with cfg) into
// candidates and their member stars.
func MergeResults(results []SRResult, cfg stream.MergeConfig) *Merged {
	slices.SortFunc(results, func(a, b SRResult) int {
		return cmp.Or(cmp.Compare(a.Pixel, b.Pixel), cmp.Compare(a.Scan, b.Scan), cmp.Compare(a.Retraining, b.Retraining), cmp.Compare(a.SR, b.SR))
	})
	m := &Merged{Results: results, Config: cfg.WithDefaults()}
	for i := range results {
		m.Regions = append(m.Regions, results[i].Region)
		for _, roi := range results[i].ROIs {
			roi.Region = i
			m.ROIs = append(m.ROIs, roi)
		}
	}
	m.Result.Merge(cfg)
	for i := range m.Candidates {
		m.Members = append(m.Members, m.Candidates[i].Members(m.ROIs, m.Seeds, m.ProtoClusters, m.Regions))
	}
	return m
}

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
	MaxSigmaL     float64 `json:"max_sigma_l"`   // over ROIs not vetoed
	// Patches is the number of patches with at least one scored search
	// region; Largest the largest proto-cluster of each (on a sky without
	// streams, what the candidate cuts are up against).
	Patches int                 `json:"patches"`
	Largest []stream.PatchSigma `json:"largest_proto_cluster_by_patch"`
	// The candidate cuts the merge applied.
	MinSigma       float64 `json:"min_sigma"`
	MinNSR         int     `json:"min_nsr"`
	MinRetrainings int     `json:"min_retrainings"`
}

// Outputs returns the candidates as candidates.json holds them.
func (m *Merged) Outputs() []CandidateOut {
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

// Summary returns the counts of every table.
func (m *Merged) Summary() Summary {
	s := Summary{SearchRegions: len(m.Results), ROIs: len(m.ROIs), Vetoed: m.Vetoed, Seeds: len(m.Seeds),
		ProtoClusters: len(m.ProtoClusters), Candidates: len(m.Candidates)}
	seen := map[int64]bool{}
	for _, r := range m.Results {
		s.TrainSeconds += r.Seconds
		seen[r.Pixel] = true
	}
	s.Patches = len(seen)
	s.Largest = stream.LargestByPatch(m.ProtoClusters)
	s.MinSigma, s.MinNSR, s.MinRetrainings = m.Config.MinSigma, m.Config.MinNSR, m.Config.MinRetrainings
	for _, r := range m.ROIs {
		if !r.Vetoed && r.Fit.Sigma > s.MaxSigmaL {
			s.MaxSigmaL = r.Fit.Sigma
		}
	}
	return s
}

// Write writes the tables to folder out.
func (m *Merged) Write(ctx context.Context, out string) error {
	js, err := json.MarshalIndent(m.Outputs(), "", "  ")
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

	rows = [][]string{{"candidate", "source_id", "r", "patch", "sr", "pm", "roi", "ra", "dec", "scan", "retraining", "selected"}}
	for i, ms := range m.Members {
		sel := stream.Selections(ms)
		for _, mb := range ms {
			rows = append(rows, []string{d(i), strconv.FormatInt(mb.SourceID, 10), f(mb.R), d(mb.Patch), d(mb.SR), d(mb.PM),
				d(mb.ROI), f(mb.RA), f(mb.Dec), mb.Scan.String(), d(mb.Retraining), d(sel[mb.SourceID])})
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
	js, err = json.MarshalIndent(m.Summary(), "", "  ")
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

// finite reports whether v is a finite number.

func init() {
	register.DoFn5x1[context.Context, []byte, func(*SRResult) bool, Searched, Touches, error](&mergeFn{})
	register.Iter1[SRResult]()
}
