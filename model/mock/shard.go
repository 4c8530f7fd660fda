package mock

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// Shard is the unit of work of a mock: one HEALPix NESTED pixel (ICRS) at
// Config.ShardLevel and the exact number of stars of each population it
// holds.
type Shard struct {
	Level int   // HEALPix NESTED level, = Config.ShardLevel
	Pixel int64 // NESTED pixel index at Level, ICRS
	// Stars of the paper-000 population, of the halo and thick-disk
	// background, and of the injected streams that fall in the pixel.
	CMD, Background, Stream int64
}

// Len returns the number of stars of sh.
func (sh Shard) Len() int64 { return sh.CMD + sh.Background + sh.Stream }

// Shards returns the shards of the mock cfg, sorted by pixel, omitting empty
// ones. The stars of each smooth population are shared out by the largest
// remainder method: shard i's expected count is N w_i / Σw, where w_i is the
// population's sky density integrated over the pixel; each shard gets the
// floor of it, and the stars left over go to the shards with the largest
// remainders (ties, as for the paper-000 population, whose density is
// uniform and HEALPix pixels equal in area, are broken by a seeded
// pseudo-random rank). The counts sum to cfg.Stars exactly and depend only on
// cfg. Background weights are integrated at HEALPix level max(ShardLevel+1,
// 6) with a 96-point line-of-sight quadrature; that costs about
// 12·4^level × 6 µs of CPU (0.3 s at ShardLevel 3..5, 20 s at 8) spread over
// all cores. Stream stars are counted by generating every stream star's
// position.
func Shards(cfg Config) ([]Shard, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := cfg.Defaults()
	level := c.ShardLevel
	npix := int64(12) << (2 * level)

	var nBG int64
	if c.Background {
		nBG = c.Stars
		if !c.NoCMD {
			nBG = int64(math.Round(float64(c.Stars) * c.BackgroundFraction))
		}
	}
	nCMD := c.Stars - nBG

	// Paper-000 population: uniform, so every pixel expects nCMD/npix; the
	// remainder goes to the top-ranked pixels (sorted).
	q := nCMD / npix
	extra := topRanked(c.Seed, level, npix, nCMD%npix)
	// Background: weights from the density.
	var bgCount []int64
	if nBG > 0 {
		bgCount = largestRemainder(c.Seed, level, nBG, c.backgroundWeights(level))
	}
	// Streams: every star's position.
	streamCount := map[int64]int64{}
	nside := int64(1) << level
	r := newStream()
	for si := range c.Streams {
		s := &c.Streams[si]
		tp := newTrackPath(&s.Track)
		lf := samplerFor(s.Isochrone)
		for i := range s.N {
			r.reset(c.Seed, purposeStream, uint64(si), uint64(i))
			ra, dec, _, _, _, _, _, ok := c.streamPosition(r.Rand, s, tp, lf)
			if !ok {
				return nil, fmt.Errorf("%w: stream %d (%s): no star of its isochrone (brightest G = %.1f) is brighter than G = %g anywhere along its track in %d tries: too distant or too reddened for this sky",
					ErrConfig, si, s.Name, lf.gmin[0], c.MagLimit, maxStreamTries)
			}
			streamCount[sky.NestedPixel(nside, ra, dec)]++
		}
	}

	var out []Shard
	near := nearPatches(c.Patches, level)
	add := func(pix int64) {
		sh := Shard{Level: level, Pixel: pix, CMD: q, Stream: streamCount[pix]}
		if len(extra) > 0 && extra[0] == pix {
			sh.CMD++
			extra = extra[1:]
		}
		if near != nil {
			if _, ok := slices.BinarySearch(near, pix); !ok {
				return
			}
		}
		if bgCount != nil {
			sh.Background = bgCount[pix]
		}
		if sh.Len() > 0 {
			out = append(out, sh)
		}
	}
	if q > 0 || bgCount != nil {
		out = make([]Shard, 0, npix)
		for pix := range npix {
			add(pix)
		}
	} else {
		// Sparse: only pixels with a remainder star or stream stars.
		pixels := slices.Clone(extra)
		for pix := range streamCount {
			pixels = append(pixels, pix)
		}
		slices.Sort(pixels)
		pixels = slices.Compact(pixels)
		for _, pix := range pixels {
			add(pix)
		}
	}
	return out, nil
}

