package distance

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/star"
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
	// Tabulated is a distance distribution measured from the catalogue
	// itself: the sky-averaged nu(d) that FitSelection deconvolves from the
	// survey's parallaxes and magnitudes (Selection.Prior), tabulated in
	// log10 d; an extra weight nu(d) d, nu per unit log d (the d² of the
	// Jacobian over the d of the logarithm). The space density is not
	// assumed but measured, so a catalogue whose stars lie farther or
	// nearer than 1 kpc gets the prior its stars follow.
	Tabulated
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

	// Tabulated: LogNu[b] is the natural log of nu, per unit log10 d and
	// up to a constant, at log10 d = LogD0 + (b + 0.5) DLogD (d in pc);
	// linear in between, the end values beyond the ends.
	LogD0, DLogD float64
	LogNu        []float64
	// OrFlat, on a Tabulated prior without values (AutoPrior), lets the
	// table's resolution fall back to FlatParallax where the model holds
	// no survey prior.
	OrFlat bool `json:",omitempty"`
}

// SurveyPrior names, on the command line, the Tabulated prior that the
// model's training measured (SurveyPriorNote): a Prior of kind Tabulated
// without values, which Validate refuses until the table is filled in
// (NeedsTable).
const SurveyPrior = "survey"

// AutoPrior names, on the command line, the survey prior where the model
// holds one and FlatParallax (eq. 2) where it does not.
const AutoPrior = "auto"

// NeedsTable reports whether p is the survey prior still waiting for its
// table.
func (p Prior) NeedsTable() bool { return p.Kind == Tabulated && len(p.LogNu) == 0 }

// tabulatedFloor is how far below its peak the tabulated prior may fall, in
// nats: the deconvolution leaves bins empty where no star is, and a prior
// of zero there would leave a star seen there without a posterior. At 1/3000
// of the peak it also keeps the survey's few far stars from being ruled out
// by a prior fitted mostly to near ones (on the demo, a floor at 25 nats
// gave the same few_samples and errors).
const tabulatedFloor = 8.0

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
	case Tabulated:
		if p.NeedsTable() {
			if p.OrFlat {
				return AutoPrior
			}
			return SurveyPrior
		}
		var b strings.Builder
		b.WriteString("tabulated:")
		b.WriteString(strconv.FormatFloat(p.LogD0, 'g', -1, 64))
		b.WriteString(":")
		b.WriteString(strconv.FormatFloat(p.DLogD, 'g', -1, 64))
		b.WriteString(":")
		for i, v := range p.LogNu {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(strconv.FormatFloat(v, 'f', 4, 64))
		}
		return b.String()
	}
	return fmt.Sprintf("Prior(%d)", int(p.Kind))
}

// ParsePrior reads a prior written by String, or "exp-decreasing" alone for
// the default length, or "exp-decreasing:<L>" with L in pc.
func ParsePrior(s string) (Prior, error) {
	if rest, ok := strings.CutPrefix(s, "tabulated:"); ok {
		return parseTabulated(rest)
	}
	switch s {
	case SurveyPrior:
		return Prior{Kind: Tabulated}, nil
	case AutoPrior:
		return Prior{Kind: Tabulated, OrFlat: true}, nil
	}
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
		return Prior{}, fmt.Errorf("distance: unknown prior %q (want flat-parallax, flat-distance, exp-decreasing:<L pc>, survey or auto)", s)
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
	case Tabulated:
		if p.NeedsTable() {
			return errors.New("distance: the survey prior has no table: the model's training had no survey (traincmd --survey-stars), or the model was not read")
		}
		if len(p.LogNu) < 2 || !(p.DLogD > 0) || math.IsInf(p.DLogD, 1) || !star.Finite(p.LogD0) {
			return errors.New("distance: a tabulated prior needs two values or more and a positive, finite step")
		}
		for _, v := range p.LogNu {
			// Relative log densities (Selection.Prior writes 0 at the
			// peak, tabulatedFloor at most below): a value beyond 1000
			// nats would overflow the weights it is added to.
			if !star.Finite(v) || math.Abs(v) > 1000 {
				return fmt.Errorf("distance: tabulated prior value %v is not a finite relative log density within 1000 nats", v)
			}
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
	case Tabulated:
		return p.logNuAt(math.Log10(dPC)) + math.Log(dPC)
	}
	return 0
}

// tabulatedTail is the power of d by which a tabulated prior's nu (per
// unit log d) falls beyond its last bin. Held at the last value instead,
// nu times the d of logWeight (a sample's weight against the flat-in-
// parallax samples) would grow without end: a star of negative parallax,
// whose samples reach megaparsecs, got a first guess of d_best there, was
// dereddened by the dust of that distance off the CMD, and kept zero
// weights (1.1 % of the demo's catalog).
const tabulatedTail = 3

// logNuAt interpolates LogNu at log10 d = x, continued below the first bin
// at its value and beyond the last one as d^-tabulatedTail.
func (p Prior) logNuAt(x float64) float64 {
	n := len(p.LogNu)
	t := (x-p.LogD0)/p.DLogD - 0.5
	switch {
	case !(t > 0):
		return p.LogNu[0]
	case t >= float64(n-1):
		return p.LogNu[n-1] - tabulatedTail*math.Ln10*(t-float64(n-1))*p.DLogD
	}
	i := int(t)
	f := t - float64(i)
	return p.LogNu[i] + f*(p.LogNu[i+1]-p.LogNu[i])
}

// parseTabulated reads "<LogD0>:<DLogD>:<v0>,<v1>,..." (String's form after
// "tabulated:").
func parseTabulated(s string) (Prior, error) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return Prior{}, errors.New("distance: a tabulated prior is tabulated:<log10 d0>:<step>:<v0>,<v1>,...")
	}
	p := Prior{Kind: Tabulated}
	var err error
	if p.LogD0, err = strconv.ParseFloat(parts[0], 64); err != nil {
		return Prior{}, fmt.Errorf("distance: tabulated prior start: %w", err)
	}
	if p.DLogD, err = strconv.ParseFloat(parts[1], 64); err != nil {
		return Prior{}, fmt.Errorf("distance: tabulated prior step: %w", err)
	}
	for _, f := range strings.Split(parts[2], ",") {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return Prior{}, fmt.Errorf("distance: tabulated prior value: %w", err)
		}
		p.LogNu = append(p.LogNu, v)
	}
	return p, p.Validate()
}
