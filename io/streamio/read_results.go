package streamio

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/store"
)

// ReadCandidates reads candidates.json of the search output folder dir.
func ReadCandidates(ctx context.Context, dir string) ([]CandidateOut, error) {
	var c []CandidateOut
	return c, readJSON(ctx, store.Join(dir, CandidatesJSON), &c)
}

// ReadSummary reads summary.json of the search output folder dir.
func ReadSummary(ctx context.Context, dir string) (Summary, error) {
	var s Summary
	return s, readJSON(ctx, store.Join(dir, SummaryJSON), &s)
}

func readJSON(ctx context.Context, path string, v any) error {
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadMembers reads members.csv of the search output folder dir: for each
// candidate (by number) its distinct source_ids with their p_stream, the
// largest over the star's rows (1 for a table from before p_stream).
func ReadMembers(ctx context.Context, dir string) (map[int]map[int64]float64, error) {
	path := store.Join(dir, MembersCSV)
	rows, err := readColumns(ctx, path, []string{"candidate", "source_id"}, "p_stream")
	if err != nil {
		return nil, err
	}
	out := map[int]map[int64]float64{}
	for i, r := range rows {
		c, err1 := strconv.Atoi(r[0])
		id, err2 := strconv.ParseInt(r[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: row %d: candidate %q, source_id %q", path, i+2, r[0], r[1])
		}
		p := 1.0
		if len(r) > 2 {
			if p, err = strconv.ParseFloat(r[2], 64); err != nil || math.IsNaN(p) {
				return nil, fmt.Errorf("%s: row %d: p_stream %q", path, i+2, r[2])
			}
		}
		if out[c] == nil {
			out[c] = map[int64]float64{}
		}
		if q, seen := out[c][id]; !seen || p > q {
			out[c][id] = p
		}
	}
	return out, nil
}

// ReadSearchedPatches reads rois.csv of the search output folder dir: the
// patches (RING pixels) that have at least one ROI.
func ReadSearchedPatches(ctx context.Context, dir string) (map[int64]bool, error) {
	path := store.Join(dir, ROIsCSV)
	rows, err := readColumns(ctx, path, []string{"patch"}, "")
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for i, r := range rows {
		p, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d: patch %q", path, i+2, r[0])
		}
		out[p] = true
	}
	return out, nil
}

// readColumns reads the named columns of the CSV file (with a header) at
// path, row by row, and the optional column after them where the file has it
// ("" for none).
func readColumns(ctx context.Context, path string, names []string, optional string) ([][]string, error) {
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no header", path)
	}
	col := func(n string) int {
		for j, h := range recs[0] {
			if h == n {
				return j
			}
		}
		return -1
	}
	var idx []int
	for _, n := range names {
		j := col(n)
		if j < 0 {
			return nil, fmt.Errorf("%s: no column %s", path, n)
		}
		idx = append(idx, j)
	}
	if j := col(optional); optional != "" && j >= 0 {
		idx = append(idx, j)
	}
	out := make([][]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		row := make([]string, len(idx))
		for k, j := range idx {
			row[k] = r[j]
		}
		out = append(out, row)
	}
	return out, nil
}
