package dust

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// GaussianType is the "type" field Gaussian writes in its JSON form, so that a
// loader of dust-map files can tell this analytic map from others.
const GaussianType = "gaussian_los_uniform"

// Gaussian is the analytic dust map of the simulation in Cranmer et al.
// (paper 000, §4.1): "a 2D Gaussian over (α, δ) that is uniform along each
// line of sight". The dust density (reddening per kiloparsec) is
//
//	rate(ra, dec) = Base + Peak * exp(-(Δra²/(2 SigmaRA²) + Δdec²/(2 SigmaDec²)))
//
// with Δra = ra - RA wrapped into [-180, 180) and Δdec = dec - Dec, all in
// degrees, and the cumulative reddening to distance d is E(d) = rate × d: it
// grows linearly with distance. E is in magnitudes of E(g-r), converted to
// Gaia bands with paper 000's coefficients (A_G = 2.71 E, E(BP-RP) = 0.85 E,
// E(BP-G) = 0.39 E; dust.Extinction).
//
// The Gaussian is over the coordinates (ra, dec), as the paper states, not
// over angular distance: it is a smooth, known function of position, which is
// all the simulation needs. The zero value is a map without dust.
type Gaussian struct {
	RA, Dec           float64 // centre, degrees (ICRS)
	SigmaRA, SigmaDec float64 // widths in ra and dec, degrees
	Peak              float64 // extra reddening rate at the centre, mag per kpc
	Base              float64 // reddening rate everywhere, mag per kpc
}

// E returns the cumulative reddening E (mag) at (ra, dec) in degrees, out to
// distance distPC in parsecs. Negative distances are treated as zero.
func (m *Gaussian) E(ra, dec, distPC float64) float64 {
	if distPC <= 0 {
		return 0
	}
	return m.Rate(ra, dec) * distPC / 1000
}

// Rate returns the reddening per kiloparsec (mag/kpc) along the line of sight
// (ra, dec) in degrees: E(d) = Rate × d.
func (m *Gaussian) Rate(ra, dec float64) float64 {
	if m.Peak == 0 {
		return m.Base
	}
	dra := math.Mod(ra-m.RA+180, 360)
	if dra < 0 {
		dra += 360
	}
	dra -= 180
	x, y := dra/m.SigmaRA, (dec-m.Dec)/m.SigmaDec
	return m.Base + m.Peak*math.Exp(-(x*x+y*y)/2)
}

// Validate reports whether m is usable: all fields finite, Peak and Base not
// negative, and positive widths when Peak is not zero.
func (m *Gaussian) Validate() error {
	for _, v := range []float64{m.RA, m.Dec, m.SigmaRA, m.SigmaDec, m.Peak, m.Base} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("dust: Gaussian map has a non-finite parameter")
		}
	}
	if m.Peak < 0 || m.Base < 0 {
		return fmt.Errorf("dust: Gaussian map has negative reddening rate (peak %g, base %g)", m.Peak, m.Base)
	}
	if m.Peak != 0 && (m.SigmaRA <= 0 || m.SigmaDec <= 0) {
		return fmt.Errorf("dust: Gaussian map widths must be positive, got %g, %g", m.SigmaRA, m.SigmaDec)
	}
	return nil
}

// gaussianJSON is the file form of Gaussian; the units are in the names.
type gaussianJSON struct {
	Type           string  `json:"type"`
	RADeg          float64 `json:"ra_deg"`
	DecDeg         float64 `json:"dec_deg"`
	SigmaRADeg     float64 `json:"sigma_ra_deg"`
	SigmaDecDeg    float64 `json:"sigma_dec_deg"`
	PeakMagPerKpc  float64 `json:"peak_mag_per_kpc"`
	BaseMagPerKpc  float64 `json:"base_mag_per_kpc"`
	Description    string  `json:"description,omitempty"`
	ExtinctionNote string  `json:"extinction,omitempty"`
}

// MarshalJSON writes m with its type and units, for the "dust map it used"
// file of a simulation.
func (m Gaussian) MarshalJSON() ([]byte, error) {
	return json.Marshal(gaussianJSON{
		Type:  GaussianType,
		RADeg: m.RA, DecDeg: m.Dec, SigmaRADeg: m.SigmaRA, SigmaDecDeg: m.SigmaDec,
		PeakMagPerKpc: m.Peak, BaseMagPerKpc: m.Base,
		Description:    "E(ra,dec,d) = d[kpc] * (base + peak*exp(-(dra^2/(2 sigma_ra^2) + ddec^2/(2 sigma_dec^2)))), dra wrapped to [-180,180)",
		ExtinctionNote: "E is E(g-r): A_G = 2.71 E, E(BP-RP) = 0.85 E, E(BP-G) = 0.39 E",
	})
}

// UnmarshalJSON reads what MarshalJSON writes. It fails on another "type",
// on unknown fields and on parameters Validate rejects.
func (m *Gaussian) UnmarshalJSON(data []byte) error {
	var g gaussianJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return fmt.Errorf("dust: Gaussian map: %w", err)
	}
	if g.Type != GaussianType {
		return fmt.Errorf("dust: map type %q is not %q", g.Type, GaussianType)
	}
	v := Gaussian{RA: g.RADeg, Dec: g.DecDeg, SigmaRA: g.SigmaRADeg, SigmaDec: g.SigmaDecDeg,
		Peak: g.PeakMagPerKpc, Base: g.BaseMagPerKpc}
	if err := v.Validate(); err != nil {
		return err
	}
	*m = v
	return nil
}
