package dustfile

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

// PrintQuery answers one query of m at Galactic (l, b) in degrees and
// distance distPC in parsecs, and writes everything it returns to w: the
// place (with its ICRS position and distance modulus), the flags, the
// median, mean, spread, chosen sample and best fit of E in the map's units,
// E(g-r), and the Gaia extinctions of the median with their spread.
func PrintQuery(w io.Writer, m dust.Map, l, b, distPC float64, draw uint64, ext dust.Extinction) error {
	p := m.At(l, b, distPC, draw)
	u := m.Units()
	ra, dec := sky.GalacticToICRS(l, b)
	ag, bprp, bpg := ext.Coefficients()
	yes := func(f dust.Flags) string {
		if p.Flags&f != 0 {
			return "yes"
		}
		return "no"
	}
	lines := []string{
		fmt.Sprintf("l %.6f b %.6f deg (ra %.6f dec %.6f); distance %g pc (DM %.4f)", l, b, ra, dec, distPC, 5*math.Log10(distPC)-5),
		fmt.Sprintf("covered %s  reliable distance %s  converged %s", yes(dust.Covered), yes(dust.Reliable), yes(dust.Converged)),
		fmt.Sprintf("E (%s units, %.4g mag E(g-r) each): median %.6g  mean %.6g  std %.6g  sample %d/%d %.6g  best fit %.6g",
			u.Name, u.GR, p.Median, p.Mean, p.Std, p.Index, m.Samples(), p.Sample, p.Best),
		fmt.Sprintf("E(g-r) median %.6g  std %.6g mag", p.Median*u.GR, p.Std*u.GR),
		fmt.Sprintf("A_G %.6g ± %.6g  E(BP-RP) %.6g ± %.6g  E(BP-G) %.6g ± %.6g mag (coefficients %g, %g, %g per E(g-r))",
			ag*p.Median*u.GR, ag*p.Std*u.GR, bprp*p.Median*u.GR, bprp*p.Std*u.GR, bpg*p.Median*u.GR, bpg*p.Std*u.GR, ag, bprp, bpg),
	}
	for _, s := range lines {
		if _, err := fmt.Fprintln(w, s); err != nil {
			return err
		}
	}
	return nil
}

// Describe writes what m is: its kind, units, pixels per nside level,
// samples, distance grid and memory.
func Describe(w io.Writer, m dust.Map) error {
	bm, ok := m.(*dust.Bayestar)
	if !ok {
		_, err := fmt.Fprintf(w, "analytic map (%T): exact, 1 sample, units %s\n", m, m.Units().Name)
		return err
	}
	s := summarize(bm.Grid())
	var levels []int32
	for n := range s.Levels {
		levels = append(levels, n)
	}
	sort.Slice(levels, func(i, j int) bool { return levels[i] < levels[j] })
	if _, err := fmt.Fprintf(w, "Bayestar map %s: %d pixels, %d samples, %d distance moduli %g..%g, units %s (%.4g mag E(g-r) per unit), %.1f MB\n",
		s.Version, s.Pixels, s.Samples, len(s.DM), s.DM[0], s.DM[len(s.DM)-1], bm.Units().Name, bm.Units().GR, float64(s.Bytes)/1e6); err != nil {
		return err
	}
	for _, n := range levels {
		if _, err := fmt.Fprintf(w, "  nside %5d: %d pixels\n", n, s.Levels[n]); err != nil {
			return err
		}
	}
	return nil
}
