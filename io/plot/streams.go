package plot

import (
	"context"
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
)

// The stream search's figure file names (Shih et al. 2022 figs. 5, 7, 8, 12 and 13).
const (
	Fig5Name  = "fig5_high_r_stars.png"
	Fig7Name  = "fig7_hough.png"
	Fig8Name  = "fig8_sigma_vs_pmphi.png"
	Fig12Name = "fig12_candidates_sky.png"
	Fig13Name = "fig13_candidates_pm.png"
	Fig13CMD  = "fig13_candidates_cmd.png"
)

// StreamFigures writes the figures of a stream search m to folder out: for the focus ROI (Focus), if
// there is an ROI, its highest-R stars with the line (fig. 5), its Hough
// sigma_L map with the inner and outer boxes (fig. 7) and sigma_L against
// the mu_phi* window in its patch, one colour per search region (fig. 8);
// and, however many candidates there are (none too), their member stars on
// the sky with their lines (fig. 12), and their proper motions and
// colour-magnitude diagram (fig. 13).
func StreamFigures(ctx context.Context, out string, m *search.Merged, cfg stream.Config) error {
	save := func(name string, f *Figure) error {
		if err := f.Save(ctx, store.Join(out, name)); err != nil {
			return fmt.Errorf("streams: %s: %w", name, err)
		}
		return nil
	}
	if err := streamFocus(save, m, cfg); err != nil {
		return err
	}
	return streamCandidates(save, m, stream.NewFinder(cfg.Hough).Config())
}

// streamFocus draws figs. 5, 7 and 8 of the focus ROI, if there is one.
func streamFocus(save func(string, *Figure) error, m *search.Merged, cfg stream.Config) error {
	k := m.Focus()
	if k < 0 {
		return nil
	}
	roi := &m.ROIs[k]
	st := &m.Regions[roi.Region].Stars
	// The ROI's top stars, by the search's own selection.
	sel := stream.NewSelector(cfg.ROI)
	var phi, lam, logR []float64
	for w, top := range sel.ROIs(st) {
		if w.PM != roi.PM {
			continue
		}
		for _, i := range top {
			phi = append(phi, st.Phi[i])
			lam = append(lam, st.Lambda[i])
			logR = append(logR, math.Log10(st.R[i]))
		}
	}
	if len(phi) == 0 {
		return nil
	}
	finder := stream.NewFinder(cfg.Hough)
	hc := finder.Config()
	var lines []Polyline
	if p1, l1, p2, l2, ok := roi.Fit.Line.Chord(hc.Radius); ok {
		lines = append(lines, Polyline{X: []float64{p1, p2}, Y: []float64{l1, l2}})
	}
	title := fmt.Sprintf("patch %d, SR %d, mu_phi* [%g, %g): sigma_L %.1f", roi.Patch, roi.SR, roi.PMPhiMin, roi.PMPhiMax, roi.Fit.Sigma)
	if roi.Scan == stream.ScanPhi {
		title = fmt.Sprintf("patch %d, mu_phi* SR %d, mu_lambda [%g, %g): sigma_L %.1f", roi.Patch, roi.SR, roi.PMLambdaMin, roi.PMLambdaMax, roi.Fit.Sigma)
	}
	if err := save(Fig5Name, Scatter(phi, lam, logR, ScatterOptions{Title: title, XLabel: "phi (deg)",
		YLabel: "lambda (deg)", CLabel: "log10 R", Radius: 2.5, Lines: lines})); err != nil {
		return err
	}

	_, _, sigma := finder.Map(nil, nil, make([]float64, hc.ThetaBins*hc.RhoBins), phi, lam)
	nt, nr := hc.ThetaBins, hc.RhoBins
	g := Grid{XLo: 0, XHi: 180, YLo: -hc.RhoMax, YHi: hc.RhoMax, NX: nt, NY: nr, Values: make([]float64, nt*nr)}
	for t := range nt {
		for j := range nr {
			g.Values[j*nt+t] = sigma[t*nr+j]
		}
	}
	dT, dR := 180/float64(nt), 2*hc.RhoMax/float64(nr)
	box := func(wt, wr int) Box {
		t0 := float64(roi.Fit.ThetaBin-(wt-1)/2) * dT
		r0 := -hc.RhoMax + float64(roi.Fit.RhoBin-(wr-1)/2)*dR
		return Box{XMin: t0, XMax: t0 + float64(wt)*dT, YMin: r0, YMax: r0 + float64(wr)*dR}
	}
	if err := save(Fig7Name, HeatMap(g, HeatOptions{Title: title, XLabel: "theta (deg)", YLabel: "rho (deg)",
		ZLabel: "sigma_L", Boxes: []Box{box(hc.BoxTheta, hc.BoxRho), box(hc.Outer*hc.BoxTheta, hc.Outer*hc.BoxRho)}})); err != nil {
		return err
	}

	var x, y, c []float64
	for _, r := range m.ROIs {
		if r.Patch == roi.Patch && !r.Vetoed {
			x = append(x, (r.PMPhiMin+r.PMPhiMax)/2)
			y = append(y, r.Fit.Sigma)
			c = append(c, float64(r.SR))
		}
	}
	if err := save(Fig8Name, Scatter(x, y, c, ScatterOptions{Title: fmt.Sprintf("patch %d", roi.Patch),
		XLabel: "mu_phi* window centre (mas/yr)", YLabel: "sigma_L", CLabel: "SR (mu_lambda window start)", Radius: 2.5})); err != nil {
		return err
	}
	return nil
}

