package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulatePatches: --patches writes the shards near the patches only, says
// so in the manifest, and a pixel outside the grid is an error.
func TestSimulatePatches(t *testing.T) {
	sky := filepath.Join(t.TempDir(), "sky")
	code, out, errOut := gaiaflow(t, "simulate", "--out", sky, "--stars", "100000", "--background", "--shard-level", "4", "--patches", "50")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	parts, _ := filepath.Glob(filepath.Join(sky, "GaiaSource_*.csv.gz"))
	// Level 4 has 3,072 shards; a 15-degree patch and its margin reach
	// about 100 of them.
	if len(parts) == 0 || len(parts) > 200 {
		t.Errorf("%d partitions for one patch", len(parts))
	}
	m, err := os.ReadFile(filepath.Join(sky, "manifest.json"))
	if err != nil || !strings.Contains(string(m), `"Patches"`) {
		t.Errorf("manifest %.300s: %v", m, err)
	}
	for _, bad := range []string{"432", "x"} {
		code, _, errOut = gaiaflow(t, "simulate", "--out", t.TempDir(), "--stars", "1000", "--patches", bad)
		if code == 0 || !strings.Contains(errOut, "patch") {
			t.Errorf("--patches %s: exit %d: %s", bad, code, errOut)
		}
	}
}
