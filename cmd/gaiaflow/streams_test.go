package main

import (
	"strings"
	"testing"
)

// TestValidateStreamsHough runs the Hough part of `validate streams`:
// injected lines of 30 stars among 70 uniform ones are recovered, and the
// noise quantiles of sigma_L are printed (model/stream documents 3.3 for the
// median with the tiles and 100 stars).
func TestValidateStreamsHough(t *testing.T) {
	code, out, errOut := gaiaflow(t, "validate", "streams", "--hough-trials", "100")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"## Hough", "recovered (theta within a bin, rho within 0.3 deg): 100 of 100", "| sigma_L |"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestStreamsNeedsInputAndOut(t *testing.T) {
	code, _, errOut := gaiaflow(t, "streams", "--out", t.TempDir())
	if code == 0 || !strings.Contains(errOut, "--input and --out are required") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	code, _, errOut = gaiaflow(t, "streams", "--input", "x", "--out", t.TempDir(), "--sr-range", "5:1")
	if code == 0 || !strings.Contains(errOut, "--sr-range") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
