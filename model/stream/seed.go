package stream

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// ROI is the line-finding result of one region of interest: the row that
// merging reads. Search fills it; tests and other callers may build tables
// of them by hand (merging reads Patch, RA0, Dec0, SR, PM, Fit.Line,
// Fit.Sigma and Vetoed). It holds only plain values, so that it travels
// through a Beam PCollection as it is.
type ROI struct {
	Region int // index of the search region in the caller's list (Search: into regions)
	Patch  int // the caller's patch label (e.g. its HEALPix pixel)
	// RA0, Dec0 is the patch centre (ICRS, degrees): the patch frame is
	// sky.NewFrame(RA0, Dec0) (Frame).
	RA0, Dec0 float64
	// Scan is the proper-motion coordinate its search region cut; SR and
	// PM number the windows of that scan (with ScanPhi, SR counts mu_phi*
	// windows and PM mu_lambda windows).
	Scan Scan
	// Retraining numbers the ANODE training of the search region, 0 to
	// N-1 when every region is trained N times with different seeds
	// (Porto & Shih 2025): each retraining's ROIs make seeds and
	// proto-clusters of their own, and candidates count how many
	// retrainings found them.
	Retraining int
	SR         int // search-region number; consecutive SRs differ by 1
	PM         int // ROI window number; adjacent windows differ by 1
	// The proper-motion windows, mas/yr, whatever the scan: mu_phi* in
	// [PMPhiMin, PMPhiMax), mu_lambda in [PMLambdaMin, PMLambdaMax).
	PMPhiMin, PMPhiMax       float64
	PMLambdaMin, PMLambdaMax float64
	NStars                   int // stars in the window after the fiducial cuts
	Fit                      Fit
	// Members are the indices, into the region's Stars, of the kept
	// highest-R stars whose Hough curves cross the best box: the stars in
	// the ROI's line.
	Members []int32
	Vetoed  bool // removed by the disk-edge veto
}

// MergeConfig chooses the merging of ROIs into seeds, proto-clusters and
// stream candidates (Shih et al. 2022, §3.5 and §4; ARCHITECTURE.md, streams pipeline, step 4). The
// zero value is the paper's.
type MergeConfig struct {
	// Lines of two ROIs agree if |d theta| < MaxDTheta (radians) and
	// |d rho| < MaxDRho (degrees), modulo the periodicity of Hough space
	// (footnote 11); 0 means pi/10 and 2.
	MaxDTheta, MaxDRho float64
	// Proto-clusters are kept as stream-candidate material if N_SR >= MinNSR
	// and sigma_tot > MinSigma (§4); 0 means 3 and 8, negative means no
	// cut.
	MinNSR   int
	MinSigma float64
	// MinRetrainings drops, after merging, the candidates found by fewer
	// distinct retrainings (ROI.Retraining): with N retrainings, N/2 + 1
	// asks for a majority. 0 keeps every candidate.
	MinRetrainings int
	// Two proto-clusters in different patches merge if the patch centres
	// are at most MaxPatchSep degrees apart (0 means 20, twice Radius: the
	// inner disks overlap; the published list of overlapping patches has
	// neighbours out to 19.9 degrees), the poles of their lines' great
	// circles are within PoleTol degrees of each other as axes (0 means 18,
	// pi/10 as for theta), and the lines overlap: each line's chord inside
	// the other patch's inner disk stays within MaxOffset degrees (0 means
	// 2, as for rho) of the other line's great circle, and at least one
	// chord enters the other disk.
	MaxPatchSep, PoleTol, MaxOffset float64
	Radius                          float64 // inner disk radius, degrees; 0 means 10
	Veto                            EdgeVeto
}

// WithDefaults returns c with its zero values replaced by the paper's.
func (c MergeConfig) WithDefaults() MergeConfig { return c.withDefaults() }

func (c MergeConfig) withDefaults() MergeConfig {
	if c.MaxDTheta == 0 {
		c.MaxDTheta = math.Pi / 10
	}
	if c.MaxDRho == 0 {
		c.MaxDRho = 2
	}
	if c.MinNSR == 0 {
		c.MinNSR = 3
	}
	if c.MinSigma == 0 {
		c.MinSigma = 8
	}
	if c.Radius == 0 {
		c.Radius = 10
	}
	if c.MaxPatchSep == 0 {
		c.MaxPatchSep = 2 * c.Radius
	}
	if c.PoleTol == 0 {
		c.PoleTol = 18
	}
	if c.MaxOffset == 0 {
		c.MaxOffset = 2
	}
	c.Veto = c.Veto.withDefaults()
	return c
}

