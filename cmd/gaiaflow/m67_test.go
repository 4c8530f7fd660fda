package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestM67ClusterDistance is paper 000 §4.3 on real Gaia stars: a CMD flow
// trained on the 5,629 members of the nearby clusters of Babusiaux et al.
// (2018) and 1,000 random DR2 stars (none in M67), the catalog of the DR3
// M67 field (parallax zero point +0.017 mas, E(B-V) = 0.037 from Babusiaux
// et al.), and the cluster + field mixture over the stars within 0.3 deg
// with parallax SNR < 50. The independent references: the paper's 0.845 kpc
// (Table 2), Babusiaux et al.'s distance modulus 9.726 (0.880 kpc) and
// parallax 1.1325 mas (0.883 kpc).
func TestM67ClusterDistance(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a CMD flow for about half a minute; skipped with -short")
	}
	dir := t.TempDir()
	model, cat := filepath.Join(dir, "model"), filepath.Join(dir, "catalog")
	code, out, errOut := gaiaflow(t, "traincmd",
		"--input", "testdata/GaiaHRD_tab1a_DR2xmatch.csv.gz",
		"--input", "../../io/partition/testdata/GaiaSource_like_from_pyia_gdr2_sm.csv",
		"--dust", "none", "--keep-no-ruwe", "--passes", "30", "--batch", "512", "--lr", "2e-3", "--seed", "1", "--out", model)
	if code != 0 {
		t.Fatalf("traincmd: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = gaiaflow(t, "distances", "--input", "../../io/partition/testdata/m67.csv.gz",
		"--model", filepath.Join(model, "cmd.gff"), "--dust", "constant:0.037", "--parallax-offset", "0.017", "--out", cat)
	if code != 0 {
		t.Fatalf("distances: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = gaiaflow(t, "cluster-distance", "--catalog", cat, "--max-snr", "50")
	if code != 0 {
		t.Fatalf("cluster-distance: exit %d\n%s", code, errOut)
	}
	var n int
	var d, e float64
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| < 50 |") {
			fmt.Sscanf(line, "| < 50 | %d | %f ± %f", &n, &d, &e)
		}
	}
	t.Logf("M67, parallax SNR < 50: %d stars, %.3f ± %.3f kpc (paper 0.845 ± 0.006; Babusiaux et al. 0.880)", n, d, e)
	if n < 300 || d < 0.80 || d > 0.95 {
		t.Errorf("M67 at %.3f kpc from %d stars, want 0.80..0.95 kpc from hundreds\n%s", d, n, out)
	}
}
