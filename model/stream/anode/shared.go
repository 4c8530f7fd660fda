package anode

import (
	"errors"
	"fmt"
)

// DefaultShareCR is the share of a CR flow (ScoreShared: consecutive search
// regions with one CR flow) gaiaflow's streams command uses over the whole
// sky for ANODE at the paper's schedule; the library's and a targeted
// search's is the paper's one CR flow per region. Measured on the dense
// GD-1 patch (BenchmarkSharedCRDense against BenchmarkPaperCostDense, both
// with DefaultPatience; training seeds 1-3): GD-1's AUC 0.875-0.881 with its
// region in the middle of the three and 0.868-0.900 at an edge (0.835 on
// seed 1 without the early stop), against 0.860-0.912 for one CR flow per
// region: the share moves the AUC less than one CR flow's seed does. On a
// second sky (GAIAFLOW_BENCH_SKY_SEED=6, seed 2): 0.857 in the middle and
// 0.865 at the edge against 0.859 for the region's own CR flow. A
// region then costs 0.064-0.092 CPU-hours per million patch stars against
// 0.12-0.22 for its own CR flow with the early stop and 0.22-0.46 for the
// paper's schedule.
const DefaultShareCR = 3

// ScoreShared runs ANODE on several search regions of p with one CR flow
// between them: each SR of srs gets its own SR flow, as in Score, but the
// CR flow is trained once, on the stars of p outside exclude, a window of
// mu_lambda that holds every SR. Each SR keeps its own window of CR epochs
// (the App. A criterion on its own stars, Result.CREpoch and Spread).
//
// Why: the CR flow is trained on nearly the whole patch and is nearly all
// of a region's cost (the SR holds a few per cent of the patch's stars),
// while neighbouring SRs (the paper's stride of 1 mas/yr under a width of
// 6) differ in their CR by a sliver. With G consecutive SRs sharing one CR
// flow, a region costs about 1/G of the CR flow plus its SR flow. The CR
// flow still never sees an SR's stars, so an overdensity in the SR cannot
// leak into its background estimate; the price is a wider gap in
// mu_lambda that the CR flow interpolates across: up to G - 1 mas/yr more
// on one side of the SR than the paper's.
//
// With one SR and exclude equal to it, ScoreShared is Score. It returns
// the results in the order of srs, and an error if srs is empty, if an SR
// is not inside exclude, with CATHODE or Options.OnEpoch for more than one
// SR (not supported yet), or any error Score would return for one of them.
func ScoreShared(p *Patch, exclude Window, srs []Window, opt Options) ([]*Result, error) {
	if len(srs) == 0 {
		return nil, errors.New("anode: ScoreShared: no search regions")
	}
	for _, sr := range srs {
		if !(exclude.Lo <= sr.Lo && sr.Hi <= exclude.Hi) {
			return nil, fmt.Errorf("anode: ScoreShared: search region %v is not inside the excluded window %v", sr, exclude)
		}
	}
	if len(srs) > 1 || exclude != srs[0] {
		switch {
		case opt.Method == Cathode:
			return nil, errors.New("anode: ScoreShared: a shared CR flow is implemented for ANODE only")
		case opt.OnEpoch != nil && len(srs) > 1:
			return nil, errors.New("anode: ScoreShared: Options.OnEpoch needs a single search region")
		}
	}
	return score(p, exclude, srs, opt)
}
