package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/hats"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// HATSOptions configure HATS.
type HATSOptions struct {
	Root       string // the HATS catalog's folder, local or gs://
	MaxRows    int64  // rows per partition at most (hats_max_rows); 0 means 1,000,000
	CountOrder int    // the HEALPix order the rows are counted at, the finest partition; 0 means 10
	Collection string // obs_collection
	Builder    string // hats_builder; the program's build (BuildInfo) is appended
	// Provenance goes into hats.properties as it is (e.g. the catalog
	// version and the model's checksum).
	Provenance map[string]string
	// Previous is the HATS folder of the version before, or "": a partition
	// whose rows come from the same shards as there (shard names carry
	// their content keys) is copied from it instead of rewritten.
	Previous string
}

// HATSShardsName is the file, in a HATS catalog's folder, that names the
// shards each partition was written from ("order/pixel" -> shard names):
// what the next version compares to reuse a partition.
const HATSShardsName = "gaiaflow_partition_shards.json"

// withDefaults returns o with MaxRows and CountOrder set.
func (o HATSOptions) withDefaults() HATSOptions {
	if o.MaxRows == 0 {
		o.MaxRows = 1_000_000
	}
	if o.CountOrder == 0 {
		o.CountOrder = hats.CountOrder
	}
	return o
}

// encode returns o with its defaults, as the DoFns' JSON.
func (o HATSOptions) encode() string {
	js, err := json.Marshal(o.withDefaults())
	if err != nil {
		panic(err)
	}
	return string(js)
}

// HATSOfShards writes the rows of the catalog shards whose sidecars
// (PCollection of release.Sidecar) are given, in the catalog folder dir, as
// a HATS catalog under opt.Root (io/hats): each shard's rows per HEALPix
// pixel at CountOrder come from its sidecar (Sidecar.HEALPix; a sidecar of
// an older build without them has its shard's positions read), a combiner
// sums the counts, one worker plans the partitions, every shard names the
// partitions its rows fall in (from its counts), and one DoFn per partition
// reads those shards, keeps the partition's rows and writes them (or copies
// it from opt.Previous); the catalog-level files come last. Shards' names
// and counts, not rows, cross the shuffle.
func HATSOfShards(s beam.Scope, opt HATSOptions, dir string, sidecars beam.PCollection) {
	s = s.Scope("distances.HATS")
	o := opt.encode()
	hatsOfCounts(s, o, beam.ParDo(s, &sidecarCountsFn{Options: o, Dir: dir}, sidecars))
}

// ReadSidecars reads the sidecars of the finished shards of inputs in the
// catalog folder dir (PCollection of release.Sidecar): the shards a run
// reuses.
func ReadSidecars(s beam.Scope, dir string, inputs []release.Input) beam.PCollection {
	s = s.Scope("distances.ReadSidecars")
	return beam.ParDo(s, &readSidecarFn{Dir: dir}, beam.Reshuffle(s, beam.CreateList(s, inputs)))
}

// hatsOfCounts is HATSOfShards from the shards' counts (KV<shard path,
// pairs>), with the options o (encode).
func hatsOfCounts(s beam.Scope, o string, counts beam.PCollection) {
	total := beam.Combine(s, &hatsCountsFn{}, beam.DropKey(s, counts))
	plan := beam.ParDo(s, &hatsPlanFn{Options: o}, total)
	assigned := beam.ParDo(s, &hatsAssignFn{Options: o}, counts, beam.SideInput{Input: plan})
	written := beam.ParDo(s, &hatsWriteFn{Options: o}, beam.GroupByKey(s, assigned))
	stars.Sink(s, beam.ParDo(s, &hatsMetaFn{Options: o}, plan, beam.SideInput{Input: written}))
}

// hatsPlan is the plan that travels as a side input.
type hatsPlan struct {
	Parts []hats.Pixel
	Rows  int64
}

// readShardRows reads a Parquet shard (five times faster than its CSV
// twin) with read: catalog.ReadParquet, or ReadParquetPositions for its
// positions alone.
func readShardRows(ctx context.Context, path string, read func(io.ReaderAt, int64, string) (*distance.Rows, error)) (*distance.Rows, error) {
	f, err := store.OpenFile(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f, f.Size(), path)
}

type sidecarCountsFn struct {
	Options string
	Dir     string
}

