package traincmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/flowfile"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/graph"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// The training transforms on a mock sky in several blocks: u0 from the
// data, the cuts, the sample and the fit write a model, its grid and the
// learning curve, and every star is accounted for: stars in = stars out +
// the cuts, from the tallies the transforms emit. With a survey the fit sees
// it; without one (--survey-stars 0) it trains as the paper does.
func TestSampleAndFit(t *testing.T) {
	for _, n := range []int{2000, 0} {
		t.Run(fmt.Sprintf("survey %d", n), func(t *testing.T) { sampleAndFit(t, n) })
	}
}

func sampleAndFit(t *testing.T, surveyStars int) {
	cfg := mock.Config{Seed: 2, Stars: 6000, ShardLevel: 1}
	shards, err := mock.Shards(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []star.Block
	var in int64
	for _, sh := range shards {
		b, _, err := mock.Generate(cfg, sh)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, b)
		in += int64(b.Len())
	}
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	col := beam.CreateList(s, blocks)
	u0 := U0FromData(s, col)
	dcfg := distance.Config{Mode: distance.Training, Seed: 3, MinParallaxSNR: 5}
	sample, cuts, survey := Sample(s, SampleOptions{Dust: "none", Cfg: dcfg, SurveyStars: surveyStars}, col, u0)
	fit := distance.CMDFit{Flow: flow.Config{Blocks: 2, Hidden: []int{16}}, Opt: flow.Train{LR: 3e-3, Seed: 1}, Passes: 2, Batch: 256}
	_, used := Fit(s, FitOptions{Dust: "none", Cfg: dcfg, Fit: fit, MaxStars: 500, Out: out}, sample, u0, survey)
	counts := filepath.Join(out, "counts.json")
	stars.WriteTally(s, counts, stars.Sum(s, cuts, used))
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	tally, err := stars.ReadTally(context.Background(), counts)
	if err != nil {
		t.Fatal(err)
	}
	var cut int64
	for k, v := range tally {
		if strings.HasPrefix(k, star.CutPrefix) {
			cut += v
		}
	}
	if out := tally[star.StarsOut]; out != 500 || out+cut != in {
		t.Errorf("stars out %d + cut %d != %d in (tally %v), want 500 out", out, cut, in, tally)
	}
	for _, name := range []string{"cmd.gff", "cmd.128.grid", "learning_curve.csv"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	f, err := flowfile.Load(context.Background(), filepath.Join(out, "cmd.gff"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Meta.Notes["selection_survey_stars"]; got != fmt.Sprint(surveyStars) {
		t.Errorf("the fit saw a survey of %s stars, want %d", got, surveyStars)
	}
	if _, ok := f.Meta.Notes[distance.SurveyPriorNote]; ok != (surveyStars >= distance.MinSurveyStars) {
		t.Errorf("survey of %d stars: survey prior in the model %v", surveyStars, ok)
	}
	curve, _ := os.ReadFile(filepath.Join(out, "learning_curve.csv"))
	if lines := strings.Count(string(curve), "\n"); lines != 3 {
		t.Errorf("learning curve of %d lines, want a header and 2 passes:\n%s", lines, curve)
	}
}

// The fit runs for minutes in one bundle. On the embedded runner (prism,
// Beam 2.77) a stage with side inputs and a bundle in flight is
// re-examined in a tight loop, which took a core from the training for its
// whole length (the demo's run: 40 of its 174 CPU-seconds; traincmd on a
// 60,000-star sky: 55.5 CPU-s against 28.9 with the inputs joined). So the
// fit's inputs must arrive as its one main input.
func TestFitTakesNoSideInputs(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	col := beam.Create(s, star.Block{})
	u0 := beam.Create(s, distance.U0{})
	survey := beam.Create(s, []distance.SurveyStar{})
	Fit(s, FitOptions{Dust: "none", Out: t.TempDir()}, col, u0, survey)
	edges, _, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range edges {
		if e.Op != graph.ParDo || !strings.Contains(e.DoFn.Name(), "fitFn") {
			continue
		}
		found = true
		for i, in := range e.Input {
			if in.Kind != graph.Main {
				t.Errorf("the fit's input %d is a side input (%v): the embedded runner spins a core while the fit runs", i, in.Kind)
			}
		}
	}
	if !found {
		t.Fatal("no fitFn in the pipeline")
	}
}
