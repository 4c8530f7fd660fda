package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDustImportAndQuery imports a Bayestar2015-layout HDF5 file built from
// the real Argonaut sight lines and queries it at l=90, b=10, DM=10. The
// wants are read off model/dust/testdata/argonaut_output_v1.txt: BestFit
// 0.133 and posterior sample 0 = 0.148 at DistanceModulus 10.00.
func TestDustImportAndQuery(t *testing.T) {
	out := filepath.Join(t.TempDir(), "arg.gfdust")
	code, stdout, errOut := gaiaflow(t, "dust", "import", "--in", "../../io/dustfile/testdata/argonaut_bayestar2015.h5", "--out", out)
	if code != 0 || !strings.Contains(stdout, "8 pixels") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, errOut)
	}
	// --in is the old name of --input: it still works, with a warning.
	if !strings.Contains(errOut, "--in is deprecated") {
		t.Errorf("no deprecation warning for --in: %q", errOut)
	}
	code, stdout, errOut = gaiaflow(t, "dust", "query", "--map", out, "--l", "90", "--b", "10", "--dist", "1000", "--sample", "0")
	if code != 0 {
		t.Fatalf("query: exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"covered yes", "sample 0/20 0.148", "best fit 0.133"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("query output lacks %q:\n%s", want, stdout)
		}
	}
	// South of dec -30 Bayestar has no data.
	code, stdout, _ = gaiaflow(t, "dust", "query", "--map", out, "--ra", "10", "--dec", "-60", "--dist", "1000")
	if code != 0 || !strings.Contains(stdout, "covered no") {
		t.Errorf("south of dec -30: exit %d\n%s", code, stdout)
	}
}