// Seed is a run of ROIs of one patch and one mu_phi* window in consecutive
// search regions whose lines agree pairwise from one SR to the next (§3.5
// step i). Every ROI not vetoed is in exactly one seed, alone if need be.
type Seed struct {
	Patch           int
	Scan            Scan
	Retraining      int
	PM              int
	SRFirst, SRLast int
	ROIs            []int   // indices into the ROI table, by increasing SR
	Sigma           float64 // sigma_tot: the quadrature sum of the ROIs' sigma_L
	Best            int     // the ROI (index into the table) of largest sigma_L
}

// Frame returns the patch frame of the ROI.
func (r *ROI) Frame() *sky.Frame { return sky.NewFrame(r.RA0, r.Dec0) }

// Frame returns the patch frame of the proto-cluster.
func (p *ProtoCluster) Frame() *sky.Frame { return sky.NewFrame(p.RA0, p.Dec0) }

// validCentre reports whether (ra, dec) in degrees is a direction.
func validCentre(ra, dec float64) bool {
	return !math.IsNaN(ra) && !math.IsInf(ra, 0) && dec >= -90 && dec <= 90
}

// NSR returns the number of search regions (ROIs) of the seed.
func (s *Seed) NSR() int { return len(s.ROIs) }

// Seeds groups the ROIs that are not vetoed into seeds (§3.5 step i): for
// each patch and mu_phi* window, ROIs by increasing SR, a new seed starting
// wherever the SR does not follow the previous one's by exactly 1 or the two
// lines disagree. Seeds come ordered by (patch, PM, first SR). It panics if
// an ROI's centre is not a finite direction.
func Seeds(rois []ROI, cfg MergeConfig) []Seed {
	c := cfg.withDefaults()
	idx := make([]int, 0, len(rois))
	for i := range rois {
		if !validCentre(rois[i].RA0, rois[i].Dec0) {
			panic(fmt.Sprintf("stream: Seeds: ROI %d has centre (%v, %v)", i, rois[i].RA0, rois[i].Dec0))
		}
		if !rois[i].Vetoed {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		ra, rb := &rois[a], &rois[b]
		return cmp.Or(cmp.Compare(ra.Patch, rb.Patch), cmp.Compare(ra.Scan, rb.Scan), cmp.Compare(ra.Retraining, rb.Retraining),
			cmp.Compare(ra.PM, rb.PM), cmp.Compare(ra.SR, rb.SR), cmp.Compare(a, b))
	})
	var seeds []Seed
	for k, i := range idx {
		r := &rois[i]
		if k > 0 {
			p := &rois[idx[k-1]]
			s := &seeds[len(seeds)-1]
			if p.Patch == r.Patch && p.Scan == r.Scan && p.Retraining == r.Retraining && p.PM == r.PM && r.SR == p.SR+1 &&
				p.Fit.Line.Agrees(r.Fit.Line, c.MaxDTheta, c.MaxDRho) {
				s.ROIs = append(s.ROIs, i)
				s.SRLast = r.SR
				if r.Fit.Sigma > rois[s.Best].Fit.Sigma {
					s.Best = i
				}
				continue
			}
		}
		seeds = append(seeds, Seed{Patch: r.Patch, Scan: r.Scan, Retraining: r.Retraining, PM: r.PM, SRFirst: r.SR, SRLast: r.SR, ROIs: []int{i}, Best: i})
	}
	for k := range seeds {
		var q float64
		for _, i := range seeds[k].ROIs {
			q += rois[i].Fit.Sigma * rois[i].Fit.Sigma
		}
		seeds[k].Sigma = math.Sqrt(q)
	}
	return seeds
}

