package main

import (
	"strings"
	"testing"
)

// `dust query --version` reads a Bayestar file whose name does not say its
// release, as `dust import --version` does; without it the error says what
// to give.
func TestDustQueryVersion(t *testing.T) {
	const mini = "../../io/dustfile/testdata/bayestar_mini.h5"
	code, _, errOut := gaiaflow(t, "dust", "query", "--map", mini, "--l", "90", "--b", "10")
	if code == 0 || !strings.Contains(errOut, "give the version") {
		t.Errorf("without --version: exit %d, %s", code, errOut)
	}
	code, out, errOut := gaiaflow(t, "dust", "query", "--map", mini, "--version", "bayestar2019", "--l", "90", "--b", "10")
	if code != 0 || !strings.Contains(out, "bayestar2019 units") {
		t.Errorf("with --version: exit %d\n%s\n%s", code, out, errOut)
	}
}

// `dust query` takes every dust spec the pipelines take.
func TestDustQueryConstant(t *testing.T) {
	code, out, errOut := gaiaflow(t, "dust", "query", "--map", "constant:0.03", "--l", "90", "--b", "10")
	if code != 0 || !strings.Contains(out, "0.03") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
