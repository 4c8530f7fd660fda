package stream

import (
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// PatchLine is one proto-cluster's line in a stream candidate: in the patch
// frame and on the sky.
type PatchLine struct {
	ProtoCluster int // index into the proto-cluster table
	Patch        int
	Line         Line // patch frame
	// The ICRS pole (degrees) of the line's great circle (Line.Pole with
	// PoleSpan) and the ends of its chord across the inner disk.
	PoleRA, PoleDec      float64
	RA1, Dec1, RA2, Dec2 float64
	// The proper-motion windows of the proto-cluster, mas/yr: mu_phi* from
	// PMPhiMin to PMPhiMax (the union of its windows), mu_lambda of its
	// search regions from PMLambdaMin to PMLambdaMax.
	PMPhiMin, PMPhiMax       float64
	PMLambdaMin, PMLambdaMax float64
}

// Candidate is a stream candidate: proto-clusters that pass the cuts, in
// overlapping patches, on one great circle (§3.5 step iii and §4).
type Candidate struct {
	ProtoClusters []int // indices into the proto-cluster table, ascending
	Patches       []int // distinct patch labels, ascending
	Sigma         float64
	NSR           int // the largest N_SR of its proto-clusters
	NROI          int // ROIs in all its proto-clusters
	// Retrainings is the number of distinct retrainings among its
	// proto-clusters (1 without retrainings).
	Retrainings int
	// Pole is the mean of the proto-clusters' poles as axes (each turned to
	// the first one's side), in ICRS and Galactic degrees.
	PoleRA, PoleDec float64
	PoleL, PoleB    float64
	Lines           []PatchLine
}

// Candidates merges the proto-clusters that pass the cuts (N_SR >= MinNSR
// and sigma_tot > MinSigma) into stream candidates: two of them, in
// different patches whose centres are within MaxPatchSep, are linked if
// their lines' great circles have poles within PoleTol as axes and their
// chords overlap (MergeConfig); candidates are the connected groups, each
// with the largest sigma_tot and N_SR of its members. They come in order of
// decreasing Sigma. The paper merges "proto-clusters across adjacent patches
// using the same criteria for concordance of line parameters"; lines of
// different patch frames are compared on the sky here, as great circles.
func Candidates(rois []ROI, seeds []Seed, pcs []ProtoCluster, cfg MergeConfig) []Candidate {
	c := cfg.withDefaults()
	var keep []int
	for p := range pcs {
		if c.passes(&pcs[p]) {
			keep = append(keep, p)
		}
	}
	poles := make([]vec, len(keep))
	frames := make([]*sky.Frame, len(keep))
	for k, p := range keep {
		frames[k] = pcs[p].Frame()
		poles[k] = pcs[p].Line.poleVec(frames[k], PoleSpan)
	}
	uf := newUnionFind(len(keep))
	for a := range keep {
		for b := a + 1; b < len(keep); b++ {
			pa, pb := &pcs[keep[a]], &pcs[keep[b]]
			// Within a patch the proto-clusters of one scan and one
			// retraining are already what §3.5 makes of its ROIs; the
			// other scan's or retraining's may be the same stream.
			if pa.Patch == pb.Patch && pa.Scan == pb.Scan && pa.Retraining == pb.Retraining {
				continue
			}
			if sky.Separation(pa.RA0, pa.Dec0, pb.RA0, pb.Dec0) > c.MaxPatchSep {
				continue
			}
			if axisAngle(poles[a], poles[b]) > c.PoleTol {
				continue
			}
			if linesOverlap(pa, pb, frames[a], frames[b], poles[a], poles[b], c) {
				uf.union(a, b)
			}
		}
	}
	var cands []Candidate
	at := map[int]int{}
	for k, p := range keep {
		root := uf.find(k)
		i, ok := at[root]
		if !ok {
			i = len(cands)
			at[root] = i
			cands = append(cands, Candidate{})
		}
		cd, pc := &cands[i], &pcs[p]
		cd.ProtoClusters = append(cd.ProtoClusters, p)
		if !slices.Contains(cd.Patches, pc.Patch) {
			cd.Patches = append(cd.Patches, pc.Patch)
		}
		cd.Sigma = math.Max(cd.Sigma, pc.Sigma)
		cd.NSR = max(cd.NSR, pc.NSR)
		cd.NROI += pc.NROI
		cd.Lines = append(cd.Lines, patchLine(rois, seeds, pcs, p, c.Radius))
	}
	if c.MinRetrainings > 0 {
		cands = slices.DeleteFunc(cands, func(cd Candidate) bool {
			seen := map[int]bool{}
			for _, p := range cd.ProtoClusters {
				seen[pcs[p].Retraining] = true
			}
			return len(seen) < c.MinRetrainings
		})
	}
	for i := range cands {
		cd := &cands[i]
		seen := map[int]bool{}
		for _, p := range cd.ProtoClusters {
			seen[pcs[p].Retraining] = true
		}
		cd.Retrainings = len(seen)
		slices.Sort(cd.Patches)
		var sum vec
		var first vec
		for k, pl := range cd.Lines {
			v := unit(pl.PoleRA, pl.PoleDec)
			if k == 0 {
				first = v
			} else if v.dot(first) < 0 {
				v = vec{-v[0], -v[1], -v[2]}
			}
			sum = vec{sum[0] + v[0], sum[1] + v[1], sum[2] + v[2]}
		}
		cd.PoleRA, cd.PoleDec = lonLat(sum)
		cd.PoleL, cd.PoleB = sky.ICRSToGalactic(cd.PoleRA, cd.PoleDec)
	}
	slices.SortStableFunc(cands, func(a, b Candidate) int { return -cmpFloat(a.Sigma, b.Sigma) })
	return cands
}

// CandidatesByRetraining returns, for each retraining 0 to N-1 of the ROIs
// (N is one more than the largest ROI.Retraining), the number of candidates
// its proto-clusters alone make at cfg's cuts, without the retraining cut:
// what a search with that one training would have reported. On a sky
// without streams these are the false positives of single trainings, to
// set beside those a majority of retrainings lets through (Porto & Shih
// 2025 report that the majority halves them). Retraining 0 is the search's
// own seed, so its count is that of the same search without retrainings.
func CandidatesByRetraining(rois []ROI, seeds []Seed, pcs []ProtoCluster, cfg MergeConfig) []int {
	n := 0
	for i := range rois {
		n = max(n, rois[i].Retraining+1)
	}
	cfg.MinRetrainings = 0
	out := make([]int, n)
	var own []ProtoCluster
	for r := range out {
		own = own[:0]
		for _, pc := range pcs {
			if pc.Retraining == r {
				own = append(own, pc)
			}
		}
		out[r] = len(Candidates(rois, seeds, own, cfg))
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// patchLine describes proto-cluster p as a PatchLine.
func patchLine(rois []ROI, seeds []Seed, pcs []ProtoCluster, p int, radius float64) PatchLine {
	pc := &pcs[p]
	pl := PatchLine{ProtoCluster: p, Patch: pc.Patch, Line: pc.Line}
	f := pc.Frame()
	pl.PoleRA, pl.PoleDec = pc.Line.Pole(f, PoleSpan)
	pl.RA1, pl.Dec1, pl.RA2, pl.Dec2, _ = pc.Line.Ends(f, radius)
	pl.PMPhiMin, pl.PMLambdaMin = math.Inf(1), math.Inf(1)
	pl.PMPhiMax, pl.PMLambdaMax = math.Inf(-1), math.Inf(-1)
	for _, s := range pc.Seeds {
		for _, i := range seeds[s].ROIs {
			r := &rois[i]
			pl.PMPhiMin, pl.PMPhiMax = math.Min(pl.PMPhiMin, r.PMPhiMin), math.Max(pl.PMPhiMax, r.PMPhiMax)
			pl.PMLambdaMin, pl.PMLambdaMax = math.Min(pl.PMLambdaMin, r.PMLambdaMin), math.Max(pl.PMLambdaMax, r.PMLambdaMax)
		}
	}
	return pl
}

// linesOverlap reports whether the lines of proto-clusters a and b (frames
// fa, fb; poles na, nb) overlap: the part of each line's chord (across its
// own inner disk) inside the other's inner disk stays within MaxOffset of the
// other's great circle, and at least one such part exists.
func linesOverlap(a, b *ProtoCluster, fa, fb *sky.Frame, na, nb vec, c MergeConfig) bool {
	inA, okA := chordNear(a, fa, b, nb, c)
	inB, okB := chordNear(b, fb, a, na, c)
	return okA && okB && (inA || inB)
}

// chordNear follows the chord of a's line across a's inner disk in steps of
// at most 0.25 degree; for the points inside b's inner disk it reports
// whether there are any (in) and whether all are within MaxOffset of the
// great circle of pole nb (ok).
func chordNear(a *ProtoCluster, fa *sky.Frame, b *ProtoCluster, nb vec, c MergeConfig) (in, ok bool) {
	p1, q1, p2, q2, hit := a.Line.Chord(c.Radius)
	if !hit {
		return false, true
	}
	centre := unit(b.RA0, b.Dec0)
	cosR := math.Cos(c.Radius * deg)
	sinOff := math.Sin(c.MaxOffset * deg)
	steps := int(math.Ceil(math.Hypot(p2-p1, q2-q1)/0.25)) + 1
	for k := 0; k <= steps; k++ {
		t := float64(k) / float64(steps)
		v := unit(fa.ToICRS(p1+t*(p2-p1), q1+t*(q2-q1)))
		if v.dot(centre) < cosR {
			continue
		}
		in = true
		if math.Abs(v.dot(nb)) > sinOff {
			return true, false
		}
	}
	return in, true
}

// PatchSigma is the largest proto-cluster of one patch: its sigma_tot and
// N_SR, whether or not it passes the candidate cuts.
type PatchSigma struct {
	Patch int     `json:"patch"`
	Sigma float64 `json:"sigma_tot"`
	NSR   int     `json:"n_sr"`
}

// LargestByPatch returns the largest proto-cluster (by sigma_tot) of every
// patch that has one, in order of patch label: on a sky without streams,
// the distribution that the candidate cuts must lie beyond.
func LargestByPatch(pcs []ProtoCluster) []PatchSigma {
	best := map[int]PatchSigma{}
	for _, pc := range pcs {
		if b, ok := best[pc.Patch]; !ok || pc.Sigma > b.Sigma {
			best[pc.Patch] = PatchSigma{Patch: pc.Patch, Sigma: pc.Sigma, NSR: pc.NSR}
		}
	}
	out := make([]PatchSigma, 0, len(best))
	for _, b := range best {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b PatchSigma) int { return a.Patch - b.Patch })
	return out
}