// ProcessElement emits the sidecar's Parquet shard with its counts per
// pixel at CountOrder, from the sidecar where it holds them.
func (fn *sidecarCountsFn) ProcessElement(ctx context.Context, sc release.Sidecar, emit func(string, []int64)) error {
	return emitCounts(ctx, fn.Options, store.Join(fn.Dir, sc.Input.Parquet), sc.HEALPix, emit)
}

// emitCounts emits shard with its counts (countsOf) at the CountOrder of
// the options (JSON).
func emitCounts(ctx context.Context, options, shard string, known hats.Counts, emit func(string, []int64)) error {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(options), &opt); err != nil {
		return err
	}
	c, err := countsOf(ctx, shard, known, opt.CountOrder)
	if err != nil {
		return err
	}
	emit(shard, c)
	return nil
}

// countsOf returns the shard's rows per pixel at order: coarsened from
// known, its counts at hats.CountOrder, or, if there are none or they are
// too coarse, read from the shard.
func countsOf(ctx context.Context, shard string, known hats.Counts, order int) ([]int64, error) {
	if known != nil && order <= hats.CountOrder {
		return hats.Coarsen(known, hats.CountOrder, order), nil
	}
	return shardCounts(ctx, shard, order)
}

type readSidecarFn struct{ Dir string }

func (fn *readSidecarFn) ProcessElement(ctx context.Context, in release.Input) (release.Sidecar, error) {
	sc, err := release.ReadSidecar(ctx, fn.Dir, in)
	if err != nil {
		return sc, fmt.Errorf("the finished shard of %s: %w", in.Path, err)
	}
	return sc, nil
}

