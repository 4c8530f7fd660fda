package distances_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/pipelines/distances"
)

// TestResolvePrior: --prior survey and auto take the table a model's
// training wrote into its notes; without one, auto is the paper's
// flat-in-parallax prior and survey an error that says how to get one.
func TestResolvePrior(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f, err := flow.New(flow.Config{D: 3, Blocks: 1, Hidden: []int{4}}, 0, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.gff")
	if err := flowfile.Save(ctx, plain, f); err != nil {
		t.Fatal(err)
	}
	table := distance.Prior{Kind: distance.Tabulated, LogD0: 0, DLogD: 0.05, LogNu: []float64{-2, 0, -1}}
	f.Meta.Notes = map[string]string{distance.SurveyPriorNote: table.String()}
	surveyed := filepath.Join(dir, "surveyed.gff")
	if err := flowfile.Save(ctx, surveyed, f); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prior, model string
		want         string // the resolved prior's String, or the error's text
		fails        bool
	}{
		{"auto", surveyed, table.String(), false},
		{"survey", surveyed, table.String(), false},
		{"auto", plain, "flat-parallax", false},
		{"survey", plain, "traincmd --survey-stars", true},
		{"exp-decreasing:1500", plain, "exp-decreasing(L=1500pc)", false},
	} {
		p, err := distance.ParsePrior(tc.prior)
		if err != nil {
			t.Fatal(err)
		}
		opt := distances.Options{Model: tc.model, Cfg: distance.Config{Prior: p}}
		err = distances.ResolvePrior(ctx, &opt)
		switch {
		case tc.fails && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s on %s: error %v, want one naming %q", tc.prior, filepath.Base(tc.model), err, tc.want)
		case !tc.fails && err != nil:
			t.Errorf("%s on %s: %v", tc.prior, filepath.Base(tc.model), err)
		case !tc.fails && opt.Cfg.Prior.String() != tc.want:
			t.Errorf("%s on %s: resolved to %s, want %s", tc.prior, filepath.Base(tc.model), opt.Cfg.Prior, tc.want)
		}
	}
}
