package stream

import (
	"fmt"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// Config gathers the configuration of every step; the zero value is the
// paper's.
type Config struct {
	ROI   ROIConfig
	Hough HoughConfig
	Merge MergeConfig
}

// Region is one search region of one patch with its ANODE results.
type Region struct {
	Patch     int     // the caller's patch label (e.g. its HEALPix pixel)
	RA0, Dec0 float64 // the patch centre, ICRS, degrees (sky.Patch.RA, Dec)
	// SR numbers the search region: by the paper's convention the mu_lambda
	// window [SR, SR + 6) mas/yr; only consecutiveness matters to merging.
	SR int
	// PMLambdaMin, PMLambdaMax is the SR's window, mas/yr: in the
	// coordinate Stars.PMLambda holds, mu_lambda unless Scan is ScanPhi.
	PMLambdaMin, PMLambdaMax float64
	// Scan is the scan the region belongs to. With ScanPhi the caller
	// gives Stars with mu_phi* in PMLambda and mu_lambda in PMPhi (the
	// search cuts PMLambda into SRs and PMPhi into ROIs), and the ROIs
	// come back with their windows turned to the frame's coordinates
	// (ROI.Transposed).
	Scan       Scan
	Retraining int // the region's training (ROI.Retraining)
	Stars      Stars
}

// Searcher turns search regions into ROI rows: cuts, windows, top-R stars,
// Hough fit, members, veto. It holds scratch space: use one per goroutine.
type Searcher struct {
	cfg       Config
	sel       *Selector
	finder    *Finder
	phi, lam  []float64
	members   []int
	cutCounts CutCounts
}

// NewSearcher returns a Searcher for cfg. It panics on an invalid
// configuration (see NewSelector, NewFinder).
func NewSearcher(cfg Config) *Searcher {
	return &Searcher{cfg: cfg, sel: NewSelector(cfg.ROI), finder: NewFinder(cfg.Hough)}
}

// Counts returns the cut counts summed over the regions searched so far.
func (s *Searcher) Counts() CutCounts { return s.cutCounts }

// Region appends to dst the ROIs of region r, numbered index (ROI.Region),
// and returns it. The ROIs' Fit and Members come from the Hough fit of each
// window's highest-R stars; Vetoed from the disk-edge veto. It panics if r
// has no valid centre or its columns differ in length.
func (s *Searcher) Region(dst []ROI, index int, r *Region) []ROI {
	if !validCentre(r.RA0, r.Dec0) {
		panic(fmt.Sprintf("stream: Searcher.Region: region %d has centre (%v, %v)", index, r.RA0, r.Dec0))
	}
	frame := sky.NewFrame(r.RA0, r.Dec0)
	st := &r.Stars
	veto := s.cfg.Merge.withDefaults().Veto
	for w, top := range s.sel.ROIs(st) {
		s.phi, s.lam = s.phi[:0], s.lam[:0]
		for _, i := range top {
			s.phi = append(s.phi, st.Phi[i])
			s.lam = append(s.lam, st.Lambda[i])
		}
		fit := s.finder.Find(s.phi, s.lam)
		s.members = s.finder.Members(s.members, s.phi, s.lam, fit)
		members := make([]int32, len(s.members))
		for k, m := range s.members {
			members[k] = top[m]
		}
		roi := ROI{
			Region: index, Patch: r.Patch, RA0: r.RA0, Dec0: r.Dec0, Scan: r.Scan, Retraining: r.Retraining, SR: r.SR, PM: w.PM,
			PMPhiMin: w.PMMin, PMPhiMax: w.PMMax, PMLambdaMin: r.PMLambdaMin, PMLambdaMax: r.PMLambdaMax,
			NStars: w.N, Fit: fit, Members: members,
			Vetoed: veto.Vetoes(fit.Line, frame),
		}
		if r.Scan == ScanPhi {
			roi = roi.Transposed()
		}
		dst = append(dst, roi)
	}
	s.cutCounts.Add(s.sel.Counts())
	return dst
}

// Result is the outcome of Search: every table of the way.
type Result struct {
	ROIs          []ROI
	Seeds         []Seed
	ProtoClusters []ProtoCluster
	Candidates    []Candidate
	Cuts          CutCounts // stars by cut, over all regions
	Vetoed        int       // ROIs removed by the disk-edge veto
}

// Search runs Via Machinae from ANODE's R values to stream candidates
// (§3.3-§3.5, §4): the ROIs of every region (Searcher.Region), then Seeds,
// ProtoClusters and Candidates. ROI.Region indexes regions. It panics on an
// invalid configuration or region (see Searcher.Region).
func Search(regions []Region, cfg Config) *Result {
	s := NewSearcher(cfg)
	res := &Result{}
	for i := range regions {
		res.ROIs = s.Region(res.ROIs, i, &regions[i])
	}
	res.Cuts = s.Counts()
	res.Merge(cfg.Merge)
	return res
}

// Merge runs §3.5 on the ROIs of r, gathered from any number of regions
// and patches (a pipeline gathers them from its workers): it counts the
// vetoed ROIs and fills Seeds, ProtoClusters and Candidates.
func (r *Result) Merge(cfg MergeConfig) {
	r.Vetoed = 0
	for i := range r.ROIs {
		if r.ROIs[i].Vetoed {
			r.Vetoed++
		}
	}
	r.Seeds = Seeds(r.ROIs, cfg)
	r.ProtoClusters = ProtoClusters(r.ROIs, r.Seeds, cfg)
	r.Candidates = Candidates(r.ROIs, r.Seeds, r.ProtoClusters, cfg)
}

// Member is one star of a stream candidate: a star of the line of one of
// its ROIs. A star that sits in the lines of several ROIs (several search
// regions or windows) appears once for each.
type Member struct {
	ROI        int   // index into the ROI table
	Region     int   // ROI.Region
	Star       int   // index into the region's Stars
	SourceID   int64 // -1 if the region has no SourceID column
	R          float64
	Patch      int
	Scan       Scan
	Retraining int
	SR, PM     int
	RA, Dec    float64 // ICRS, degrees
	// PStream is the probability that the star's proper motion belongs to
	// the candidate's coherent track in its patch rather than to the
	// background its ROI window holds (FitPMTrack; set by the merge of
	// model/stream/search; 1 where the fit cannot tell, with too few
	// members in the patch or no coherent group among them).
	PStream float64
}

// Members returns the member stars of candidate cd: for every ROI of every
// seed of its proto-clusters, the stars of the ROI's line (ROI.Members),
// looked up in regions (indexed by ROI.Region). It panics if an ROI's Region
// is out of range.
func (cd *Candidate) Members(rois []ROI, seeds []Seed, pcs []ProtoCluster, regions []Region) []Member {
	var out []Member
	for _, p := range cd.ProtoClusters {
		for _, s := range pcs[p].Seeds {
			for _, i := range seeds[s].ROIs {
				r := &rois[i]
				if r.Region < 0 || r.Region >= len(regions) {
					panic(fmt.Sprintf("stream: Candidate.Members: ROI %d has region %d of %d", i, r.Region, len(regions)))
				}
				st := &regions[r.Region].Stars
				frame := r.Frame()
				for _, m := range r.Members {
					mb := Member{ROI: i, Region: r.Region, Star: int(m), SourceID: -1, R: st.R[m],
						Patch: r.Patch, Scan: r.Scan, Retraining: r.Retraining, SR: r.SR, PM: r.PM}
					if st.SourceID != nil {
						mb.SourceID = st.SourceID[m]
					}
					mb.RA, mb.Dec = frame.ToICRS(st.Phi[m], st.Lambda[m])
					out = append(out, mb)
				}
			}
		}
	}
	return out
}

// Selections returns, for each source_id of members (-1 excluded), the
// number of distinct retrainings (Member.Retraining) that put it in the
// candidate: how often the star was selected.
func Selections(members []Member) map[int64]int {
	seen := map[[2]int64]bool{}
	n := map[int64]int{}
	for _, m := range members {
		if m.SourceID == -1 {
			continue
		}
		k := [2]int64{m.SourceID, int64(m.Retraining)}
		if !seen[k] {
			seen[k] = true
			n[m.SourceID]++
		}
	}
	return n
}

// UniqueSources returns the distinct source_ids of members (-1 excluded), in
// order of first appearance.
func UniqueSources(members []Member) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, m := range members {
		if m.SourceID >= 0 && !seen[m.SourceID] {
			seen[m.SourceID] = true
			out = append(out, m.SourceID)
		}
	}
	return out
}
