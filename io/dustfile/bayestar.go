package dustfile

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"regexp"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/hdf5"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/dust"
)

// Options control how a Bayestar HDF5 file is read.
type Options struct {
	// Version names the Bayestar release ("bayestar2019", "bayestar2017",
	// "bayestar2015"), which fixes the units. Empty: taken from the file
	// name, which must then contain one of those names.
	Version string
	// MaxSamples keeps only the first MaxSamples posterior samples of each
	// pixel (0: all), as dustmaps' max_samples does, to save memory.
	MaxSamples int
}

var versionRe = regexp.MustCompile(`bayestar20(15|17|19)`)

// VersionOf returns the Bayestar release named in a file name, or "".
func VersionOf(path string) string {
	return versionRe.FindString(strings.ToLower(store.Base(path)))
}

func (o Options) version(path string) (string, error) {
	if o.Version != "" {
		if _, err := dust.UnitsOf(o.Version); err != nil {
			return "", err
		}
		return o.Version, nil
	}
	if v := VersionOf(path); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("dustfile: cannot tell the Bayestar release from the name %q: give the version (bayestar2019, bayestar2017 or bayestar2015)", store.Base(path))
}

// bayestarFile is an open Bayestar HDF5 file with its small arrays read.
type bayestarFile struct {
	grid    dust.Grid // everything but Samples and Best
	samples *hdf5.Dataset
	best    *hdf5.Dataset
	nsFile  int // samples per pixel in the file
	block   int // rows per read, a multiple of the chunk rows
}

// openBayestar reads /pixel_info and its DM_bin_edges attribute, and checks
// the shapes of /samples and /best_fit.
func openBayestar(f *hdf5.File, version string, maxSamples int) (*bayestarFile, error) {
	info, err := f.Dataset("/pixel_info")
	if err != nil {
		return nil, fmt.Errorf("dustfile: Bayestar file: %w", err)
	}
	shape := info.Shape()
	if len(shape) != 1 || shape[0] > math.MaxInt32 {
		return nil, fmt.Errorf("dustfile: /pixel_info has shape %v, want one dimension", shape)
	}
	npix := int(shape[0])
	at, err := info.Attr("DM_bin_edges")
	if err != nil {
		return nil, fmt.Errorf("dustfile: Bayestar file: %w", err)
	}
	edges, err := at.Float64s()
	if err != nil {
		return nil, fmt.Errorf("dustfile: DM_bin_edges: %w", err)
	}
	ndm := len(edges)
	b := &bayestarFile{}
	g := &b.grid
	g.Version, g.DM = version, edges
	nside, err := info.ReadFieldInt64("nside", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("dustfile: /pixel_info: %w", err)
	}
	if g.Pixel, err = info.ReadFieldInt64("healpix_index", nil, nil); err != nil {
		return nil, fmt.Errorf("dustfile: /pixel_info: %w", err)
	}
	lo, err := info.ReadFieldFloat64("DM_reliable_min", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("dustfile: /pixel_info: %w", err)
	}
	hi, err := info.ReadFieldFloat64("DM_reliable_max", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("dustfile: /pixel_info: %w", err)
	}
	conv, err := info.ReadFieldFloat64("converged", nil, nil)
	if err != nil {
		return nil, fmt.Errorf("dustfile: /pixel_info: %w", err)
	}
	if len(nside) != npix || len(g.Pixel) != npix || len(lo) != npix || len(hi) != npix || len(conv) != npix {
		return nil, fmt.Errorf("dustfile: /pixel_info: fields of %d, %d, %d, %d, %d values for %d pixels (arrays, not numbers?)",
			len(nside), len(g.Pixel), len(lo), len(hi), len(conv), npix)
	}
	g.NSide = make([]int32, npix)
	g.DMReliableMin = make([]float32, npix)
	g.DMReliableMax = make([]float32, npix)
	g.Converged = make([]bool, npix)
	for i := range npix {
		if nside[i] < 1 || nside[i] > math.MaxInt32 {
			return nil, fmt.Errorf("dustfile: /pixel_info row %d: nside %d", i, nside[i])
		}
		g.NSide[i] = int32(nside[i])
		g.DMReliableMin[i], g.DMReliableMax[i] = float32(lo[i]), float32(hi[i])
		g.Converged[i] = conv[i] != 0
	}
	if b.samples, err = f.Dataset("/samples"); err != nil {
		return nil, fmt.Errorf("dustfile: Bayestar file: %w", err)
	}
	if b.best, err = f.Dataset("/best_fit"); err != nil {
		return nil, fmt.Errorf("dustfile: Bayestar file: %w", err)
	}
	ss, bs := b.samples.Shape(), b.best.Shape()
	if len(ss) != 3 || ss[0] != uint64(npix) || ss[2] != uint64(ndm) || ss[1] < 1 || ss[1] > dust.MaxSamples {
		return nil, fmt.Errorf("dustfile: /samples has shape %v, want [%d, nsamp, %d] with nsamp 1..%d", ss, npix, ndm, dust.MaxSamples)
	}
	if len(bs) != 2 || bs[0] != uint64(npix) || bs[1] != uint64(ndm) {
		return nil, fmt.Errorf("dustfile: /best_fit has shape %v, want [%d, %d]", bs, npix, ndm)
	}
	// The shapes agree, so each is at most npix x 256 x ndm: the values
	// must also be what the file can hold before any room is made for them.
	if n, ok := bytesOfShape(ss); !ok || n > b.samples.MaxRead() {
		return nil, fmt.Errorf("dustfile: /samples: %d pixels x %d samples x %d DM of float32 is more than the file holds", npix, ss[1], ndm)
	}
	if n, ok := bytesOfShape(bs); !ok || n > b.best.MaxRead() {
		return nil, fmt.Errorf("dustfile: /best_fit: %d pixels x %d DM of float32 is more than the file holds", npix, ndm)
	}
	b.nsFile = int(ss[1])
	g.NumSamples = b.nsFile
	if maxSamples > 0 && maxSamples < b.nsFile {
		g.NumSamples = maxSamples
	}
	b.block = 8192
	if c := b.samples.Chunks(); c != nil && c[0] < 8192 {
		b.block = 8192 / int(c[0]) * int(c[0])
	}
	b.block = min(b.block, max(npix, 1))
	if g.Order, err = dust.Index(g.NSide, g.Pixel); err != nil {
		return nil, fmt.Errorf("dustfile: Bayestar file: %w", err)
	}
	return b, nil
}

