package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/hats"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// HATSOptions configure HATS.
type HATSOptions struct {
	Root       string // the HATS catalog's folder, local or gs://
	MaxRows    int64  // rows per partition at most (hats_max_rows); 0 means 1,000,000
	CountOrder int    // the HEALPix order the rows are counted at, the finest partition; 0 means 10
	Collection string // obs_collection
	Builder    string // hats_builder
}

// HATS writes the rows of the catalog shards (PCollection<string> of CSV
// shard paths) as a HATS catalog under opt.Root (io/hats): each shard's
// rows are counted per HEALPix pixel at CountOrder, a combiner sums the
// counts, one worker plans the partitions, every shard names the
// partitions its rows fall in (from its counts), and one DoFn per partition
// reads those shards, keeps the partition's rows and writes them; the
// catalog-level files come last. Shards' names and counts, not rows, cross
// the shuffle. It returns the
// singleton PCollection<int> of the partitions written.
func HATS(s beam.Scope, opt HATSOptions, shards beam.PCollection) beam.PCollection {
	s = s.Scope("distances.HATS")
	if opt.MaxRows == 0 {
		opt.MaxRows = 1_000_000
	}
	if opt.CountOrder == 0 {
		opt.CountOrder = 10
	}
	js, err := json.Marshal(opt)
	if err != nil {
		panic(err)
	}
	o := string(js)
	counts := beam.ParDo(s, &hatsCountFn{Options: o}, shards) // KV<shard, pairs>
	total := beam.Combine(s, &hatsCountsFn{}, beam.DropKey(s, counts))
	plan := beam.ParDo(s, &hatsPlanFn{Options: o}, total)
	assigned := beam.ParDo(s, &hatsAssignFn{Options: o}, counts, beam.SideInput{Input: plan})
	written := beam.ParDo(s, &hatsWriteFn{Options: o}, beam.GroupByKey(s, assigned))
	return beam.ParDo(s, &hatsMetaFn{Options: o}, plan, beam.SideInput{Input: written})
}

// hatsPlan is the plan that travels as a side input.
type hatsPlan struct {
	Parts []hats.Pixel
	Rows  int64
}

func readShardRows(ctx context.Context, path string) (*distance.Rows, error) {
	r, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return catalog.ReadCSV(r, path)
}

type hatsCountFn struct{ Options string }

// ProcessElement emits the shard with its counts per pixel at CountOrder
// as (pixel, count) pairs, flattened.
func (fn *hatsCountFn) ProcessElement(ctx context.Context, shard string, emit func(string, []int64)) error {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return err
	}
	rows, err := readShardRows(ctx, shard)
	if err != nil {
		return err
	}
	n := map[int64]int64{}
	for i := range rows.SourceID {
		pix := catalog.HEALPix29(rows.RA[i], rows.Dec[i])
		if pix < 0 {
			return fmt.Errorf("hats: %s: source_id %d has no position (%g, %g)", shard, rows.SourceID[i], rows.RA[i], rows.Dec[i])
		}
		n[pix>>(2*(29-opt.CountOrder))]++
	}
	emit(shard, pairs(n))
	return nil
}

// pairs flattens counts into sorted (pixel, count) pairs.
func pairs(n map[int64]int64) []int64 {
	keys := make([]int64, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]int64, 0, 2*len(keys))
	for _, k := range keys {
		out = append(out, k, n[k])
	}
	return out
}

// hatsCountsFn sums (pixel, count) pairs; exact in any order.
type hatsCountsFn struct{}

func (*hatsCountsFn) MergeAccumulators(a, b []int64) []int64 {
	n := map[int64]int64{}
	for _, p := range [][]int64{a, b} {
		for i := 0; i+1 < len(p); i += 2 {
			n[p[i]] += p[i+1]
		}
	}
	return pairs(n)
}

type hatsPlanFn struct{ Options string }

func (fn *hatsPlanFn) ProcessElement(counts []int64) (string, error) {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return "", err
	}
	n := map[int64]int64{}
	var rows int64
	for i := 0; i+1 < len(counts); i += 2 {
		n[counts[i]] += counts[i+1]
		rows += counts[i+1]
	}
	parts, err := hats.Plan(n, opt.CountOrder, opt.MaxRows)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(hatsPlan{Parts: parts, Rows: rows})
	return string(b), err
}

