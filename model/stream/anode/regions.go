package anode

import (
	"fmt"
	"github.com/gaiaflow/gaiaflow/model/hist"
	"math"
	"slices"
	"sort"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// Window is a search region: the stars with Lo <= mu_lambda <= Hi (mas/yr),
// a closed interval as in Shih et al. 2022 eq. 1. Its control region is the
// rest of the patch.
type Window struct{ Lo, Hi float64 }

// Contains reports whether mu_lambda lies in w.
func (w Window) Contains(muLambda float64) bool { return w.Lo <= muLambda && muLambda <= w.Hi }

// String returns "[lo, hi]".
func (w Window) String() string { return fmt.Sprintf("[%g, %g]", w.Lo, w.Hi) }

// Members writes the indices of the stars of p inside w, ascending, into dst
// (reused if it has the capacity) and returns it.
func (p *Patch) Members(dst []int, w Window) []int {
	dst = dst[:0]
	for i, mu := range p.PMLambda {
		if w.Contains(mu) {
			dst = append(dst, i)
		}
	}
	return dst
}

// Veto is why a search region is not trained on; zero means it is.
type Veto int

const (
	Kept            Veto = iota // passes every test
	TooFew                      // fewer than RegionOptions.MinStars stars
	TooMany                     // more than RegionOptions.MaxStars stars
	GlobularCluster             // a globular-cluster candidate (App. B)
)

// String returns the veto's name as counters use it.
func (v Veto) String() string {
	switch v {
	case Kept:
		return "kept"
	case TooFew:
		return "too_few"
	case TooMany:
		return "too_many"
	case GlobularCluster:
		return "globular_cluster"
	}
	return fmt.Sprintf("Veto(%d)", int(v))
}

// Region is a search region of a patch with its size, its globular-cluster
// statistic and the verdict.
type Region struct {
	Window
	Stars   int     // stars in the search region
	Control int     // stars in its control region, the rest of the patch
	Cluster Cluster // App. B statistic; zero when the size limits already veto the region
	Veto    Veto
}

// RegionOptions chooses the search regions of a patch and their vetoes. The
// zero value is the paper's choice (Shih et al. 2022, sec. 3.1 and App. B).
type RegionOptions struct {
	// The windows are [Origin + k Stride, Origin + k Stride + Width] for
	// every integer k whose window holds at least one star of the patch:
	// with the defaults, ..., [-10, -4], [-9, -3], ..., [4, 10], ... (eq. 1).
	Width  float64 // mas/yr; 0 means 6
	Stride float64 // mas/yr; 0 means 1
	Origin float64 // mas/yr; window edges fall on Origin + k Stride

	MinStars int // fewer stars veto a region (TooFew); 0 means 20,000, negative means no limit
	MaxStars int // more stars veto a region (TooMany); 0 means 1,000,000, negative means no limit

	Cluster ClusterOptions // the globular-cluster veto
}

func (o RegionOptions) withDefaults() RegionOptions {
	if o.Width == 0 {
		o.Width = 6
	}
	if o.Stride == 0 {
		o.Stride = 1
	}
	if o.MinStars == 0 {
		o.MinStars = 20000
	}
	if o.MaxStars == 0 {
		o.MaxStars = 1000000
	}
	o.Cluster = o.Cluster.withDefaults()
	return o
}

// Regions returns the search regions of p in ascending order of Lo: every
// window of the grid that opt defines holding at least one star, with its
// star counts and veto. A region is trained on when its Veto is Kept.
//
// It panics if opt's Width or Stride is not positive and finite, or if p's
// columns differ in length.
func Regions(p *Patch, opt RegionOptions) []Region {
	p.check()
	opt = opt.withDefaults()
	if !(opt.Width > 0 && opt.Stride > 0) || math.IsInf(opt.Width+opt.Stride, 0) {
		panic(fmt.Sprintf("anode: Regions: width %g and stride %g must be positive and finite", opt.Width, opt.Stride))
	}
	n := p.Len()
	if n == 0 {
		return nil
	}
	// Stars in order of mu_lambda: a window's stars are a run of them.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p.PMLambda[order[a]] < p.PMLambda[order[b]] })
	mu := make([]float64, n)
	for i, j := range order {
		mu[i] = p.PMLambda[j]
	}
	kLo := int64(math.Floor((mu[0] - opt.Width - opt.Origin) / opt.Stride))
	kHi := int64(math.Ceil((mu[n-1] - opt.Origin) / opt.Stride))
	var out []Region
	var h clusterScratch
	for k := kLo; k <= kHi; k++ {
		lo := opt.Origin + float64(k)*opt.Stride
		w := Window{Lo: lo, Hi: lo + opt.Width}
		a, _ := slices.BinarySearch(mu, w.Lo) // first mu >= Lo
		b := sort.Search(n, func(i int) bool { return mu[i] > w.Hi })
		if b <= a {
			continue
		}
		r := Region{Window: w, Stars: b - a, Control: n - (b - a)}
		switch {
		case opt.MinStars > 0 && r.Stars < opt.MinStars:
			r.Veto = TooFew
		case opt.MaxStars > 0 && r.Stars > opt.MaxStars:
			r.Veto = TooMany
		default:
			r.Cluster = h.stat(p.Phi, p.Lambda, order[a:b], opt.Cluster)
			if r.Cluster.Vetoes {
				r.Veto = GlobularCluster
			}
		}
		out = append(out, r)
	}
	return out
}

// ClusterOptions is the globular-cluster veto of Shih et al. 2022 App. B.
// The zero value is the paper's.
type ClusterOptions struct {
	Bins   int     // histogram bins per axis; 0 means 120
	Extent float64 // the histogram covers [-Extent, Extent] degrees in phi and lambda; 0 means sky.PatchRadius (15)
	Sigma  float64 // (N_max - mean)/sigma above this vetoes; 0 means 4
	Min    int     // ... if also N_max > Min; 0 means 25
	Off    bool    // no cluster veto
}

func (o ClusterOptions) withDefaults() ClusterOptions {
	if o.Bins == 0 {
		o.Bins = 120
	}
	if o.Extent == 0 {
		o.Extent = sky.PatchRadius
	}
	if o.Sigma == 0 {
		o.Sigma = 4
	}
	if o.Min == 0 {
		o.Min = 25
	}
	return o
}

// Cluster is the globular-cluster statistic of a search region (Shih et al.
// 2022 App. B): the stars' (phi, lambda) histogrammed in Bins x Bins bins
// over [-Extent, Extent]^2 (stars outside are not counted), the largest bin
// count Max, the mean count over all bins, and Sigma = IQR/1.349 of the bin
// counts, the interquartile range of a normal distribution turned into its
// standard deviation (quartiles interpolated linearly between order
// statistics, numpy's default). The paper's "15 x 15 degree region" is read
// as the whole patch of radius 15, so with the defaults a bin is 0.25 degrees
// wide and the empty corners outside the circle are counted as bins, as the
// text has it.
type Cluster struct {
	Max          int     // N_max
	Mean, Sigma  float64 // mean bin count and IQR/1.349
	Significance float64 // (Max - Mean)/Sigma; +Inf if Sigma is 0 and Max > Mean
	Phi, Lambda  float64 // centre of the largest bin, degrees
	Vetoes       bool    // Significance > Sigma option and Max > Min option (eq. B1)
}

// ClusterStat returns the App. B statistic of the stars idx of the columns
// phi and lambda (degrees). It panics if phi and lambda differ in length.
func ClusterStat(phi, lambda []float64, idx []int, opt ClusterOptions) Cluster {
	if len(phi) != len(lambda) {
		panic("anode: ClusterStat: phi and lambda lengths differ")
	}
	var h clusterScratch
	return h.stat(phi, lambda, idx, opt.withDefaults())
}

// clusterScratch holds the histogram between regions.
type clusterScratch struct {
	counts []int
	sorted []float64
}

func (h *clusterScratch) stat(phi, lambda []float64, idx []int, o ClusterOptions) Cluster {
	nb := o.Bins
	h.counts = slices.Grow(h.counts[:0], nb*nb)[:nb*nb]
	clear(h.counts)
	scale := float64(nb) / (2 * o.Extent)
	for _, i := range idx {
		x := (phi[i] + o.Extent) * scale
		y := (lambda[i] + o.Extent) * scale
		if !(x >= 0 && x < float64(nb) && y >= 0 && y < float64(nb)) {
			continue
		}
		h.counts[int(y)*nb+int(x)]++
	}
	var c Cluster
	sum, arg := 0, 0
	for k, v := range h.counts {
		sum += v
		if v > c.Max {
			c.Max, arg = v, k
		}
	}
	c.Mean = float64(sum) / float64(len(h.counts))
	c.Phi = (float64(arg%nb)+0.5)/scale - o.Extent
	c.Lambda = (float64(arg/nb)+0.5)/scale - o.Extent
	h.sorted = h.sorted[:0]
	for _, v := range h.counts {
		h.sorted = append(h.sorted, float64(v))
	}
	slices.Sort(h.sorted)
	iqr := hist.Quantile(h.sorted, 0.75) - hist.Quantile(h.sorted, 0.25)
	c.Sigma = iqr / 1.349
	switch {
	case c.Sigma > 0:
		c.Significance = (float64(c.Max) - c.Mean) / c.Sigma
	case float64(c.Max) > c.Mean:
		c.Significance = math.Inf(1)
	}
	c.Vetoes = !o.Off && c.Significance > o.Sigma && c.Max > o.Min
	return c
}
