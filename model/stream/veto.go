package stream

import (
	"math"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// EdgeVeto is the disk-edge veto of Via Machinae (Shih et al. 2022, App. C):
// "cut out all ROIs whose best-fit line radius has |rho| > 9.5 degrees,
// slope less than 0.2 radians in Galactic l, b coordinates (that is,
// aligned with the disk), and are localized on the side of the patch nearest
// to the disk". The zero value is the paper's.
type EdgeVeto struct {
	Off   bool    // no veto
	Rho   float64 // |rho| above this, degrees; 0 means 9.5
	Slope float64 // line angle to the Galactic parallels below this, radians; 0 means 0.2
}

func (v EdgeVeto) withDefaults() EdgeVeto {
	if v.Rho == 0 {
		v.Rho = 9.5
	}
	if v.Slope == 0 {
		v.Slope = 0.2
	}
	return v
}

// Vetoes reports whether the veto removes an ROI whose best line in the
// patch frame f is l. The three conditions are read off the line itself,
// at its foot F (the point nearest the patch centre):
//   - |rho| > Rho;
//   - the slope: the line's direction at F, taken between the points 0.5
//     degree either side of F in Galactic (l, b) with l unwrapped, makes
//     an angle atan(|db| / |dl|) below Slope with the lines of constant b
//     (the paper's "slope in Galactic l, b coordinates"; l is not
//     multiplied by cos b);
//   - F lies on the disk's side of the patch: |b(F)| < |b(centre)|.
//
// The authors fitted the slope to the line's member stars; the line's own
// direction is the same thing without the scatter of the members.
func (v EdgeVeto) Vetoes(l Line, f *sky.Frame) bool {
	if v.Off {
		return false
	}
	v = v.withDefaults()
	if !(math.Abs(l.Rho) > v.Rho) {
		return false
	}
	_, bc := sky.ICRSToGalactic(f.RA0, f.Dec0)
	fp, fl := l.Foot()
	_, bf := sky.ICRSToGalactic(f.ToICRS(fp, fl))
	if !(math.Abs(bf) < math.Abs(bc)) {
		return false
	}
	p1, q1 := l.Point(-0.5)
	p2, q2 := l.Point(0.5)
	l1, b1 := sky.ICRSToGalactic(f.ToICRS(p1, q1))
	l2, b2 := sky.ICRSToGalactic(f.ToICRS(p2, q2))
	dl := math.Remainder(l2-l1, 360)
	return math.Atan2(math.Abs(b2-b1), math.Abs(dl)) < v.Slope
}

// Apply sets Vetoed on every ROI of rois whose line the veto removes (and
// clears it on the others), and returns how many it vetoed. Search does
// this as it builds the ROIs; Apply is for tables built otherwise.
func (v EdgeVeto) Apply(rois []ROI) int {
	n := 0
	for i := range rois {
		r := &rois[i]
		r.Vetoed = v.Vetoes(r.Fit.Line, r.Frame())
		if r.Vetoed {
			n++
		}
	}
	return n
}