// bytesOfShape returns the bytes of float32 values of a shape, and false if
// that overflows.
func bytesOfShape(shape []uint64) (uint64, bool) {
	n := uint64(4)
	for _, d := range shape {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// forBlocks calls fn for consecutive blocks of pixels with their best fits
// ([pixel][DM]) and samples ([pixel][DM][sample], transposed from the file's
// [pixel][sample][DM]); what is not wanted is passed as nil.
func (b *bayestarFile) forBlocks(wantBest, wantSamples bool, fn func(r0 int, best, samples []float32) error) error {
	npix, ndm, ns := len(b.grid.NSide), len(b.grid.DM), b.grid.NumSamples
	var tr []float32
	for r0 := 0; r0 < npix; r0 += b.block {
		n := min(b.block, npix-r0)
		var best []float32
		var err error
		if wantBest {
			if best, err = b.best.ReadFloat32([]uint64{uint64(r0), 0}, []uint64{uint64(n), uint64(ndm)}); err != nil {
				return fmt.Errorf("dustfile: /best_fit: %w", err)
			}
		}
		if !wantSamples {
			if err := fn(r0, best, nil); err != nil {
				return err
			}
			continue
		}
		raw, err := b.samples.ReadFloat32([]uint64{uint64(r0), 0, 0}, []uint64{uint64(n), uint64(ns), uint64(ndm)})
		if err != nil {
			return fmt.Errorf("dustfile: /samples: %w", err)
		}
		if cap(tr) < n*ndm*ns {
			tr = make([]float32, n*ndm*ns)
		}
		tr = tr[:n*ndm*ns]
		for p := 0; p < n; p++ {
			src := raw[p*ns*ndm : (p+1)*ns*ndm]
			dst := tr[p*ndm*ns : (p+1)*ndm*ns]
			for s := 0; s < ns; s++ {
				row := src[s*ndm : (s+1)*ndm]
				for k, v := range row {
					dst[k*ns+s] = v
				}
			}
		}
		if err := fn(r0, best, tr); err != nil {
			return err
		}
	}
	return nil
}

// ReadBayestar reads a Bayestar map as distributed (HDF5) into memory. The
// release (units) comes from opt.Version or, if empty, from name, the file's
// name.
func ReadBayestar(f *hdf5.File, name string, opt Options) (*dust.Grid, error) {
	version, err := opt.version(name)
	if err != nil {
		return nil, err
	}
	b, err := openBayestar(f, version, opt.MaxSamples)
	if err != nil {
		return nil, err
	}
	g := b.grid
	ndm, ns := len(g.DM), g.NumSamples
	g.Best = make([]float32, len(g.NSide)*ndm)
	g.Samples = make([]float32, len(g.NSide)*ndm*ns)
	err = b.forBlocks(true, true, func(r0 int, best, samples []float32) error {
		copy(g.Best[r0*ndm:], best)
		copy(g.Samples[r0*ndm*ns:], samples)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// Summary describes a map file or an import.
type Summary struct {
	Version    string
	Pixels     int
	Levels     map[int32]int // pixels per nside
	Samples    int
	DM         []float64
	Bytes      int64 // memory of the map's arrays
	OutputPath string
}

func summarize(g *dust.Grid) Summary {
	s := Summary{Version: g.Version, Pixels: len(g.NSide), Samples: g.NumSamples, DM: g.DM, Levels: map[int32]int{}}
	for _, n := range g.NSide {
		s.Levels[n]++
	}
	np, nd := int64(len(g.NSide)), int64(len(g.DM))
	s.Bytes = np*(4+8+4+4+1+4) + 4*np*nd*(1+int64(g.NumSamples))
	return s
}

// Import converts the Bayestar HDF5 file at src (local or gs://) to the
// compact format at dst (local or gs://), streaming: memory stays at the
// pixel table plus a block of a few thousand pixels. dst appears only when
// the import succeeds.
func Import(ctx context.Context, src, dst string, opt Options) (Summary, error) {
	version, err := opt.version(src)
	if err != nil {
		return Summary{}, err
	}
	rf, err := openReaderAt(ctx, src)
	if err != nil {
		return Summary{}, err
	}
	defer rf.Close()
	f, err := hdf5.Open(rf, rf.Size())
	if err != nil {
		return Summary{}, fmt.Errorf("dustfile: %s: %w", src, err)
	}
	b, err := openBayestar(f, version, opt.MaxSamples)
	if err != nil {
		return Summary{}, fmt.Errorf("%w (%s)", err, src)
	}
	g := &b.grid
	if _, err := dust.NewBayestar(dust.Grid{Version: g.Version, DM: g.DM, NumSamples: 1, NSide: g.NSide, Pixel: g.Pixel,
		DMReliableMin: g.DMReliableMin, DMReliableMax: g.DMReliableMax, Converged: g.Converged, Order: g.Order,
		Samples: make([]float32, len(g.NSide)*len(g.DM)), Best: make([]float32, len(g.NSide)*len(g.DM))}); err != nil {
		return Summary{}, fmt.Errorf("%w (%s)", err, src)
	}
	u, _ := dust.UnitsOf(version)
	h := header{Format: formatName, Map: version, Units: u, NumPixels: len(g.NSide), NumDM: len(g.DM),
		NumSamples: g.NumSamples, DM: g.DM, Source: store.Base(src)}
	out, err := store.Create(ctx, dst)
	if err != nil {
		return Summary{}, err
	}
	fail := func(err error) (Summary, error) {
		out.Abort()
		return Summary{}, err
	}
	cw, err := beginWrite(out, &h)
	if err != nil {
		return fail(err)
	}
	conv := make([]uint8, len(g.Converged))
	for i, c := range g.Converged {
		if c {
			conv[i] = 1
		}
	}
	small := [][]byte{bytesOf(g.NSide), bytesOf(g.Pixel), bytesOf(g.DMReliableMin), bytesOf(g.DMReliableMax),
		conv, bytesOf(g.Order)}
	for i, part := range small {
		cw.begin(h.Arrays[i])
		cw.writeLE(part, int(elemSize[h.Arrays[i].Type]))
		cw.end()
	}
	// best, then samples: two passes over the file, one block at a time.
	for pass := 0; pass < 2; pass++ {
		cw.begin(h.Arrays[6+pass])
		err := b.forBlocks(pass == 0, pass == 1, func(_ int, best, samples []float32) error {
			if pass == 0 {
				cw.writeLE(bytesOf(best), 4)
			} else {
				cw.writeLE(bytesOf(samples), 4)
			}
			return cw.err
		})
		if err != nil {
			return fail(fmt.Errorf("%w (%s)", err, src))
		}
		cw.end()
	}
	if err := cw.finish(); err != nil {
		return fail(err)
	}
	if err := out.Close(); err != nil {
		return Summary{}, err
	}
	s := summarize(g)
	s.OutputPath = dst
	return s, nil
}