// shardCounts returns the shard's rows per pixel at order as (pixel, count)
// pairs.
func shardCounts(ctx context.Context, shard string, order int) ([]int64, error) {
	rows, err := readShardRows(ctx, shard, catalog.ReadParquetPositions)
	if err != nil {
		return nil, err
	}
	n := map[int64]int64{}
	for i := range rows.SourceID {
		pix := catalog.HEALPix29(rows.RA[i], rows.Dec[i])
		if pix < 0 {
			return nil, fmt.Errorf("hats: %s: source_id %d has no position (%g, %g)", shard, rows.SourceID[i], rows.RA[i], rows.Dec[i])
		}
		n[pix>>(2*(29-order))]++
	}
	return pairs(n), nil
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

// MergeAccumulators merges two lists of (pixel, count) pairs sorted by
// pixel (as pairs makes them) into one, in one linear pass.
func (*hatsCountsFn) MergeAccumulators(a, b []int64) []int64 {
	out := make([]int64, 0, len(a)+len(b))
	i, j := 0, 0
	for i+1 < len(a) && j+1 < len(b) {
		switch pa, pb := a[i], b[j]; {
		case pa < pb:
			out = append(out, pa, a[i+1])
			i += 2
		case pb < pa:
			out = append(out, pb, b[j+1])
			j += 2
		default:
			out = append(out, pa, a[i+1]+b[j+1])
			i, j = i+2, j+2
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

type hatsPlanFn struct{ Options string }

func (fn *hatsPlanFn) ProcessElement(counts []int64) (string, error) {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return "", err
	}
	p, err := planOf(opt, counts)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(p)
	return string(b), err
}

// planOf plans the partitions of the summed (pixel, count) pairs.
func planOf(opt HATSOptions, counts []int64) (hatsPlan, error) {
	n := map[int64]int64{}
	var rows int64
	for i := 0; i+1 < len(counts); i += 2 {
		n[counts[i]] += counts[i+1]
		rows += counts[i+1]
	}
	parts, err := hats.Plan(n, opt.CountOrder, opt.MaxRows)
	return hatsPlan{Parts: parts, Rows: rows}, err
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
	keys, err := partitionsOf(fn.idx, fn.shift, shard, counts)
	for _, k := range keys {
		emit(k, shard)
	}
	return err
}

// partitionsOf returns the keys of the partitions a shard's counted pixels
// fall in; shift is 2 (29 - CountOrder).
func partitionsOf(idx *hats.Index, shift int, shard string, counts []int64) ([]string, error) {
	seen := map[hats.Pixel]bool{}
	var keys []string
	for i := 0; i+1 < len(counts); i += 2 {
		p, ok := idx.Find(counts[i] << shift)
		if !ok {
			return keys, fmt.Errorf("hats: %s: pixel %d is in no partition", shard, counts[i])
		}
		if !seen[p] {
			seen[p] = true
			keys = append(keys, pixelKey(p))
		}
	}
	return keys, nil
}

type hatsWriteFn struct {
	Options string
	opt     HATSOptions
	prev    map[string][]string // the previous version's partition -> shard names; nil if none
}

func (fn *hatsWriteFn) Setup(ctx context.Context) error {
	if err := json.Unmarshal([]byte(fn.Options), &fn.opt); err != nil {
		return err
	}
	var err error
	fn.prev, err = previousShards(ctx, fn.opt.Previous)
	return err
}

// previousShards reads the previous version's partition -> shards record;
// nil if there is none (no previous HATS catalog, or one without it: every
// partition is then written).
func previousShards(ctx context.Context, prevRoot string) (map[string][]string, error) {
	if prevRoot == "" {
		return nil, nil
	}
	b, err := store.ReadFile(ctx, store.Join(prevRoot, HATSShardsName))
	if err != nil {
		return nil, nil
	}
	var m map[string][]string
	return m, json.Unmarshal(b, &m)
}

// Monitoring only (the counts that hats.properties states travel in the
// records).
var (
	hatsWritten = stars.Counter("hats.partitions_written")
	hatsReused  = stars.Counter("hats.partitions_reused")
)

// ProcessElement writes one partition from the shards that hold its rows,
// or copies it from the previous version when those shards are the same;
// it emits the partition's key, "written" or "reused", and its shards'
// names (as JSON), which the catalog-level step counts into
// hats.properties: counts carried in the data, not in metrics.
func (fn *hatsWriteFn) ProcessElement(ctx context.Context, key string, shards func(*string) bool, emit func(string)) error {
	var paths []string
	var sh string
	for shards(&sh) {
		paths = append(paths, sh)
	}
	start := time.Now()
	rec, err := writeOrReuse(ctx, fn.opt, fn.prev, key, paths)
	if err != nil {
		return err
	}
	stars.Timing(ctx, "hats", time.Since(start))
	emit(rec)
	return nil
}

// writeOrReuse writes partition key from the shards paths, or copies it
// from the previous version (prev) when it came from the same shards, and
// returns its record: JSON of the key, "written" or "reused", and the
// shards' names.
func writeOrReuse(ctx context.Context, opt HATSOptions, prev map[string][]string, key string, paths []string) (string, error) {
	var p hats.Pixel
	if _, err := fmt.Sscanf(key, "%d/%d", &p.Order, &p.Pix); err != nil {
		return "", fmt.Errorf("hats: partition key %q: %w", key, err)
	}
	paths = slices.Sorted(slices.Values(paths)) // the partition's content does not depend on arrival order
	var names []string
	for _, path := range paths {
		names = append(names, store.Base(path))
	}
	record := func(how string) string {
		b, _ := json.Marshal(append([]string{key, how}, names...))
		return string(b)
	}
	if old, ok := prev[key]; ok && slices.Equal(old, names) {
		data, err := store.ReadFile(ctx, store.Join(opt.Previous, p.Path()))
		if err == nil {
			if err := store.WriteFile(ctx, store.Join(opt.Root, p.Path()), data); err != nil {
				return "", err
			}
			hatsReused.Inc(ctx, 1)
			return record("reused"), nil
		}
	}
	var mine distance.Rows
	for _, path := range paths {
		rows, err := readShardRows(ctx, path, catalog.ReadParquet)
		if err != nil {
			return "", err
		}
		var in []int
		for i := range rows.SourceID {
			if p.Contains(catalog.HEALPix29(rows.RA[i], rows.Dec[i])) {
				in = append(in, i)
			}
		}
		mine.AppendRows(rows, in)
	}
	if err := hats.WritePartition(ctx, opt.Root, p, &mine); err != nil {
		return "", err
	}
	hatsWritten.Inc(ctx, 1)
	return record("written"), nil
}

type hatsMetaFn struct{ Options string }

// ProcessElement writes the catalog-level files once every partition is
// written (the side input is complete only then) and emits the catalog's
// folder (for stars.Sink).
func (fn *hatsMetaFn) ProcessElement(ctx context.Context, plan string, written func(*string) bool) (string, error) {
	var opt HATSOptions
	if err := json.Unmarshal([]byte(fn.Options), &opt); err != nil {
		return "", err
	}
	var p hatsPlan
	if err := json.Unmarshal([]byte(plan), &p); err != nil {
		return "", err
	}
	var recs []string
	var rec string
	for written(&rec) {
		recs = append(recs, rec)
	}
	_, err := writeHATSMeta(ctx, opt, p, recs)
	return opt.Root, err
}

// writeHATSMeta writes the catalog-level files once every partition of the
// plan has its record.
func writeHATSMeta(ctx context.Context, opt HATSOptions, p hatsPlan, recs []string) (int, error) {
	shards := map[string][]string{}
	how := map[string]int{}
	for _, rec := range recs {
		var r []string
		if err := json.Unmarshal([]byte(rec), &r); err != nil || len(r) < 2 {
			return 0, fmt.Errorf("hats: written partition record %q: %v", rec, err)
		}
		shards[r[0]] = r[2:]
		how[r[1]]++
	}
	n := len(shards)
	if n != len(p.Parts) {
		return 0, fmt.Errorf("hats: %d of %d partitions written", n, len(p.Parts))
	}
	if n == 0 {
		return 0, nil
	}
	b, err := json.Marshal(shards)
	if err != nil {
		return 0, err
	}
	if err := store.WriteFile(ctx, store.Join(opt.Root, HATSShardsName), b); err != nil {
		return 0, err
	}
	extra := map[string]string{
		"gaiaflow_partitions_written": fmt.Sprint(how["written"]),
		"gaiaflow_partitions_reused":  fmt.Sprint(how["reused"]),
	}
	for k, v := range opt.Provenance {
		extra[k] = v
	}
	props := hats.Properties{Collection: opt.Collection, Rows: p.Rows, MaxRows: opt.MaxRows,
		Builder: strings.TrimSpace(opt.Builder + " " + BuildInfo()), Extra: extra}
	return n, hats.WriteMetadata(ctx, opt.Root, p.Parts, props)
}

func init() {
	register.Combiner1[[]int64](&hatsCountsFn{})
	register.DoFn1x2[[]int64, string, error](&hatsPlanFn{})
	register.DoFn3x1[context.Context, release.Sidecar, func(string, []int64), error](&sidecarCountsFn{})
	register.DoFn2x2[context.Context, release.Input, release.Sidecar, error](&readSidecarFn{})
	register.DoFn4x1[string, []int64, string, func(string, string), error](&hatsAssignFn{})
	register.DoFn4x1[context.Context, string, func(*string) bool, func(string), error](&hatsWriteFn{})
	register.DoFn3x2[context.Context, string, func(*string) bool, string, error](&hatsMetaFn{})
	register.Emitter2[string, []int64]()
	register.Emitter2[string, string]()
	register.Iter1[string]()
	beam.RegisterType(reflect.TypeOf(HATSOptions{}))
}

// WriteHATS builds the HATS catalog of the shards whose sidecars are given,
// in the catalog folder dir, in this process, the steps of HATSOfShards one
// after another: for the follow mode, whose publication runs on one worker
// and, with the partitions of unchanged shards copied, rewrites only what
// changed. It returns the number of partitions.
func WriteHATS(ctx context.Context, opt HATSOptions, dir string, sidecars []release.Sidecar) (int, error) {
	opt = opt.withDefaults()
	shards := make([]string, len(sidecars))
	counts := make([][]int64, len(sidecars))
	var all []int64
	for i, sc := range sidecars {
		shards[i] = store.Join(dir, sc.Input.Parquet)
		c, err := countsOf(ctx, shards[i], sc.HEALPix, opt.CountOrder)
		if err != nil {
			return 0, err
		}
		counts[i] = c
		all = append(all, c...)
	}
	plan, err := planOf(opt, all)
	if err != nil {
		return 0, err
	}
	idx := hats.NewIndex(plan.Parts)
	byPart := map[string][]string{}
	for i, sh := range shards {
		keys, err := partitionsOf(idx, 2*(29-opt.CountOrder), sh, counts[i])
		if err != nil {
			return 0, err
		}
		for _, k := range keys {
			byPart[k] = append(byPart[k], sh)
		}
	}
	prev, err := previousShards(ctx, opt.Previous)
	if err != nil {
		return 0, err
	}
	var recs []string
	for _, p := range plan.Parts {
		rec, err := writeOrReuse(ctx, opt, prev, pixelKey(p), byPart[pixelKey(p)])
		if err != nil {
			return 0, err
		}
		recs = append(recs, rec)
	}
	return writeHATSMeta(ctx, opt, plan, recs)
}

// BuildInfo names the running program's build: its module version and VCS
// revision (with "+dirty" for uncommitted changes), as the Go toolchain
// recorded them; "" if it recorded none.
func BuildInfo() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	out := bi.Main.Path + "@" + bi.Main.Version
	var rev, dirty string
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			if st.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		out += " (" + rev[:min(12, len(rev))] + dirty + ")"
	}
	return out
}
