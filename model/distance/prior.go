package distance

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// PriorKind is the shape of the distance prior.
type PriorKind int

const (
	// FlatParallax is a prior flat in parallax (over parallax > 0): the
	// weights of paper 000 eq. 2, which are the CMD density alone, because
	// the samples are drawn from the parallax likelihood.
	FlatParallax PriorKind = iota
	// FlatDistance is a prior flat in distance: an extra weight d² (the
	// Jacobian |dd/dparallax| ∝ d²). Paper 000 §4.2 describes its catalog
	// prior as "a constant distance prior over non-negative distances".
	FlatDistance
	// ExpDecreasing is the exponentially decreasing space density of
	// Bailer-Jones (2015), p(d) ∝ d² exp(-d/L), the prior of the §4.1
	// simulation: an extra weight d⁴ exp(-d/L).
	ExpDecreasing
)

// Prior is the distance prior of the catalog posterior. The samples are
// drawn from the truncated-normal parallax likelihood (eq. 1), so each
// weight is the CMD density times p(d) |dd/dparallax|, with p the prior
// density in distance; a prior flat in parallax adds nothing. The zero value
// is FlatParallax, the paper's eq. 2. The prior applies both to the d_best
// iteration and to the posterior summary; its String goes into the
// catalog's metadata.
type Prior struct {
	Kind PriorKind
	L    float64 // length scale of ExpDecreasing, pc; 0 means 1000 (the L = 1 kpc of §4.1)
}

// DefaultPriorLength is the ExpDecreasing length scale used when Prior.L is 0.
const DefaultPriorLength = 1000.0

func (p Prior) length() float64 {
	if p.L == 0 {
		return DefaultPriorLength
	}
	return p.L
}

// String returns "flat-parallax", "flat-distance" or "exp-decreasing(L=<L>pc)",
// the form ParsePrior reads.
func (p Prior) String() string {
	switch p.Kind {
	case FlatParallax:
		return "flat-parallax"
	case FlatDistance:
		return "flat-distance"
	case ExpDecreasing:
		return "exp-decreasing(L=" + strconv.FormatFloat(p.length(), 'g', -1, 64) + "pc)"
	}
	return fmt.Sprintf("Prior(%d)", int(p.Kind))
}

// ParsePrior reads a prior written by String, or "exp-decreasing" alone for
// the default length, or "exp-decreasing:<L>" with L in pc.
func ParsePrior(s string) (Prior, error) {
	switch s {
	case "flat-parallax", "":
		return Prior{Kind: FlatParallax}, nil
	case "flat-distance":
		return Prior{Kind: FlatDistance}, nil
	case "exp-decreasing":
		return Prior{Kind: ExpDecreasing}, nil
	}
	var num string
	switch {
	case strings.HasPrefix(s, "exp-decreasing(L=") && strings.HasSuffix(s, "pc)"):
		num = strings.TrimSuffix(strings.TrimPrefix(s, "exp-decreasing(L="), "pc)")
	case strings.HasPrefix(s, "exp-decreasing:"):
		num = strings.TrimPrefix(s, "exp-decreasing:")
	default:
		return Prior{}, fmt.Errorf("distance: unknown prior %q (want flat-parallax, flat-distance or exp-decreasing:<L pc>)", s)
	}
	l, err := strconv.ParseFloat(num, 64)
	if err != nil || !(l > 0) || math.IsInf(l, 1) {
		return Prior{}, fmt.Errorf("distance: prior %q: length must be a positive number of pc", s)
	}
	return Prior{Kind: ExpDecreasing, L: l}, nil
}

// Validate reports whether p is a known kind with a usable length.
func (p Prior) Validate() error {
	switch p.Kind {
	case FlatParallax, FlatDistance:
		return nil
	case ExpDecreasing:
		if l := p.length(); !(l > 0) || math.IsInf(l, 1) {
			return fmt.Errorf("distance: exp-decreasing prior length %g pc is not positive and finite", p.L)
		}
		return nil
	}
	return fmt.Errorf("distance: unknown prior kind %d", int(p.Kind))
}

// logWeight returns the log of the prior's weight for a sample at distance
// dPC parsecs, relative to a prior flat in parallax, up to a constant.
func (p Prior) logWeight(dPC float64) float64 {
	switch p.Kind {
	case FlatDistance:
		return 2 * math.Log(dPC)
	case ExpDecreasing:
		return 4*math.Log(dPC) - dPC/p.length()
	}
	return 0
}
