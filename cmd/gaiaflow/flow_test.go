package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/table"
	"gonum.org/v1/gonum/stat"
)

// TestFlowCommands fits a correlated 2-D Gaussian through the command line,
// scores a fresh sample against the analytic expectation of log p, and
// checks the covariance of drawn samples.
func TestFlowCommands(t *testing.T) {
	dir := t.TempDir()
	// x ~ N(0, [[1, .8], [.8, 1]]) scaled by (2, 0.5) and shifted by (10, -3).
	write := func(name string, n int, seed uint64) string {
		rng := rand.New(rand.NewPCG(seed, 1))
		var b strings.Builder
		b.WriteString("id,a,b\n")
		for i := 0; i < n; i++ {
			z1, z2 := rng.NormFloat64(), rng.NormFloat64()
			a := 10 + 2*z1
			bb := -3 + 0.5*(0.8*z1+0.6*z2)
			fmt.Fprintf(&b, "%d,%g,%g\n", i, a, bb)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(b.String()), 0o644)
		return p
	}
	train, test := write("train.csv", 4000, 1), write("test.csv", 4000, 2)
	model := filepath.Join(dir, "m.gff")
	code, out, errOut := gaiaflow(t, "flow", "fit", "--input", train, "--cols", "a,b", "--blocks", "3", "--hidden", "32",
		"--epochs", "15", "--batch", "128", "--lr", "3e-3", "--seed", "1", "--out", model)
	if code != 0 {
		t.Fatalf("fit: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = gaiaflow(t, "flow", "score", "--model", model, "--input", test)
	if code != 0 {
		t.Fatalf("score: exit %d\n%s", code, errOut)
	}
	var rows int
	var mean float64
	fmt.Sscanf(out, "rows %d\nmean log p %g", &rows, &mean)
	// E[log p] of a 2-D Gaussian = -log(2 pi) - 0.5 log det(Sigma) - 1, with
	// det(Sigma) = (2 * 0.5)^2 * (1 - 0.8^2).
	want := -math.Log(2*math.Pi) - 0.5*math.Log(0.36) - 1
	if rows != 4000 || math.Abs(mean-want) > 0.08 {
		t.Errorf("score: %d rows, mean log p %.4f, analytic %.4f", rows, mean, want)
	}
	samples := filepath.Join(dir, "s.csv")
	if code, _, errOut = gaiaflow(t, "flow", "sample", "--model", model, "-n", "5000", "--seed", "2", "--out", samples); code != 0 {
		t.Fatalf("sample: %s", errOut)
	}
	c, err := table.Read(t.Context(), samples, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	a, b := colOf(c, 0), colOf(c, 1)
	if r := stat.Correlation(a, b, nil); math.Abs(r-0.8) > 0.05 || math.Abs(stat.Mean(a, nil)-10) > 0.15 {
		t.Errorf("samples: correlation %.3f (want 0.8), mean a %.3f (want 10)", r, stat.Mean(a, nil))
	}
	// A table without the model's columns names the missing one.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,c\n1,2\n"), 0o644)
	if code, _, errOut = gaiaflow(t, "flow", "score", "--model", model, "--input", bad); code == 0 || !strings.Contains(errOut, strconv.Quote("b")) {
		t.Errorf("score on a table without b: exit %d, %s", code, errOut)
	}
}

func colOf(c table.Columns, k int) []float64 {
	out := make([]float64, c.Rows)
	for i := range out {
		out[i] = c.Data[0].At(i, k)
	}
	return out
}
