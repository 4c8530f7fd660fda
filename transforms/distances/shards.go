package distances

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"reflect"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Options are what every worker needs to estimate distances.
type Options struct {
	Grid      string          // distilled CMD density (WriteGrid); empty: the exact flow at Model
	Model     string          // the flow model file
	Dust      string          // dust map spec, see OpenDust
	Cfg       distance.Config // the estimator's configuration (Mode Catalog)
	BlockSize int             // stars per block as a partition is read; 0 means 4096
}

// Shards makes every input partition of todo into its shard in the catalog
// folder dir (ComputeShard): the partitions are spread over the workers and
// each is read, estimated and written by one DoFn call, so neither its stars
// nor its rows cross a shuffle. It returns the shards' sidecars
// (PCollection<release.Sidecar>, with each partition's counts) and each
// shard's colour-magnitude histograms (PCollection<distance.CMDHists>, for
// Fig4). A partition that cannot be read fails the job, naming it.
func Shards(s beam.Scope, opt Options, dir string, todo []release.Input) (sidecars, hists beam.PCollection) {
	s = s.Scope("distances.Shards")
	opt.Cfg.Mode = distance.Catalog
	if err := opt.Cfg.Validate(); err != nil {
		panic(fmt.Sprintf("distances: %v", err))
	}
	js, err := json.Marshal(opt)
	if err != nil {
		panic(fmt.Sprintf("distances: options: %v", err))
	}
	ins := beam.Reshuffle(s, beam.CreateList(s, todo))
	return beam.ParDo2(s, &shardFn{Options: string(js), Dir: dir}, ins)
}

type shardFn struct {
	Options string // Options as JSON
	Dir     string

	opt Options
}

func (fn *shardFn) Setup(ctx context.Context) error {
	if err := json.Unmarshal([]byte(fn.Options), &fn.opt); err != nil {
		return err
	}
	// Load the density and the map now, so a bad model or map fails the
	// job before any partition is read.
	est, err := fn.estimator(ctx)
	if err == nil {
		estimators.put(fn.Options, est)
	}
	return err
}

// estimator returns an estimator of fn's options: one that another
// instance of fn in this process has finished with, or a new one.
func (fn *shardFn) estimator(ctx context.Context) (*distance.Estimator, error) {
	if est, ok := estimators.get(fn.Options); ok {
		return est, nil
	}
	return newEstimator(ctx, fn.opt)
}

func (fn *shardFn) ProcessElement(ctx context.Context, in release.Input, emit func(release.Sidecar), hists func(distance.CMDHists)) error {
	est, err := fn.estimator(ctx)
	if err != nil {
		return err
	}
	defer estimators.put(fn.Options, est)
	h := distance.NewCMDHists()
	sc, err := ComputeShard(ctx, fn.Dir, in, est, fn.opt.BlockSize, &h)
	if err != nil {
		return err // names the file
	}
	stars.Monitor(ctx, sc.Input.Counts)
	stars.Progress("stars estimated", sc.Input.Counts[star.StarsIn])
	emit(sc)
	hists(h)
	return nil
}

// newEstimator loads what the per-star estimate needs: the CMD density
// (the grid or the exact flow) and the dust map, shared by the process's
// DoFns.
func newEstimator(ctx context.Context, opt Options) (*distance.Estimator, error) {
	dens, err := loadDensity(ctx, opt.Grid, opt.Model)
	if err != nil {
		return nil, err
	}
	m, err := dustfile.SharedSpec(ctx, opt.Dust, dustfile.Options{})
	if err != nil {
		return nil, fmt.Errorf("dust map %s: %w", opt.Dust, err)
	}
	return distance.New(opt.Cfg, dens, distance.MapDust{Map: m})
}

// ComputeShard reads the partition in, estimates every star with est and
// writes the partition's shard, rejects and sidecar in the catalog folder
// dir (release.WriteShard). Its counts are those of the reader (rows_in, and
// apart from them the stars and rejects it gave) and of the estimator's
// cuts, and WriteShard checks that they reconcile with the rows written. If
// h is not nil the rows are added to it.
func ComputeShard(ctx context.Context, dir string, in release.Input, est *distance.Estimator, blockSize int, h *distance.CMDHists) (release.Sidecar, error) {
	rows, ok := shardRows.get("")
	if !ok {
		rows = &distance.Rows{}
	}
	defer shardRows.put("", rows)
	rows.Reset()
	var t1 distance.Table1
	var cuts distance.Counts
	var rejects []partition.Reject
	var nStars int64
	var model time.Duration
	start := time.Now()
	// The estimator copies what it needs of a block: one block's memory
	// serves the whole partition.
	c, err := partition.ReadPath(ctx, in.Path, partition.Options{BlockSize: blockSize, Reuse: true}, func(b *star.Block) error {
		t0 := time.Now()
		nStars += int64(b.Len())
		n := rows.Len()
		est.AppendCatalog(rows, b, &cuts)
		r := rows.Slice(n, rows.Len())
		t1.AddRows(r)
		if h != nil {
			h.AddRows(r)
		}
		model += time.Since(t0)
		return nil
	}, func(r partition.Reject) { rejects = append(rejects, r) })
	if err != nil {
		return release.Sidecar{}, err
	}
	read := time.Since(start) - model
	counts := cuts.Tally()
	counts.Merge(star.Tally{star.Files: 1, star.RowsIn: c.Rows, star.StarsIn: nStars, star.Rejected: int64(len(rejects))})
	start = time.Now()
	sc, err := release.WriteShard(ctx, dir, in, rows, t1, counts, rejects)
	stars.Timing(ctx, "read", read)
	stars.Timing(ctx, "model", model)
	stars.Timing(ctx, "write", time.Since(start))
	return sc, err
}

func init() {
	// JSON, because the Table 1 accumulator holds fixed arrays.
	beam.RegisterCoder(reflect.TypeOf(release.Sidecar{}),
		func(sc release.Sidecar) ([]byte, error) { return json.Marshal(sc) },
		func(b []byte) (release.Sidecar, error) {
			var sc release.Sidecar
			return sc, json.Unmarshal(b, &sc)
		})
	beam.RegisterType(reflect.TypeOf(release.Input{}))
	register.DoFn4x1[context.Context, release.Input, func(release.Sidecar), func(distance.CMDHists), error](&shardFn{})
	register.Emitter1[release.Sidecar]()
	register.Emitter1[distance.CMDHists]()
}
