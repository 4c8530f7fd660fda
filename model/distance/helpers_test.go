package distance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// traincmdFit is the CMDFit of traincmd's defaults (pipelines/traincmd
// DefaultOptions) with the training seed and the selection survey given:
// a 5 x 64 flow, DefaultPasses passes, the last DefaultAveragePasses
// averaged, posterior points on a grid, adapted and grid proposals.
func traincmdFit(seed uint64, survey []SurveyStar) CMDFit {
	return CMDFit{Flow: flow.Config{Blocks: 5, Hidden: []int{64, 64}},
		Opt: flow.Train{LR: 2e-3, Seed: seed}, Passes: DefaultPasses, Average: DefaultAveragePasses, FinalLRFraction: DefaultFinalLRFraction,
		Batch: 1024, GridNodes: DefaultTrainGridNodes, Points: DefaultPoints, Redraws: DefaultRedraws, Survey: survey,
		AdaptProposals: DefaultAdaptProposals, GridProposals: DefaultGridProposals}
}

// constDust is a map with the same E everywhere north of dec -30 (it does
// not look at position beyond the hole below), with a spread sigma and n
// samples at the normal quantiles median + sigma Phi^-1((j+1/2)/n). Lines of
// sight with l in [hole, hole+1) have no value.
type constDust struct {
	e, sigma float64
	n        int
	hole     float64 // l of a hole; NaN for none
	rel      float64 // distances beyond rel (pc) are unreliable; 0 means never
}

func (m constDust) Query(l, b, d float64) (float64, float64, bool, bool) {
	if l >= m.hole && l < m.hole+1 {
		return math.NaN(), math.NaN(), false, false
	}
	return m.e, m.sigma, true, m.rel == 0 || d <= m.rel
}

func (m constDust) Samples(dst []float64, l, b, d float64) []float64 {
	dst = dst[:0]
	if l >= m.hole && l < m.hole+1 {
		return dst
	}
	n := max(m.n, 1)
	for j := 0; j < n; j++ {
		v := m.e
		if n > 1 {
			v += m.sigma * normalQuantile((float64(j)+0.5)/float64(n))
		}
		dst = append(dst, max(v, 0))
	}
	return dst
}

// linearDust is E = rate × d/1000 (mag/kpc), exact (one sample), like the
// Gaussian map of the §4.1 simulation along one line of sight.
type linearDust struct{ rate float64 }

func (m linearDust) Query(l, b, d float64) (float64, float64, bool, bool) {
	return m.rate * d / 1000, 0, true, true
}

func (m linearDust) Samples(dst []float64, l, b, d float64) []float64 {
	return append(dst[:0], m.rate*d/1000)
}

// gaussG is a CMD density Gaussian in g (mean m, width s), flat in colour.
func gaussG(m, s float64) LogProbFunc {
	return func(g, _, _ float64) float64 {
		z := (g - m) / s
		return -z*z/2 - math.Log(s) - logSqrt2Pi
	}
}

// flat is a CMD density that is the same everywhere.
var flat = LogProbFunc(func(_, _, _ float64) float64 { return 0 })

// testStar returns a star at (ra, dec) = (l, b) = (100, 40) with the given
// parallax, its error, G and colours (BP from G and bp-g), RUWE 1.
func testStar(id int64, plx, plxErr, g, bprp, bpg float64) star.Row {
	r := star.NewRow()
	r.SourceID = id
	r.RA, r.Dec, r.L, r.B = 100, 40, 100, 40
	r.Parallax, r.ParallaxError = plx, plxErr
	r.G, r.BP, r.BPRP = g, g+bpg, bprp
	r.RP = r.BP - bprp
	r.RUWE = 1
	return r
}

// starAt returns a star at (l, b) = (160, 70) of absolute G g, colours
// bprp and bpg, at distance d (pc) with no dust, and a parallax error sig
// (mas) drawn from rng.
func starAt(id int64, g, bprp, bpg, d, sig float64, rng *rand.Rand) star.Row {
	r := star.NewRow()
	r.SourceID = id
	r.RA, r.Dec, r.L, r.B = 180, 40, 160, 70
	r.Parallax, r.ParallaxError = 1000/d+sig*rng.NormFloat64(), sig
	r.G = g + 5*math.Log10(d) - 5
	r.BP = r.G + bpg
	r.RP = r.BP - bprp
	r.BPRP = bprp
	r.RUWE = 1
	return r
}

func blockOf(rows ...star.Row) *star.Block {
	var b star.Block
	for _, r := range rows {
		b.Append(r)
	}
	return &b
}

func mustNew(t testing.TB, cfg Config, dens Density, dust Dust) *Estimator {
	t.Helper()
	e, err := New(cfg, dens, dust)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var noDust = constDust{hole: math.NaN()}

// integratedDistanceQuantiles is the independent reference of the
// posterior tests: the posterior over parallax x in [lo, hi] with the
// unnormalised log density logPost(x), integrated by the midpoint rule on
// n cells, and the distance 1000/x at its levels Phi(-1), 0.5 and Phi(1)
// (the distance's q16 is 1000 over the parallax's q84).
func integratedDistanceQuantiles(lo, hi float64, n int, logPost func(x float64) float64) (q16, q50, q84 float64) {
	dx := (hi - lo) / float64(n)
	cdf := make([]float64, n+1)
	for i := 1; i <= n; i++ {
		cdf[i] = cdf[i-1] + math.Exp(logPost(lo+(float64(i)-0.5)*dx))
	}
	plxAt := func(u float64) float64 { // parallax at CDF level u
		target := u * cdf[n]
		i := 1
		for cdf[i] < target {
			i++
		}
		return lo + (float64(i-1)+(target-cdf[i-1])/(cdf[i]-cdf[i-1]))*dx
	}
	const phiM1 = 0.15865525393145707
	return 1000 / plxAt(1-phiM1), 1000 / plxAt(0.5), 1000 / plxAt(phiM1)
}