// ProtoCluster is a set of seeds of one patch at adjacent mu_phi* windows
// with agreeing lines (§3.5 step ii).
type ProtoCluster struct {
	Patch      int
	Scan       Scan
	Retraining int
	RA0, Dec0  float64 // patch centre, ICRS, degrees
	Seeds      []int   // indices into the seed table, ascending
	// Best is the seed (index) of largest sigma_tot; Sigma is its sigma_tot,
	// the proto-cluster's significance ("we characterize its significance by
	// the seed with the highest sigma_tot").
	Best  int
	Sigma float64
	// NSR is the number of ROIs of the proto-cluster's largest seed (Fig. 9:
	// "the number of ROIs in its largest seed"). The text also calls the
	// best seed's size N_SR; the two differ only when a smaller seed has the
	// larger sigma_tot. BestNSR is the best seed's size.
	NSR, BestNSR int
	// Line is the proto-cluster's line: that of the ROI of largest sigma_L
	// in its best seed (ROI).
	Line Line
	ROI  int
	// The windows it spans: mu_phi* window numbers and search regions.
	PMFirst, PMLast int
	SRFirst, SRLast int
	NROI            int // ROIs in all its seeds
}

// ProtoClusters groups seeds into proto-clusters (§3.5 step ii): two seeds
// of one patch are linked if their mu_phi* windows are adjacent (numbers
// differing by 1) and an ROI of one and an ROI of the other, in the same or
// consecutive search regions, have agreeing lines; proto-clusters are the
// connected groups of linked seeds. (The paper says "we group together seeds
// at adjacent mu_phi* based on the same criteria for concordance of line
// parameters" without saying which lines of two seeds to compare; this
// compares the ROIs that are neighbours in the (SR, mu_phi*) grid.) They
// come ordered by their first seed.
func ProtoClusters(rois []ROI, seeds []Seed, cfg MergeConfig) []ProtoCluster {
	c := cfg.withDefaults()
	uf := newUnionFind(len(seeds))
	// Seeds are ordered by (patch, scan, retraining, PM, SR): scan the
	// next PM's seeds.
	for a := range seeds {
		for b := a + 1; b < len(seeds) && seeds[b].Patch == seeds[a].Patch && seeds[b].Scan == seeds[a].Scan &&
			seeds[b].Retraining == seeds[a].Retraining && seeds[b].PM <= seeds[a].PM+1; b++ {
			if seeds[b].PM != seeds[a].PM+1 ||
				seeds[b].SRFirst > seeds[a].SRLast+1 || seeds[a].SRFirst > seeds[b].SRLast+1 {
				continue
			}
			if seedsAgree(rois, &seeds[a], &seeds[b], c) {
				uf.union(a, b)
			}
		}
	}
	var pcs []ProtoCluster
	at := map[int]int{} // root -> proto-cluster
	for k := range seeds {
		root := uf.find(k)
		p, ok := at[root]
		if !ok {
			p = len(pcs)
			at[root] = p
			s := &seeds[k]
			pcs = append(pcs, ProtoCluster{Patch: s.Patch, Scan: s.Scan, Retraining: s.Retraining, RA0: rois[s.ROIs[0]].RA0, Dec0: rois[s.ROIs[0]].Dec0, Best: k,
				PMFirst: s.PM, PMLast: s.PM, SRFirst: s.SRFirst, SRLast: s.SRLast})
		}
		pc, s := &pcs[p], &seeds[k]
		pc.Seeds = append(pc.Seeds, k)
		pc.NROI += s.NSR()
		pc.NSR = max(pc.NSR, s.NSR())
		pc.PMFirst, pc.PMLast = min(pc.PMFirst, s.PM), max(pc.PMLast, s.PM)
		pc.SRFirst, pc.SRLast = min(pc.SRFirst, s.SRFirst), max(pc.SRLast, s.SRLast)
		if s.Sigma > seeds[pc.Best].Sigma {
			pc.Best = k
		}
	}
	for p := range pcs {
		pc := &pcs[p]
		b := &seeds[pc.Best]
		pc.Sigma, pc.BestNSR, pc.ROI = b.Sigma, b.NSR(), b.Best
		pc.Line = rois[b.Best].Fit.Line
	}
	return pcs
}

// seedsAgree reports whether an ROI of a and an ROI of b in the same or
// consecutive SRs have agreeing lines.
func seedsAgree(rois []ROI, a, b *Seed, c MergeConfig) bool {
	for _, i := range a.ROIs {
		for _, j := range b.ROIs {
			ri, rj := &rois[i], &rois[j]
			if ri.SR-rj.SR <= 1 && rj.SR-ri.SR <= 1 && ri.Fit.Line.Agrees(rj.Fit.Line, c.MaxDTheta, c.MaxDRho) {
				return true
			}
		}
	}
	return false
}

// unionFind is a disjoint-set forest over 0..n-1.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		u[max(ra, rb)] = min(ra, rb)
	}
}