type hatsAssignFn struct {
	Options string
	plan    *hatsPlan
	idx     *hats.Index
	shift   int
}

func pixelKey(p hats.Pixel) string { return fmt.Sprintf("%d/%d", p.Order, p.Pix) }

// ProcessElement emits (partition, shard) for every partition the shard's
// rows fall in, from the shard's pixel counts: a partition is at most as
// fine as CountOrder, so each counted pixel lies in exactly one.
func (fn *hatsAssignFn) ProcessElement(shard string, counts []int64, plan string, emit func(string, string)) error {
	if fn.plan == nil {
		var opt HATSOptions
		if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
			return err
		}
		var p hatsPlan
		if err := json.Unmarshal([]byte(plan), &p); err != nil {
			return err
		}
		fn.plan, fn.idx, fn.shift = &p, hats.NewIndex(p.Parts), 2*(29-opt.CountOrder)
	}
	seen := map[hats.Pixel]bool{}
	for i := 0; i+1 < len(counts); i += 2 {
		p, ok := fn.idx.Find(counts[i] << fn.shift)
		if !ok {
			return fmt.Errorf("hats: %s: pixel %d is in no partition", shard, counts[i])
		}
		if !seen[p] {
			seen[p] = true
			emit(pixelKey(p), shard)
		}
	}
	return nil
}

type hatsWriteFn struct{ Options string }

// ProcessElement writes one partition from the shards that hold its rows.
func (fn *hatsWriteFn) ProcessElement(ctx context.Context, key string, shards func(*string) bool, emit func(string)) error {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return err
	}
	var p hats.Pixel
	if _, err := fmt.Sscanf(key, "%d/%d", &p.Order, &p.Pix); err != nil {
		return fmt.Errorf("hats: partition key %q: %w", key, err)
	}
	var paths []string
	var sh string
	for shards(&sh) {
		paths = append(paths, sh)
	}
	slices.Sort(paths) // the partition's content does not depend on arrival order
	var mine distance.Rows
	for _, path := range paths {
		rows, err := readShardRows(ctx, path)
		if err != nil {
			return err
		}
		for i := range rows.SourceID {
			if p.Contains(catalog.HEALPix29(rows.RA[i], rows.Dec[i])) {
				mine.Append(rows.Slice(i, i+1))
			}
		}
	}
	if err := hats.WritePartition(ctx, opt.Root, p, &mine); err != nil {
		return err
	}
	emit(key)
	return nil
}

type hatsMetaFn struct{ Options string }

// ProcessElement writes the catalog-level files once every partition is
// written (the side input is complete only then).
func (fn *hatsMetaFn) ProcessElement(ctx context.Context, plan string, written func(*string) bool) (int, error) {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return 0, err
	}
	var p hatsPlan
	if err := json.Unmarshal([]byte(plan), &p); err != nil {
		return 0, err
	}
	n := 0
	var k string
	for written(&k) {
		n++
	}
	if n != len(p.Parts) {
		return 0, fmt.Errorf("hats: %d of %d partitions written", n, len(p.Parts))
	}
	if n == 0 {
		return 0, nil
	}
	props := hats.Properties{Collection: opt.Collection, Rows: p.Rows, MaxRows: opt.MaxRows, Builder: opt.Builder}
	return n, hats.WriteMetadata(ctx, opt.Root, p.Parts, props)
}

func init() {
	register.DoFn3x1[context.Context, string, func(string, []int64), error](&hatsCountFn{})
	register.Combiner1[[]int64](&hatsCountsFn{})
	register.DoFn1x2[[]int64, string, error](&hatsPlanFn{})
	register.DoFn4x1[string, []int64, string, func(string, string), error](&hatsAssignFn{})
	register.DoFn4x1[context.Context, string, func(*string) bool, func(string), error](&hatsWriteFn{})
	register.DoFn3x2[context.Context, string, func(*string) bool, int, error](&hatsMetaFn{})
	register.Emitter2[string, []int64]()
	register.Emitter2[string, string]()
	register.Iter1[string]()
	beam.RegisterType(reflect.TypeOf(HATSOptions{}))
}
