package streamio

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/stream"
)

// RunDirs expands a comma-separated list of search output folders, each
// a folder or a glob of folders ('null-*', gs:// too), into the folders
// that hold a summary.json, in the order given and sorted within a glob.
// A name that matches no search is an error: a null sky counted without
// one of its runs would report too few patches.
func RunDirs(ctx context.Context, list string) ([]string, error) {
	var dirs []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		infos, err := store.Glob(ctx, store.Join(p, SummaryJSON))
		if err != nil {
			return nil, fmt.Errorf("%s: no search output (%s): %w", p, SummaryJSON, err)
		}
		if len(infos) == 0 {
			return nil, fmt.Errorf("%s: no search output (%s) matches", p, SummaryJSON)
		}
		for _, in := range infos {
			dirs = append(dirs, store.Dir(in.Path))
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no search output folder in %q", list)
	}
	return dirs, nil
}

// CombineSummaries returns one summary of the searches in dirs, as if
// they were one search of all their patches: a sky searched a few patches
// at a time (to bound memory, or one patch per machine) is counted whole.
// The searches must have applied the same candidate and fiducial cuts,
// and a patch may appear in only one of them (by each summary's list of
// searched patches, or, in a summary from before that list, by its largest
// proto-cluster per patch, which every patch with a scored region has on a
// sky of real density). Counts add up (the candidates of each retraining
// alone by retraining number); the epoch range and the largest sigma_L
// cover them all.
func CombineSummaries(dirs []string, sums []Summary) (Summary, error) {
	if len(dirs) != len(sums) || len(sums) == 0 {
		return Summary{}, fmt.Errorf("streamio: %d folders, %d summaries", len(dirs), len(sums))
	}
	out := Summary{MinSigma: sums[0].MinSigma, MinNSR: sums[0].MinNSR, MinRetrainings: sums[0].MinRetrainings, FiducialCuts: sums[0].FiducialCuts}
	from := map[int64]string{}
	epochs := 0.0 // CR epochs summed over the regions
	for i, s := range sums {
		d := dirs[i]
		if s.MinSigma != out.MinSigma || s.MinNSR != out.MinNSR || s.MinRetrainings != out.MinRetrainings || s.FiducialCuts != out.FiducialCuts {
			return Summary{}, fmt.Errorf("%s: its cuts (sigma_tot > %g, N_SR >= %d, retrainings >= %d, %+v) are not those of %s (%g, %d, %d, %+v)",
				d, s.MinSigma, s.MinNSR, s.MinRetrainings, s.FiducialCuts, dirs[0], out.MinSigma, out.MinNSR, out.MinRetrainings, out.FiducialCuts)
		}
		if err := s.checkCounts(); err != nil {
			return Summary{}, fmt.Errorf("%s: %w", d, err)
		}
		searched := s.SearchedPatches()
		for _, p := range searched {
			if prev, ok := from[p]; ok {
				return Summary{}, fmt.Errorf("%s: patch %d was searched in %s as well", d, p, prev)
			}
			from[p] = d
		}
		out.Searched = append(out.Searched, searched...)
		if s.SearchRegions > 0 {
			if out.SearchRegions == 0 {
				out.CREpochs = s.CREpochs
			}
			out.CREpochs.Min = min(out.CREpochs.Min, s.CREpochs.Min)
			out.CREpochs.Max = max(out.CREpochs.Max, s.CREpochs.Max)
			epochs += s.CREpochs.Mean * float64(s.SearchRegions)
		}
		out.Largest = append(out.Largest, s.Largest...)
		out.SearchRegions += s.SearchRegions
		out.ROIs += s.ROIs
		out.Vetoed += s.Vetoed
		out.Seeds += s.Seeds
		out.ProtoClusters += s.ProtoClusters
		out.Candidates += s.Candidates
		for r, k := range s.CandidatesByRetraining {
			if r == len(out.CandidatesByRetraining) {
				out.CandidatesByRetraining = append(out.CandidatesByRetraining, 0)
			}
			out.CandidatesByRetraining[r] += k
		}
		out.TrainSeconds += s.TrainSeconds
		out.Patches += s.Patches
		out.MaxSigmaL = max(out.MaxSigmaL, s.MaxSigmaL)
	}
	if out.SearchRegions > 0 {
		out.CREpochs.Mean = epochs / float64(out.SearchRegions)
	}
	slices.SortFunc(out.Largest, func(a, b stream.PatchSigma) int { return a.Patch - b.Patch })
	slices.Sort(out.Searched)
	return out, nil
}

// SearchedPatches returns the patches the search searched: its list, or, in
// a summary from before the list, the patches of its largest proto-clusters
// (every patch with a scored region has one on a sky of real density).
func (s Summary) SearchedPatches() []int64 {
	if len(s.Searched) > 0 {
		return s.Searched
	}
	var out []int64
	for _, l := range s.Largest {
		out = append(out, int64(l.Patch))
	}
	return out
}

// checkCounts reports a count of the summary that no search writes: a
// negative one (a damaged or hand-edited summary.json, which the false-
// positive rates would otherwise divide or take a Poisson limit of).
func (s Summary) checkCounts() error {
	for _, c := range []struct {
		name string
		n    int
	}{{"search_regions", s.SearchRegions}, {"rois", s.ROIs}, {"rois_vetoed", s.Vetoed}, {"seeds", s.Seeds},
		{"proto_clusters", s.ProtoClusters}, {"candidates", s.Candidates}, {"patches", s.Patches},
		{"confirmation_regions", s.ConfirmationRegions}} {
		if c.n < 0 {
			return fmt.Errorf("%s %d in %s is negative", c.name, c.n, SummaryJSON)
		}
	}
	for r, k := range s.CandidatesByRetraining {
		if k < 0 {
			return fmt.Errorf("candidates_by_retraining[%d] %d in %s is negative", r, k, SummaryJSON)
		}
	}
	return nil
}
