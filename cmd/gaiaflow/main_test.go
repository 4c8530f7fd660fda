package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the gaiaflow program: with
// GAIAFLOW_BE_MAIN=1 it runs main() on its arguments, so tests check the real
// process (flags, exit code, what it prints) without building it again.
func TestMain(m *testing.M) {
	if os.Getenv("GAIAFLOW_BE_MAIN") == "1" {
		os.Args = append([]string{"gaiaflow"}, strings.Fields(os.Getenv("GAIAFLOW_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// gaiaflow runs the program with args and returns its exit code and output.
func gaiaflow(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GAIAFLOW_BE_MAIN=1", "GAIAFLOW_ARGS="+strings.Join(args, " "))
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, o.String(), e.String()
}

const realDR2 = "../../io/partition/testdata/GaiaSource_like_from_pyia_gdr2_sm.csv"

func TestDataflowDryRun(t *testing.T) {
	code, out, errOut := gaiaflow(t, "inspect", "--input", "gs://bucket/gdr2/GaiaSource_*.csv.gz",
		"--runner=dataflow", "--dry_run", "--project=p", "--region=r",
		"--staging_location=gs://b/s", "--temp_location=gs://b/t")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"Dry-run: not submitting job", `\"projectId\": \"p\"`, "stars.Read"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
}

func TestInspectOnRealRows(t *testing.T) {
	code, out, errOut := gaiaflow(t, "inspect", "--input", realDR2)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"stars_in", "1000", "balance: in 1000 = stars 1000 + rejected 0", "stars/s"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestBrokenInputExitsNonZeroNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/GaiaSource_broken.csv.gz"
	os.WriteFile(bad, []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3}, 0o644)
	code, _, errOut := gaiaflow(t, "inspect", "--input", bad)
	if code != 1 || !strings.Contains(errOut, "GaiaSource_broken.csv.gz") {
		t.Errorf("exit %d, stderr does not name the file:\n%s", code, errOut)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for name := range commands {
		code, out, _ := gaiaflow(t, name, "--help")
		if code != 0 || !strings.Contains(out, "Example:") || !strings.Contains(out, "--runner") {
			t.Errorf("%s --help: exit %d\n%s", name, code, out)
		}
	}
	if code, _, _ := gaiaflow(t, "no-such-command"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

func TestSplitArgs(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.String("input", "", "")
	fs.Bool("plots", false, "")
	ours, beamArgs, err := splitArgs(fs, []string{"--input", "a.csv", "--runner", "flink", "--plots", "--endpoint=localhost:8099", "--dry_run", "b.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ours, " ") != "--input a.csv --plots b.csv" {
		t.Errorf("ours = %q", ours)
	}
	if strings.Join(beamArgs, " ") != "--runner flink --endpoint=localhost:8099 --dry_run" {
		t.Errorf("beam = %q", beamArgs)
	}
	if _, _, err := splitArgs(fs, []string{"--no_such_flag=1"}); err == nil {
		t.Error("unknown flag accepted")
	}
}

// TestDemo runs the README's first command, smaller.
func TestDemo(t *testing.T) {
	out := t.TempDir()
	code, stdout, errOut := gaiaflow(t, "demo", "--out", out, "--stars", "6000", "--stream", "gd1:300", "--train-passes", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errOut)
	}
	for _, want := range []string{"All 6300 simulated stars read back", "model: ", "published ", "Total Catalog Entries", "KL(true CMD || learned CMD)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"model/cmd.gff", "catalog/CURRENT", "catalog/v0001/fig4_cmd.png", "catalog/validation/fig2_cmd_true_vs_learned.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	// The validation splits the stars by population: the components
	// partition the stars matched to truth, and each splits into its
	// luminous stars and the rest.
	var rep distanceReport
	if js, err := os.ReadFile(filepath.Join(out, "catalog/validation/validation_distances.json")); err != nil {
		t.Error(err)
	} else if err := json.Unmarshal(js, &rep); err != nil {
		t.Error(err)
	}
	byName := map[string]int{}
	total := 0
	for _, p := range rep.Populations {
		byName[p.Name] = p.Accuracy.N
		if !strings.Contains(p.Name, ",") {
			total += p.Accuracy.N
		}
	}
	if total != rep.Accuracy.N || byName["cmd"] != rep.AccuracyCMD.N || byName["stream"] == 0 || byName["halo"] == 0 {
		t.Errorf("populations %v hold %d stars; want %d matched, %d paper-000, and halo and stream stars", byName, total, rep.Accuracy.N, rep.AccuracyCMD.N)
	}
	for _, c := range []string{"cmd", "thick_disk", "halo", "stream"} {
		if byName[c+", M_G < 3"]+byName[c+", M_G >= 3"] != byName[c] {
			t.Errorf("%s: %d luminous + %d others != %d", c, byName[c+", M_G < 3"], byName[c+", M_G >= 3"], byName[c])
		}
	}
	if !strings.Contains(stdout, "| halo, M_G < 3 |") {
		t.Errorf("demo output lacks the population table:\n%s", stdout)
	}
	// The grid the catalog read its prior from is scored too: the file the
	// catalog wrote in its grids/ folder, not one distilled again; its KL
	// finite (true points beyond its box are read off its tail).
	if g := rep.Grid; g == nil || g.Nodes != 128 || !strings.Contains(g.Source, filepath.Join("catalog", "grids")) || !(g.KL > 0) || math.IsInf(g.KL, 1) || len(g.Parts) != 3 || len(g.TailN) != 3 ||
		!strings.Contains(stdout, "KL(true CMD || the grid a catalog reads it from") {
		t.Errorf("the catalog's grid is not scored: %+v", g)
	}

	// regen with the demo's settings finds the catalog up to date; after
	// one partition changes it recomputes that one and publishes v0002.
	cfg := filepath.Join(out, "catalog.json")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`{"inputs": [%q], "out": %q, "model": %q, "dust": %q, "seed": 1}`,
		filepath.Join(out, "GaiaSource_*.csv.gz"), filepath.Join(out, "catalog"), filepath.Join(out, "model", "cmd.gff"), filepath.Join(out, "dust.json"))), 0o644)
	code, stdout, errOut = gaiaflow(t, "regen", "--config", cfg)
	if code != 0 || !strings.Contains(stdout, "is up to date (version v0001)") {
		t.Fatalf("regen on an unchanged catalog: exit %d\n%s\n%s", code, stdout, errOut)
	}
	parts, _ := filepath.Glob(filepath.Join(out, "GaiaSource_*.csv.gz"))
	later := time.Now().Add(time.Hour)
	os.Chtimes(parts[0], later, later)
	code, stdout, errOut = gaiaflow(t, "regen", "--config", cfg)
	if code != 0 || !strings.Contains(stdout, "1 to compute") || !strings.Contains(stdout, "catalog/v0002") {
		t.Errorf("regen after a change: exit %d\n%s\n%s", code, stdout, errOut)
	}
	if code, _, errOut = gaiaflow(t, "regen", "--config", filepath.Join(out, "missing.json")); code == 0 {
		t.Errorf("regen with a missing config succeeded")
	}
}

func TestParseStream(t *testing.T) {
	st, err := parseStream(context.Background(), "gd1:500:0.2:0.05")
	if err != nil || st.N != 500 || st.Width != 0.2 || st.PMDispersion != 0.05 || st.Track.Len() == 0 {
		t.Errorf("gd1 spec: %+v %v", st, err)
	}
	for _, bad := range []string{"gd1", "gd1:x", "gd1:5:w", "no/such/track.ecsv:10"} {
		if _, err := parseStream(context.Background(), bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestCatalogDryRunAndVerify: --dry_run on the local runner plans and
// writes nothing; a real run publishes a version that `verify` accepts, and
// a damaged shard makes `verify` fail naming it.
func TestCatalogDryRunAndVerify(t *testing.T) {
	dir := t.TempDir()
	sky := filepath.Join(dir, "sky")
	if code, out, errOut := gaiaflow(t, "simulate", "--out", sky, "--stars", "3000", "--seed", "2"); code != 0 {
		t.Fatalf("simulate: exit %d\n%s\n%s", code, out, errOut)
	}
	parts, dust := filepath.Join(sky, "GaiaSource_*.csv.gz"), filepath.Join(sky, "dust.json")
	if code, out, errOut := gaiaflow(t, "traincmd", "--input", parts, "--dust", dust, "--out", filepath.Join(dir, "model"), "--passes", "1", "--min-parallax-snr", "3"); code != 0 {
		t.Fatalf("traincmd: exit %d\n%s\n%s", code, out, errOut)
	}
	cat := filepath.Join(dir, "catalog")
	args := []string{"distances", "--input", parts, "--model", filepath.Join(dir, "model", "cmd.gff"), "--dust", dust, "--out", cat, "--grid-nodes", "16"}
	code, out, errOut := gaiaflow(t, append(args, "--dry_run")...)
	if code != 0 || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(cat); !os.IsNotExist(err) {
		t.Errorf("the dry run wrote into %s: %v", cat, err)
	}
	if code, out, errOut = gaiaflow(t, args...); code != 0 {
		t.Fatalf("distances: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut = gaiaflow(t, "verify", "--catalog", cat); code != 0 || !strings.Contains(out, "files verified") {
		t.Fatalf("verify: exit %d\n%s\n%s", code, out, errOut)
	}
	shards, _ := filepath.Glob(filepath.Join(cat, "shards", "*.parquet"))
	data, _ := os.ReadFile(shards[0])
	data[len(data)/2] ^= 1
	os.WriteFile(shards[0], data, 0o644)
	if code, _, errOut = gaiaflow(t, "verify", "--catalog", cat); code != 1 || !strings.Contains(errOut, filepath.Base(shards[0])) {
		t.Errorf("verify of a damaged shard: exit %d\n%s", code, errOut)
	}
}

// TestFollowDataflowDryRun: the followed catalog as Dataflow would receive
// it, without credentials: a streaming job, polling, or reading the bucket's
// Pub/Sub notifications.
func TestFollowDataflowDryRun(t *testing.T) {
	df := []string{"--runner=dataflow", "--dry_run", "--project=p", "--region=r", "--staging_location=gs://b/s", "--temp_location=gs://b/t"}
	base := []string{"distances", "--follow", "--input", "gs://b/gdr2/GaiaSource_*.csv.gz", "--model", "gs://b/models/cmd.gff", "--out", "gs://b/catalog"}
	for _, extra := range [][]string{nil, {"--notifications", "projects/p/subscriptions/gaia-landing"}} {
		code, out, errOut := gaiaflow(t, append(append(append([]string{}, base...), extra...), df...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", extra, code, out, errOut)
		}
		want := []string{"Dry-run: not submitting job", "JOB_TYPE_STREAMING", "distances.Follow"}
		if extra != nil {
			want = append(want, "pubsub_read")
		}
		for _, w := range want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: the job lacks %q", extra, w)
			}
		}
	}
	if code, _, errOut := gaiaflow(t, append(append([]string{}, base...), "--notifications", "my-subscription")...); code == 0 || !strings.Contains(errOut, "projects/") {
		t.Errorf("a malformed subscription: exit %d\n%s", code, errOut)
	}
}
