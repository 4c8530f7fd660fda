package anode

import (
	"cmp"
	"slices"
)

// Sort puts the stars of p in a canonical order: by source_id, ties (and
// a patch without source_ids) by their values column by column.
//
// Why: a pipeline builds a patch from blocks in the order its runner
// delivers them after a GroupByKey, which no runner fixes, and the flows
// train on batches drawn by star index: the same stars in another order
// train other flows, so another run of the same search would find other
// ROIs and, at the cuts' edge, other candidates. Sorted, a patch trains
// the same flows whatever the order its stars came in.
func (p *Patch) Sort() {
	p.check()
	n := p.Len()
	cols := [][]float64{p.Phi, p.Lambda, p.PMPhi, p.PMLambda, p.BPRP, p.G, p.PMError}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if p.SourceID != nil {
			if c := cmp.Compare(p.SourceID[a], p.SourceID[b]); c != 0 {
				return c
			}
		}
		for _, col := range cols {
			if col == nil {
				continue
			}
			if c := cmp.Compare(col[a], col[b]); c != 0 {
				return c
			}
		}
		return 0
	})
	if p.SourceID != nil {
		p.SourceID = permute(p.SourceID, idx)
	}
	p.Phi, p.Lambda, p.PMPhi, p.PMLambda = permute(p.Phi, idx), permute(p.Lambda, idx), permute(p.PMPhi, idx), permute(p.PMLambda, idx)
	if p.BPRP != nil {
		p.BPRP = permute(p.BPRP, idx)
	}
	if p.G != nil {
		p.G = permute(p.G, idx)
	}
	if p.PMError != nil {
		p.PMError = permute(p.PMError, idx)
	}
}

// permute returns x in the order idx, a permutation of its indices.
func permute[T any](x []T, idx []int) []T {
	out := make([]T, len(x))
	for i, j := range idx {
		out[i] = x[j]
	}
	return out
}
