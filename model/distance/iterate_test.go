package distance

import (
	"math"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

// Eq. 2's iteration ends for a star once its d_best has converged: its row
// is then the one all T iterations give, to within Converged, and the
// stars need fewer than T iterations on average (here, behind 0.5 mag/kpc
// and with the mock's narrow sequences, 8.2; on the demo sky 5.9). The reference is the
// paper's loop run to the end (Converged < 0), behind 0.5 mag/kpc of dust
// so that d_best moves from iteration to iteration.
func TestIterationStopsWhenConverged(t *testing.T) {
	const n, rate = 2000, 0.5
	b, _ := mockPopulation(n, 8, rate)
	dens := LogProbFunc(mock.DefaultCMD().LogProb)
	paper := Config{Mode: Catalog, Seed: 9, DustAtDBest: true, ObservedColours: true, RefineESS: -1}
	all := paper
	all.Converged = -1
	full := mustNew(t, all, dens, linearDust{rate: rate}).CatalogBlock(nil, b, nil)
	conv := mustNew(t, paper, dens, linearDust{rate: rate}).CatalogBlock(nil, b, nil)
	if full.Len() != conv.Len() {
		t.Fatalf("%d rows converged, %d with all iterations", conv.Len(), full.Len())
	}
	var worst float64
	var iters, fullIters int
	var hist [11]int
	for i := range full.Len() {
		if full.SourceID[i] != conv.SourceID[i] {
			t.Fatalf("row %d: source %d, want %d", i, conv.SourceID[i], full.SourceID[i])
		}
		width := full.DistQ84[i] - full.DistQ16[i]
		if width == 0 { // a posterior on one sample
			width = full.DistQ50[i]
		}
		for _, q := range [][2]float64{{full.DistQ16[i], conv.DistQ16[i]}, {full.DistQ50[i], conv.DistQ50[i]},
			{full.DistQ84[i], conv.DistQ84[i]}, {full.DistMean[i], conv.DistMean[i]}} {
			worst = max(worst, math.Abs(q[0]-q[1])/width)
		}
		iters += int(conv.Iterations[i])
		hist[conv.Iterations[i]]++
		fullIters += int(full.Iterations[i])
	}
	mean := float64(iters) / float64(full.Len())
	t.Logf("iterations run: %v stars with 0..10", hist)
	t.Logf("%d stars: %.2f iterations on average (all: %.2f); largest change of a quantile or mean %.2g of the [q16, q84] width",
		full.Len(), mean, float64(fullIters)/float64(full.Len()), worst)
	if fullIters != 10*full.Len() {
		t.Errorf("Converged < 0 ran %d iterations in all, want 10 per star", fullIters)
	}
	if worst > 1e-6 {
		t.Errorf("stopping at convergence moved a quantile by %.2g of its posterior's width", worst)
	}
	if mean > 9.5 {
		t.Errorf("%.2f iterations per star on average: the convergence test hardly ever stops", mean)
	}
}
