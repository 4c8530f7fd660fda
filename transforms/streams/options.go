package streams

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/gaiaflow/gaiaflow/transforms/internal/gobcoder"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
)

// Options configure the stream search. The zero value is the paper's
// search over the default patch grid, writing nowhere (Out is required by
// Merge).
type Options struct {
	Grid sky.GridConfig // the patch grid; the zero value is Via Machinae's
	// Pixels, if not empty, restricts the search to these patches (RING
	// pixels of the grid's nside).
	Pixels []int64

	Cuts anode.Cuts // selection of a patch's stars (Features is set from Score.Features)
	// Distances, if not empty, is a published distance catalog of the same
	// partitions (gaiaflow distances): a star it holds is foreground when
	// its model distance dist_q50 is at most MinDistance pc (0: 1000, the
	// distance of the paper's parallax cut of 1 mas), instead of when its
	// parallax is at least Cuts.MaxParallax; the stars it does not hold
	// (cut from the catalog) keep the parallax cut.
	Distances   string
	MinDistance float64
	Regions     anode.RegionOptions // search regions and their vetoes
	// SRRange, if not nil, trains only the search regions whose window
	// lies inside it (mas/yr); the others are counted as sr.out_of_range.
	SRRange *anode.Window
	// Scans are the proper-motion scans of every patch (stream.Scan);
	// empty means ScanLambda alone, the paper's.
	Scans []stream.Scan
	// Retrainings is the number of times each search region's ANODE is
	// trained, with different seeds (0 means 1). With more than one, a
	// candidate must be found by a majority of them (Porto & Shih 2025:
	// it halves the false positives), and its members say how many
	// selected them.
	Retrainings int
	// Confirm, with Retrainings > 1, trains the retrainings after the
	// first only around the proto-clusters of the first that pass the
	// cuts (stream.ConfirmSpans), once every region's first training is
	// done: the majority then judges every candidate the first training
	// finds, for the cost of retraining its regions instead of the sky.
	Confirm bool
	// ShareCR is the number of consecutive search regions (kept ones, in
	// steps of the stride) that share one control-region flow, trained
	// on the stars outside all of them (anode.ScoreShared); 0 or 1 means
	// one CR flow per region, the paper's. ANODE only.
	ShareCR int
	Score   anode.Options // ANODE; OnEpoch is ignored
	Search  stream.Config // ROIs, Hough, merging; photometric cuts are skipped with Astrometric features

	Out    string // output folder, local or gs://
	WriteR bool   // write the R of every search-region star (Out/r/)
	Plots  bool   // write the figures

	// Since, if not empty, is the output folder of an earlier search with
	// the same options to build on: only the patches that hold stars of a
	// Changed input (now or in that search) or of an input it read that is
	// gone are searched again; the others' results are taken from it.
	Since   string
	Changed []string // input partitions new or rewritten since that search
	// Listing is a file (see WriteListing) of the inputs as the search
	// found them when it began, which run.json records.
	Listing string
	// Stage is the folder where each patch's stars are written once for
	// the workers that train its regions (local or gs://; a shared place
	// on a cluster); empty: <Out>/staged-patches. Merge removes it.
	Stage string
}

// stage returns the staging folder.
func (o Options) stage() string {
	if o.Stage != "" {
		return o.Stage
	}
	return store.Join(o.Out, "staged-patches")
}

// normalized returns o with the settings that follow from others filled in.
func (o Options) normalized() Options {
	o.Cuts.Features = o.Score.Features
	// With a distance catalog the foreground is cut in Assign, star by
	// star, by distance or parallax: the patches keep what reaches them.
	o.Cuts.NoParallaxCut = o.Distances != ""
	if o.MinDistance == 0 {
		o.MinDistance = 1000
	}
	o.Score.OnEpoch = nil
	if len(o.Scans) == 0 {
		o.Scans = []stream.Scan{stream.ScanLambda}
	}
	o.Retrainings = max(o.Retrainings, 1)
	o.ShareCR = max(o.ShareCR, 1)
	if o.Retrainings > 1 && o.Search.Merge.MinRetrainings == 0 {
		o.Search.Merge.MinRetrainings = o.Retrainings/2 + 1
	}
	if o.Score.Features == anode.Astrometric {
		o.Search.ROI.Skip |= stream.CutMag | stream.CutColour
	}
	return o
}

// encode returns o as JSON, the form in which it travels with the DoFns.
func (o Options) encode() string {
	b, err := json.Marshal(o.normalized())
	if err != nil {
		panic(fmt.Sprintf("streams: options: %v", err))
	}
	return string(b)
}

