package search

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gaiaflow/gaiaflow/model/hist"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// StripReport is what ANODE and the ROI search find on a strip of real
// stars along a known stream with labelled members (the GD-1 strip of
// Shih et al. 2022 §5): how the labelled members rank by R, and whether the
// Hough line follows them.
type StripReport struct {
	Stars, Labelled       int
	CentreRA, CentreDec   float64
	Window                anode.Window
	SRStars, SRLabelled   int
	CREpoch               int
	AUC                   float64
	TopK                  []int // sizes of the top-R lists
	TopLabelled           []int // labelled members among them
	ROIPM                 int   // the mu_phi* window with the most labelled members after the cuts
	ROIStars, ROILabelled int   // stars of that ROI, labelled among its top 100
	Line                  stream.Line
	Sigma                 float64
	LineMembers, LineTrue int
	MembersLine           stream.Line // orthogonal least-squares line of the labelled members in the SR
	DTheta, DRho          float64     // fitted minus members' line, radians and degrees
	MedianOffset          float64     // median distance of the labelled members from the fitted line, degrees
	Seconds               float64
	// Top50 is where the 50 highest-R stars lie: proper-motion outliers,
	// the strip's edges, and the ranking inside the members' mu_phi* window.
	Top50 anode.TopAnatomy
}

// Strip runs ANODE with options opt on the search region of the strip b
// (every star of it in one patch centred on its mean direction, the paper's
// parallax cut applied) holding its labelled members' median mu_lambda,
// then the ROI search of that region without photometric or radius cuts.
func Strip(b *star.Block, labels []bool, opt anode.Options) (*StripReport, error) {
	g := &StripReport{Stars: b.Len()}
	// The frame's centre: the mean direction of the stars.
	var x, y, z float64
	for i := range b.Len() {
		ra, dec := b.RA[i]*math.Pi/180, b.Dec[i]*math.Pi/180
		x += math.Cos(dec) * math.Cos(ra)
		y += math.Cos(dec) * math.Sin(ra)
		z += math.Sin(dec)
	}
	g.CentreRA = math.Mod(math.Atan2(y, x)*180/math.Pi+360, 360)
	g.CentreDec = math.Atan2(z, math.Hypot(x, y)) * 180 / math.Pi
	frame := sky.NewFrame(g.CentreRA, g.CentreDec)
	p := &anode.Patch{ID: 1}
	// Every star of the strip is kept (the strip is the patch); the
	// paper's parallax cut applies.
	cnt := p.Add(frame, b, anode.Cuts{Radius: -1, Features: anode.Astrometric})
	lab := map[int64]bool{}
	for i, l := range labels {
		if l {
			lab[b.SourceID[i]] = true
		}
	}
	var mu []float64
	for i, id := range p.SourceID {
		if lab[id] {
			mu = append(mu, p.PMLambda[i])
			g.Labelled++
		}
	}
	if cnt.Kept < 100 || len(mu) == 0 {
		return nil, fmt.Errorf("strip %s: %d stars kept, %d labelled", b.File, cnt.Kept, len(mu))
	}
	sort.Float64s(mu)
	k := math.Floor(hist.Quantile(mu, 0.5))
	g.Window = anode.Window{Lo: k - 3, Hi: k + 3}
	t0 := time.Now()
	res, err := anode.Score(p, g.Window, opt)
	if err != nil {
		return nil, err
	}
	g.Seconds = time.Since(t0).Seconds()
	g.CREpoch = res.CREpoch
	sig := make([]bool, len(res.Members))
	for j, i := range res.Members {
		sig[j] = lab[p.SourceID[i]]
		if sig[j] {
			g.SRLabelled++
		}
	}
	g.SRStars = len(res.Members)
	g.AUC = anode.AUC(res.LogR, sig)
	order := make([]int, len(res.LogR))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, c int) bool { return res.LogR[order[a]] > res.LogR[order[c]] })
	var pmMembers []float64
	for j, i := range res.Members {
		if sig[j] {
			pmMembers = append(pmMembers, p.PMPhi[i])
		}
	}
	sort.Float64s(pmMembers)
	if len(pmMembers) > 0 {
		g.Top50 = anode.Anatomy(p, res, sig, 50, hist.Quantile(pmMembers, 0.5), 2, 10, 0.75)
	}
	for _, top := range []int{50, 100, 200, 500} {
		top = min(top, len(order))
		n := 0
		for _, j := range order[:top] {
			if sig[j] {
				n++
			}
		}
		g.TopK, g.TopLabelled = append(g.TopK, top), append(g.TopLabelled, n)
	}
	// The ROI search without photometric cuts, and without the radius cut
	// (the strip is narrower than the fiducial disk).
	key := Key{Pixel: 1, RA0: g.CentreRA, Dec0: g.CentreDec, SR: int(g.Window.Lo), Window: g.Window}
	roiCfg := stream.ROIConfig{Skip: stream.CutMag | stream.CutColour}
	cfg := stream.Config{ROI: roiCfg}
	sr := SearchRegion(stream.NewSearcher(cfg), stream.NewSelector(roiCfg), key, p, res)
	bestN := -1
	for _, roi := range sr.ROIs {
		n := 0
		// Labelled members among the ROI's top stars: those of the compact
		// region inside the ROI's window after the same cuts.
		st := &sr.Region.Stars
		for i := range st.Len() {
			if lab[st.SourceID[i]] && st.PMPhi[i] >= roi.PMPhiMin && st.PMPhi[i] < roi.PMPhiMax && st.Phi[i]*st.Phi[i]+st.Lambda[i]*st.Lambda[i] < 100 {
				n++
			}
		}
		if n > bestN {
			bestN = n
			g.ROIPM, g.ROIStars, g.ROILabelled = roi.PM, roi.NStars, n
			g.Line, g.Sigma, g.LineMembers = roi.Fit.Line, roi.Fit.Sigma, len(roi.Members)
			g.LineTrue = 0
			for _, m := range roi.Members {
				if lab[st.SourceID[m]] {
					g.LineTrue++
				}
			}
		}
	}
	// The labelled members' own line (orthogonal least squares) in the SR,
	// and their distances from the Hough line.
	var px, py []float64
	for _, i := range res.Members {
		if lab[p.SourceID[i]] {
			px, py = append(px, p.Phi[i]), append(py, p.Lambda[i])
		}
	}
	g.MembersLine, _ = stream.FitLine(px, py)
	g.DTheta, g.DRho = g.Line.Diff(g.MembersLine)
	var off []float64
	s, c := math.Sincos(g.Line.Theta)
	for i := range px {
		off = append(off, math.Abs(px[i]*s-py[i]*c-g.Line.Rho))
	}
	if len(off) > 0 {
		sort.Float64s(off)
		g.MedianOffset = hist.Quantile(off, 0.5)
	}
	return g, nil
}
