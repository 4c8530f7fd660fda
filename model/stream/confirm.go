package stream

import (
	"cmp"
	"slices"
)

// SRSpan is a run of consecutive search regions, First to Last, of one
// scan of one patch.
type SRSpan struct {
	Patch       int
	Scan        Scan
	First, Last int
}

// ConfirmSpans returns the search regions in which a confirming search
// (streams --confirm) trains its other retrainings: around every
// proto-cluster of rois that passes cfg's cuts (N_SR and sigma_tot; the
// retraining cut is not applied), its search regions widened by the N_SR
// cut on each side (3 by default, 3 also when there is no N_SR cut), so
// that a retraining's proto-cluster of that many regions that touches the
// first one's lies wholly inside. Spans of one patch and scan that overlap
// or touch are joined; they come ordered by (patch, scan, first region).
//
// Every stream candidate is made of proto-clusters that pass the cuts,
// so the regions outside the spans cannot hold a candidate of the first
// training, and retraining them could only add candidates that the first
// training did not find: a confirming search asks a majority of its
// trainings for what its first one found, at the cost of the spans.
func ConfirmSpans(rois []ROI, cfg MergeConfig) []SRSpan {
	c := cfg.withDefaults()
	margin := c.MinNSR
	if margin < 1 {
		margin = 3
	}
	seeds := Seeds(rois, c)
	var spans []SRSpan
	for _, pc := range ProtoClusters(rois, seeds, c) {
		if c.passes(&pc) {
			spans = append(spans, SRSpan{Patch: pc.Patch, Scan: pc.Scan, First: pc.SRFirst - margin, Last: pc.SRLast + margin})
		}
	}
	slices.SortFunc(spans, func(a, b SRSpan) int {
		return cmp.Or(cmp.Compare(a.Patch, b.Patch), cmp.Compare(a.Scan, b.Scan), cmp.Compare(a.First, b.First))
	})
	var out []SRSpan
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].Patch == s.Patch && out[n-1].Scan == s.Scan && s.First <= out[n-1].Last+1 {
			out[n-1].Last = max(out[n-1].Last, s.Last)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Overlaps reports whether the search regions first to last of the patch's
// scan meet one of spans.
func Overlaps(spans []SRSpan, patch int, scan Scan, first, last int) bool {
	for _, s := range spans {
		if s.Patch == patch && s.Scan == scan && first <= s.Last && s.First <= last {
			return true
		}
	}
	return false
}

// passes reports whether pc passes the candidate cuts of c (defaults
// filled in): N_SR >= MinNSR and sigma_tot > MinSigma, a negative value
// meaning no cut.
func (c MergeConfig) passes(pc *ProtoCluster) bool {
	return (c.MinNSR < 0 || pc.NSR >= c.MinNSR) && (c.MinSigma < 0 || pc.Sigma > c.MinSigma)
}