func decodeOptions(s string) (Options, error) {
	var o Options
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		return o, fmt.Errorf("streams: options: %w", err)
	}
	return o, nil
}

// selected returns the indices into g.Patches of the patches o searches,
// as a lookup table. It returns an error naming a pixel of Pixels that is
// not in the grid.
func (o Options) selected(g *sky.Grid) ([]bool, error) {
	sel := make([]bool, len(g.Patches))
	if len(o.Pixels) == 0 {
		for i := range sel {
			sel[i] = true
		}
		return sel, nil
	}
	byPix := map[int64]int{}
	for i, p := range g.Patches {
		byPix[p.Pixel] = i
	}
	for _, px := range o.Pixels {
		i, ok := byPix[px]
		if !ok {
			return nil, fmt.Errorf("streams: patch %d is not in the grid (nside %d, %d patches)", px, g.Nside, len(g.Patches))
		}
		sel[i] = true
	}
	return sel, nil
}

// Validate reports options that cannot run together: a shared CR flow
// (ShareCR > 1) with CATHODE, whose classifiers are trained per region on
// the CR flow's samples, and Confirm without retrainings to confirm with.
func (o Options) Validate() error {
	if o.ShareCR > 1 && o.Score.Method == anode.Cathode {
		return fmt.Errorf("streams: a control-region flow shared by %d search regions needs ANODE, not CATHODE", o.ShareCR)
	}
	if o.Confirm && o.Retrainings < 2 {
		return fmt.Errorf("streams: confirming candidates needs 2 or more retrainings, not %d", max(o.Retrainings, 1))
	}
	return nil
}

// firstTrainings is the number of trainings of every search region laid
// out at first: all of them, or with Confirm only the first (the others
// follow where it found something, Confirm).
func (o Options) firstTrainings() int {
	if o.Confirm {
		return 1
	}
	return max(o.Retrainings, 1)
}

// Work is one unit of training: a search region of a patch. The patch's
// stars (its control region is the rest of it) are staged once in a file,
// PatchFile, which the worker that trains the region reads; they do not go
// through the shuffle with every region.
type Work struct {
	Pixel      int64   // the patch's RING pixel
	RA0, Dec0  float64 // its centre, ICRS, degrees
	Scan       stream.Scan
	Retraining int // which of Options.Retrainings trainings
	SR         int // the region's number: Lo = Origin + SR * Stride (in the scan's coordinate)
	Region     anode.Region
	// More are the regions SR+1, SR+2, ... that share Region's CR flow
	// (Options.ShareCR); empty: the paper's one region.
	More       []anode.Region
	PatchFile  string // the staged patch (io/streamio)
	PatchStars int

	// Patch is the staged patch once read on the worker (never encoded:
	// the coder leaves it out).
	Patch anode.Patch `json:"-"`
}

// Key names the work's search region.
func (w *Work) Key() search.Key { return w.keyOf(0) }

// keyOf names the work's k-th region (0: Region, k: More[k-1]).
func (w *Work) keyOf(k int) search.Key {
	win := w.Region.Window
	if k > 0 {
		win = w.More[k-1].Window
	}
	return search.Key{Pixel: w.Pixel, RA0: w.RA0, Dec0: w.Dec0, Scan: w.Scan, Retraining: w.Retraining, SR: w.SR + k, Window: win}
}

// windows returns the work's region windows, Region's first, and the
// window of mu_lambda its CR flow leaves out: from Region's Lo to the last
// region's Hi.
func (w *Work) windows() (srs []anode.Window, exclude anode.Window) {
	srs = []anode.Window{w.Region.Window}
	for _, r := range w.More {
		srs = append(srs, r.Window)
	}
	return srs, anode.Window{Lo: w.Region.Lo, Hi: srs[len(srs)-1].Hi}
}

func encodeWork(w Work) ([]byte, error) {
	w.Patch = anode.Patch{}
	return gobcoder.Marshal(&w)
}
func decodeWork(b []byte) (w Work, err error) {
	return w, gobcoder.Unmarshal(b, &w)
}
func encodeSR(r search.SRResult) ([]byte, error) { return gobcoder.Marshal(&r) }
func decodeSR(b []byte) (r search.SRResult, err error) {
	return r, gobcoder.Unmarshal(b, &r)
}

func init() {
	// Work and search.SRResult hold nested slices and named types: gob, not the
	// schema coder.
	beam.RegisterCoder(reflect.TypeOf(Work{}), encodeWork, decodeWork)
	beam.RegisterCoder(reflect.TypeOf(search.SRResult{}), encodeSR, decodeSR)
}
