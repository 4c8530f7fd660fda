package dust

import (
	"fmt"
	"math"
)

// Units says what one unit of a map's reddening is, as the Pan-STARRS 1
// colour excess E(g-r) it stands for. The extinction coefficients of paper
// 000 (Extinction) act on E(g-r).
type Units struct {
	Name string
	// GR is E(g-r) in magnitudes per map unit: R_g - R_r, the extinction
	// coefficients of the g and r bands per map unit.
	GR float64
}

// The units of each Bayestar release, named in one place. Each GR is
// R_g - R_r from the table that defines the release's unit:
//
//   - Bayestar19 (Green et al. 2019, ApJ 887, 93, Table 1): an arbitrary
//     unit with R_g = 3.518, R_r = 2.617 (PS1 g, r).
//   - Bayestar17 (Green et al. 2018, MNRAS 478, 651, Table 1): an arbitrary
//     unit with R_g = 3.384, R_r = 2.483.
//   - Bayestar15 (Green et al. 2015): E(B-V) in the units of SFD, whose PS1
//     coefficients are Schlafly & Finkbeiner (2011) Table 6 (R_V = 3.1):
//     R_g = 3.172, R_r = 2.271.
//
// All three come to 0.901 mag of E(g-r) per unit (the later units were chosen
// to agree); the table rows are kept so the provenance shows.
var (
	Bayestar19Units = Units{Name: "bayestar2019", GR: 3.518 - 2.617}
	Bayestar17Units = Units{Name: "bayestar2017", GR: 3.384 - 2.483}
	Bayestar15Units = Units{Name: "bayestar2015", GR: 3.172 - 2.271}
	// GRUnits: the map gives E(g-r) itself (the analytic maps of the
	// simulation do).
	GRUnits = Units{Name: "E(g-r)", GR: 1}
)

// Validate reports units without a name or whose GR is not a positive
// finite number.
func (u Units) Validate() error {
	if u.Name == "" || !(u.GR > 0) || math.IsInf(u.GR, 0) {
		return fmt.Errorf("dust: units %+v: want a name and a positive finite E(g-r) per unit", u)
	}
	return nil
}

// UnitsOf returns the units of a Bayestar release by its file name stem
// ("bayestar2019", "bayestar2017", "bayestar2015").
func UnitsOf(version string) (Units, error) {
	switch version {
	case "bayestar2019":
		return Bayestar19Units, nil
	case "bayestar2017":
		return Bayestar17Units, nil
	case "bayestar2015":
		return Bayestar15Units, nil
	case "E(g-r)", "gr":
		return GRUnits, nil
	}
	return Units{}, fmt.Errorf("dust: unknown map version %q (want bayestar2019, bayestar2017 or bayestar2015)", version)
}

// Default extinction coefficients per unit of E(g-r), paper 000 §3.2: a
// 7000 K blackbody through the O'Donnell (1994) R_V = 3.1 curve in the Gaia
// DR2 bands.
const (
	DefaultAG   = 2.71
	DefaultBPRP = 0.85
	DefaultBPG  = 0.39
)

// Extinction turns E(g-r) into Gaia extinctions: A_G = AG E, E(BP-RP) =
// BPRP E, E(BP-G) = BPG E. A zero field takes its default (DefaultAG,
// DefaultBPRP, DefaultBPG), so the zero Extinction is the paper's.
type Extinction struct {
	AG, BPRP, BPG float64
}

// Coefficients returns the coefficients in use, defaults filled in.
func (x Extinction) Coefficients() (ag, bprp, bpg float64) {
	ag, bprp, bpg = x.AG, x.BPRP, x.BPG
	if ag == 0 {
		ag = DefaultAG
	}
	if bprp == 0 {
		bprp = DefaultBPRP
	}
	if bpg == 0 {
		bpg = DefaultBPG
	}
	return ag, bprp, bpg
}

// Gaia returns A_G, E(BP-RP) and E(BP-G) in magnitudes for a reddening e in
// units u. A NaN e gives NaNs.
func (x Extinction) Gaia(e float64, u Units) (aG, eBPRP, eBPG float64) {
	ag, bprp, bpg := x.Coefficients()
	gr := e * u.GR
	return ag * gr, bprp * gr, bpg * gr
}

// Validate reports a coefficient that is negative or not finite.
func (x Extinction) Validate() error {
	for _, v := range []float64{x.AG, x.BPRP, x.BPG} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dust: extinction coefficients must be finite and not negative, got %+v", x)
		}
	}
	return nil
}