// nearPatches returns the NESTED pixels at level, ascending, that may hold a
// star of one of the patches (nil for none): those whose centres lie within
// the patch radius plus twice a pixel's side of a patch centre, a margin
// wider than any pixel's reach from its centre.
func nearPatches(patches []int64, level int) []int64 {
	if len(patches) == 0 {
		return nil
	}
	grid := sky.NewGrid(sky.GridConfig{MinAbsB: -1, Avoid: []sky.Cloud{}})
	side := math.Sqrt(4*math.Pi/float64(int64(12)<<(2*level))) * 180 / math.Pi
	var near []int64
	for _, p := range patches {
		c := grid.Patches[p] // every RING pixel is a patch of this grid, in order
		near = append(near, sky.NestedDisc(nil, int64(1)<<level, c.RA, c.Dec, sky.PatchRadius+2*side)...)
	}
	slices.Sort(near)
	return slices.Compact(near)
}

// topRanked returns the k pixels (of npix) with the highest tie-breaking
// rank, in increasing pixel order, keeping only k of them in memory.
func topRanked(seed uint64, level int, npix, k int64) []int64 {
	if k <= 0 {
		return nil
	}
	type ranked struct {
		rank uint64
		pix  int64
	}
	less := func(a, b ranked) bool { return a.rank < b.rank || a.rank == b.rank && a.pix > b.pix }
	// A min-heap of the best k seen so far.
	h := make([]ranked, 0, k)
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for pix := range npix {
		x := ranked{tieRank(seed, level, pix), pix}
		if int64(len(h)) < k {
			h = append(h, x)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !less(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if less(h[0], x) {
			h[0] = x
			down(0)
		}
	}
	out := make([]int64, len(h))
	for i, x := range h {
		out[i] = x.pix
	}
	slices.Sort(out)
	return out
}

// largestRemainder shares n items among weights w by the largest remainder
// method, ties broken by tieRank.
func largestRemainder(seed uint64, level int, n int64, w []float64) []int64 {
	var sum float64
	for _, v := range w {
		sum += v
	}
	out := make([]int64, len(w))
	if n == 0 || !(sum > 0) {
		return out
	}
	type rem struct {
		frac float64
		rank uint64
		pix  int
	}
	rems := make([]rem, 0, len(w))
	var given int64
	for i, v := range w {
		x := float64(n) * v / sum
		f := math.Floor(x)
		out[i] = int64(f)
		given += int64(f)
		rems = append(rems, rem{x - f, tieRank(seed, level, int64(i)), i})
	}
	left := n - given
	if left > 0 {
		slices.SortFunc(rems, func(a, b rem) int {
			if c := cmp.Compare(b.frac, a.frac); c != 0 {
				return c
			}
			return cmp.Compare(b.rank, a.rank)
		})
		for j := int64(0); j < left && j < int64(len(rems)); j++ {
			out[rems[j].pix]++
		}
	}
	return out
}

// backgroundWeights integrates the background's sky density over every
// pixel at level: the mean line-of-sight integral over the centres of its
// sub-pixels at level max(level+1, 6) (pixels have equal areas, so the area
// factor is common).
func (c *Config) backgroundWeights(level int) []float64 {
	npix := int64(12) << (2 * level)
	sub := min(max(level+1, 6), 29)
	shift := uint(2 * (sub - level))
	nside := int64(1) << sub
	w := make([]float64, npix)
	bg := c.background()
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	next := make(chan int64, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			grid := newLOSGrid()
			for pix := range next {
				var s float64
				for k := int64(0); k < 1<<shift; k++ {
					ra, dec := sky.NestedCenter(nside, pix<<shift|k)
					s += bg.fill(grid, ra, dec)
				}
				w[pix] = s / float64(int64(1)<<shift)
			}
		}()
	}
	for pix := range npix {
		next <- pix
	}
	close(next)
	wg.Wait()
	return w
}
