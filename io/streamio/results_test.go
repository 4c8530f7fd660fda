package streamio

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
)

// TestResultsOfAnEmptySearchRoundTrip: a search that found nothing still
// writes every table, and they read back as nothing.
func TestResultsOfAnEmptySearchRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := WriteResults(ctx, dir, search.MergeResults(nil, stream.MergeConfig{})); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{CandidatesJSON, CandidatesCSV, MembersCSV, ROIsCSV, SummaryJSON} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	c, err := ReadCandidates(ctx, dir)
	if err != nil || len(c) != 0 {
		t.Errorf("candidates %v, %v", c, err)
	}
	s, err := ReadSummary(ctx, dir)
	if err != nil || s.Candidates != 0 || s.MinSigma == 0 {
		t.Errorf("summary %+v, %v (the cuts applied must be there)", s, err)
	}
	m, err := ReadMembers(ctx, dir)
	if err != nil || len(m) != 0 {
		t.Errorf("members %v, %v", m, err)
	}
}

// TestReadMembers reads a members table by column name (p_stream 1 where
// the table has none, the largest of a star's rows where it has), and names
// the file and row of a malformed one.
func TestReadMembers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, MembersCSV), []byte("source_id,candidate,r\n7,0,1.5\n8,0,2\n7,1,3\n"), 0o644)
	m, err := ReadMembers(ctx, dir)
	if err != nil || len(m) != 2 || len(m[0]) != 2 || m[1][7] != 1 {
		t.Fatalf("%v, %v", m, err)
	}
	os.WriteFile(filepath.Join(dir, MembersCSV), []byte("source_id,candidate,p_stream\n7,0,0.9\n8,0,0.1\n9,1,0.5\n8,0,0.3\n"), 0o644)
	if m, err := ReadMembers(ctx, dir); err != nil || m[0][7] != 0.9 || m[0][8] != 0.3 || m[1][9] != 0.5 {
		t.Errorf("p_stream: %v, %v", m, err)
	}
	os.WriteFile(filepath.Join(dir, MembersCSV), []byte("source_id,candidate\n7,x\n"), 0o644)
	if _, err := ReadMembers(ctx, dir); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("malformed row: %v", err)
	}
	os.WriteFile(filepath.Join(dir, ROIsCSV), []byte("roi,sr\n0,1\n"), 0o644)
	if _, err := ReadSearchedPatches(ctx, dir); err == nil || !strings.Contains(err.Error(), "no column patch") {
		t.Errorf("missing column: %v", err)
	}
}

// TestSummaryCountsTheCREpochs: summary.json says how long the control-region
// flows trained (all epochs, or fewer with streams --patience), over the
// regions, and which patches were searched, and reads it back.
func TestSummaryCountsTheCREpochs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	results := []search.SRResult{{Pixel: 1, CREpochs: 150}, {Pixel: 1, SR: 1, CREpochs: 55}, {Pixel: 2, CREpochs: 61}}
	if err := WriteResults(ctx, dir, search.MergeResults(results, stream.MergeConfig{})); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSummary(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if e := s.CREpochs; e.Min != 55 || e.Max != 150 || math.Abs(e.Mean-(150+55+61)/3.0) > 1e-12 || s.SearchRegions != 3 || s.Patches != 2 ||
		!slices.Equal(s.Searched, []int64{1, 2}) {
		t.Errorf("summary %+v", s)
	}
}
