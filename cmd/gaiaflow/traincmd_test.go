package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
)

// TestTrainCMDStartFrom: `traincmd --start-from` continues from a model (the
// note says which), takes its architecture, and refuses an architecture
// flag beside it, a model that is not there, and a model of the other kind
// (unconditioned for --distance-context), each before any star is read.
func TestTrainCMDStartFrom(t *testing.T) {
	dir := t.TempDir()
	_, parts, dust := smallSky(t, dir, "2")
	train := func(out string, extra ...string) (int, string, string) {
		args := []string{"traincmd", "--input", parts, "--dust", dust, "--out", out, "--passes", "1", "--min-parallax-snr", "3"}
		return gaiaflow(t, append(args, extra...)...)
	}
	first := filepath.Join(dir, "first")
	if code, out, errOut := train(first, "--blocks", "3", "--hidden", "24"); code != 0 {
		t.Fatalf("traincmd: exit %d\n%s\n%s", code, out, errOut)
	}
	model := filepath.Join(first, "cmd.gff")
	second := filepath.Join(dir, "second")
	if code, out, errOut := train(second, "--start-from", model); code != 0 {
		t.Fatalf("traincmd --start-from: exit %d\n%s\n%s", code, out, errOut)
	}
	f, err := flowfile.Load(context.Background(), filepath.Join(second, "cmd.gff"))
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Config(); c.Blocks != 3 || c.Hidden[0] != 24 || f.Meta.Notes["started_from"] != model {
		t.Errorf("continued model: %d blocks of %v, started_from %q; want 3 of 24 from %s", c.Blocks, c.Hidden, f.Meta.Notes["started_from"], model)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--start-from", model, "--blocks", "5"}, "--blocks with --start-from"},
		{[]string{"--start-from", filepath.Join(dir, "none.gff")}, "none.gff"},
		{[]string{"--start-from", model, "--distance-context"}, "C = 1"},
	} {
		out := filepath.Join(dir, "bad")
		code, _, errOut := train(out, bad.args...)
		if code == 0 || !strings.Contains(errOut, bad.want) {
			t.Errorf("%v: exit %d, want an error naming %q:\n%s", bad.args, code, bad.want, errOut)
		}
		if m, _ := filepath.Glob(filepath.Join(out, "*")); len(m) > 0 {
			t.Errorf("%v: wrote %v", bad.args, m)
		}
	}
}

// TestValidateModelAlone: `validate distances --model` scores a CMD model
// without a catalog: its KL from the sky's true CMD, whose parts over the
// true sequences add up to it, and the figures; and it wants exactly one of
// --catalog and --model.
func TestValidateModelAlone(t *testing.T) {
	dir := t.TempDir()
	sky, parts, dust := smallSky(t, dir, "4")
	m := filepath.Join(dir, "m")
	if code, out, errOut := gaiaflow(t, "traincmd", "--input", parts, "--dust", dust, "--out", m, "--passes", "2", "--min-parallax-snr", "3"); code != 0 {
		t.Fatalf("traincmd: exit %d\n%s\n%s", code, out, errOut)
	}
	model := filepath.Join(m, "cmd.gff")
	code, out, errOut := gaiaflow(t, "validate", "distances", "--sky", sky, "--model", model, "--kl-points", "20000")
	if code != 0 || !strings.Contains(out, "KL(true CMD || "+model+")") {
		t.Fatalf("validate --model: exit %d\n%s\n%s", code, out, errOut)
	}
	var rep distanceReport
	js, err := os.ReadFile(filepath.Join(m, "validation", "validation_distances.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &rep); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, p := range rep.KLParts {
		sum += p.KL
	}
	if rep.Model != model || !(rep.KL > 0 && rep.KL < 20) || len(rep.KLParts) != 3 || math.Abs(sum-rep.KL) > 1e-9 || len(rep.Figures) != 2 {
		t.Errorf("report: model %q, KL %v from parts %+v (sum %v), figures %v", rep.Model, rep.KL, rep.KLParts, sum, rep.Figures)
	}
	for _, f := range rep.Figures {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	// The grid beside the model (traincmd's) is what a catalog would read.
	if g := rep.Grid; g == nil || g.Nodes != 128 || g.Source != filepath.Join(m, "cmd.128.grid") || !(g.KL > 0 && g.KL < 50) || len(g.Parts) != 3 || len(g.TailN) != 3 {
		t.Errorf("grid score %+v", g)
	}
	// A grid of this model laid out otherwise (an earlier build's: here
	// without its tail), which a catalog would distil again, is not
	// scored: the grid is distilled as a catalog would, the same values,
	// so the same KL.
	ctx := context.Background()
	beside := filepath.Join(m, "cmd.128.grid")
	g, modelSum, err := flowfile.FetchGrid(ctx, beside)
	if err != nil {
		t.Fatal(err)
	}
	g.Tail = nil
	if err := flowfile.StoreGrid(ctx, beside, g, modelSum); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := gaiaflow(t, "validate", "distances", "--sky", sky, "--model", model, "--kl-points", "20000"); code != 0 || !strings.Contains(out, "distilled from the model") {
		t.Fatalf("validate --model with a grid of another layout: exit %d\n%s\n%s", code, out, errOut)
	}
	var again distanceReport
	if js, err := os.ReadFile(filepath.Join(m, "validation", "validation_distances.json")); err != nil || json.Unmarshal(js, &again) != nil || again.Grid == nil || again.Grid.KL != rep.Grid.KL {
		t.Errorf("the distilled grid's score %+v, the file's %+v (%v)", again.Grid, rep.Grid, err)
	}
	if code, _, errOut := gaiaflow(t, "validate", "distances", "--sky", sky, "--model", model, "--catalog", dir); code == 0 || !strings.Contains(errOut, "one of --catalog and --model") {
		t.Errorf("both --catalog and --model: exit %d\n%s", code, errOut)
	}
}

// smallSky simulates a 3,000-star sky of the seed into dir/sky and returns
// its folder, its partitions' glob and its dust map.
func smallSky(t *testing.T, dir, seed string) (sky, parts, dust string) {
	t.Helper()
	sky = filepath.Join(dir, "sky")
	if code, out, errOut := gaiaflow(t, "simulate", "--out", sky, "--stars", "3000", "--seed", seed); code != 0 {
		t.Fatalf("simulate: exit %d\n%s\n%s", code, out, errOut)
	}
	return sky, filepath.Join(sky, "GaiaSource_*.csv.gz"), filepath.Join(sky, "dust.json")
}
