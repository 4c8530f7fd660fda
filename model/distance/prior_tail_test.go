package distance

import (
	"math"
	"testing"
)

// TestTabulatedPriorFallsBeyondItsTable: beyond its last bin a tabulated
// prior's nu falls as d^-3, so a sample's weight against the flat-in-
// parallax samples (nu d) falls too; and a star of negative parallax,
// whose samples reach megaparsecs, keeps a first guess inside the Galaxy
// and real weights where the dust grows with distance. Held at its last
// value, nu d grew without end: the first guess went to megaparsecs, the
// dust there dereddened every sample off the CMD, and the star kept zero
// weights (1.1 % of the demo's catalog with the survey prior).
func TestTabulatedPriorFallsBeyondItsTable(t *testing.T) {
	p := Prior{Kind: Tabulated, LogD0: 0, DLogD: 0.05, LogNu: make([]float64, 106)}
	for b := range p.LogNu {
		z := ((float64(b)+0.5)*p.DLogD - 3.3) / 0.3 // nu peaks at 2 kpc
		p.LogNu[b] = max(-z*z/2, -tabulatedFloor)
	}
	end := p.LogD0 + float64(len(p.LogNu))*p.DLogD // 10^5.3 pc
	for _, x := range []float64{end + 0.1, end + 1, end + 2} {
		if slope := (p.logNuAt(x+0.01) - p.logNuAt(x)) / 0.01; math.Abs(slope+3*math.Ln10) > 1e-6 {
			t.Errorf("log nu slope at log10 d = %.1f: %.4f per dex, want -3 ln 10", x, slope)
		}
		if !(p.logWeight(math.Pow(10, x+0.5)) < p.logWeight(math.Pow(10, x))) {
			t.Errorf("the weight against flat-in-parallax samples grows beyond the table (log10 d = %.1f)", x)
		}
	}

	// A CMD without support beyond g in [-5, 15], as the distilled grid.
	cmd := LogProbFunc(func(g, _, _ float64) float64 {
		if g < -5 || g > 15 {
			return math.Inf(-1)
		}
		return gaussG(5, 2)(g, 0, 0)
	})
	e := mustNew(t, Config{Mode: Catalog, Seed: 1, Prior: p}, cmd, linearDust{rate: 0.2})
	rows := e.CatalogBlock(nil, blockOf(testStar(1, -0.5, 0.5, 18, 1, 0.5)), nil)
	if rows.Flags[0]&FlagZeroWeights != 0 || !(rows.DBest[0] > 0 && rows.DBest[0] < 2e5) {
		t.Errorf("negative parallax: d_best %g pc, flags %v; want inside the Galaxy with weights", rows.DBest[0], rows.Flags[0])
	}
}