// streamCandidates draws figs. 12 and 13, also without a candidate (empty,
// titled so), so that a search's outputs are the same files whatever it
// found.
func streamCandidates(save func(string, *Figure) error, m *search.Merged, hc stream.HoughConfig) error {
	var ra, dec, cand, pmPhi, pmLam, bprp, gmag []float64
	for i, ms := range m.Members {
		for _, mb := range ms {
			s := &m.Regions[mb.Region].Stars
			ra, dec, cand = append(ra, mb.RA), append(dec, mb.Dec), append(cand, float64(i))
			pmPhi, pmLam = append(pmPhi, s.PMPhi[mb.Star]), append(pmLam, s.PMLambda[mb.Star])
			bp, gg := math.NaN(), math.NaN()
			if s.BPRP != nil {
				bp, gg = s.BPRP[mb.Star], s.G[mb.Star]
			}
			bprp, gmag = append(bprp, bp), append(gmag, gg)
		}
	}
	var sky []Polyline
	for _, cd := range m.Candidates {
		for _, l := range cd.Lines {
			var pl Polyline
			p1, l1, p2, l2, ok := l.Line.Chord(hc.Radius)
			if !ok {
				continue
			}
			f := m.ProtoClusters[l.ProtoCluster].Frame()
			for s := range 21 {
				u := float64(s) / 20
				a, d := f.ToICRS(p1+u*(p2-p1), l1+u*(l2-l1))
				pl.X, pl.Y = append(pl.X, a), append(pl.Y, d)
			}
			sky = append(sky, pl)
		}
	}
	if err := save(Fig12Name, Scatter(ra, dec, cand, ScatterOptions{Title: fmt.Sprintf("%d stream candidates", len(m.Candidates)),
		XLabel: "ra (deg)", YLabel: "dec (deg)", CLabel: "candidate", InvertX: true, Radius: 2, Lines: sky})); err != nil {
		return err
	}
	if err := save(Fig13Name, Scatter(pmPhi, pmLam, cand, ScatterOptions{Title: "members' proper motions (patch frames)",
		XLabel: "mu_phi* (mas/yr)", YLabel: "mu_lambda (mas/yr)", CLabel: "candidate", Radius: 2})); err != nil {
		return err
	}
	anyPhot := false
	for i := range bprp {
		anyPhot = anyPhot || star.Finite(bprp[i]+gmag[i])
	}
	if anyPhot {
		return save(Fig13CMD, Scatter(bprp, gmag, cand, ScatterOptions{Title: "members' colour-magnitude diagram",
			XLabel: "bp - rp (mag)", YLabel: "G (mag)", CLabel: "candidate", InvertY: true, Radius: 2}))
	}
	return nil
}
