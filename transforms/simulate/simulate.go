// Package simulate is the Beam transform that writes a mock Gaia sky
// (model/mock) in parallel: one shard of the sky per element, each written by
// the worker that generates it as a gzipped DR2-format partition plus its
// truth table, and a manifest once every shard is written.
package simulate

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/mockio"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
	"github.com/klauspost/compress/gzip"
)

// Tally names of Write: stars generated, rows written to partitions and to
// truth tables (each counted by its writer), and files written. They agree
// on a run that lost nothing.
const (
	Simulated    = "stars_simulated"
	RowsWritten  = "rows_written"
	TruthWritten = "truth_rows_written"
	FilesWritten = "files_written"
)

// Write generates the mock cfg under the folder out (local or gs://):
// GaiaSource_<min>_<max>.csv.gz partitions in the DR2 bulk format, their truth
// tables in out/truth/, the dust map as out/dust.json and, last, the manifest
// out/manifest.json. It returns per shard its tally (PCollection<star.Tally>)
// for stars.Sum. It panics if cfg is invalid, before any data flows.
func Write(s beam.Scope, cfg mock.Config, out string) beam.PCollection {
	shards, err := mock.Shards(cfg)
	if err != nil {
		panic(fmt.Sprintf("simulate: %v", err))
	}
	return WriteShards(s, cfg, shards, out)
}

// WriteShards is Write with the shards of cfg already planned
// (mock.Shards), for a caller that checked the plan before building.
func WriteShards(s beam.Scope, cfg mock.Config, shards []mock.Shard, out string) beam.PCollection {
	s = s.Scope("simulate.Write")
	js, err := json.Marshal(cfg)
	if err != nil {
		panic(fmt.Sprintf("simulate: config: %v", err))
	}
	col := beam.CreateList(s, shards)
	col = beam.Reshuffle(s, col)
	files, tallies := beam.ParDo2(s, &shardFn{Config: string(js), Out: out}, col)
	grouped := beam.GroupByKey(s, beam.AddFixedKey(s, files))
	beam.ParDo0(s, &manifestFn{Config: string(js), Out: out}, grouped)
	return tallies
}

type shardFn struct {
	Config string // mock.Config as JSON
	Out    string

	cfg mock.Config
}

func (fn *shardFn) Setup() error {
	return json.Unmarshal([]byte(fn.Config), &fn.cfg)
}

func (fn *shardFn) ProcessElement(ctx context.Context, sh mock.Shard, emit func(mockio.File), tally func(star.Tally)) error {
	b, truth, err := mock.Generate(fn.cfg, sh)
	if err != nil {
		return fmt.Errorf("simulate shard %d/%d: %w", sh.Level, sh.Pixel, err)
	}
	if b.Len() == 0 {
		return nil
	}
	f := mockio.File{Stars: int64(b.Len()), MinID: b.SourceID[0], MaxID: b.SourceID[b.Len()-1]}
	f.Partition = fmt.Sprintf("GaiaSource_%d_%d.csv.gz", f.MinID, f.MaxID)
	f.Truth = mockio.TruthDir + "/" + fmt.Sprintf("Truth_%d_%d.csv.gz", f.MinID, f.MaxID)

	var rows int64
	err = writeGzip(ctx, store.Join(fn.Out, f.Partition), func(w *gzip.Writer) error {
		dw := partition.NewDR2Writer(w)
		if err := dw.WriteBlock(&b); err != nil {
			return err
		}
		rows = dw.Rows()
		return dw.Flush()
	})
	if err != nil {
		return err
	}
	err = writeGzip(ctx, store.Join(fn.Out, f.Truth), func(w *gzip.Writer) error {
		return mockio.WriteTruth(w, truth, fn.cfg.Streams)
	})
	if err != nil {
		return err
	}
	t := star.Tally{Simulated: f.Stars, RowsWritten: rows, TruthWritten: int64(len(truth)), FilesWritten: 2}
	stars.Monitor(ctx, t)
	stars.Progress("stars simulated", f.Stars)
	emit(f)
	tally(t)
	return nil
}

// writeGzip writes one gzipped file atomically.
func writeGzip(ctx context.Context, path string, fill func(*gzip.Writer) error) error {
	w, err := store.Create(ctx, path)
	if err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	zw := gzip.NewWriter(w)
	if err := fill(zw); err != nil {
		w.Abort()
		return fmt.Errorf("simulate: write %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		w.Abort()
		return fmt.Errorf("simulate: write %s: %w", path, err)
	}
	return w.Close()
}

type manifestFn struct {
	Config string
	Out    string
}

// ProcessElement writes the dust map and then the manifest, which marks the
// mock complete: it runs only after every shard's files are written.
func (fn *manifestFn) ProcessElement(ctx context.Context, _ int, files func(*mockio.File) bool) error {
	m := mockio.Manifest{Format: mockio.ManifestFormat, DustMap: mockio.DustName}
	if err := json.Unmarshal([]byte(fn.Config), &m.Config); err != nil {
		return err
	}
	var f mockio.File
	for files(&f) {
		m.Files = append(m.Files, f)
		m.Stars += f.Stars
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].MinID < m.Files[j].MinID })
	dustJSON, err := json.MarshalIndent(m.Config.Defaults().Dust, "", "  ")
	if err != nil {
		return err
	}
	if err := store.WriteFile(ctx, store.Join(fn.Out, mockio.DustName), dustJSON); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := store.WriteFile(ctx, store.Join(fn.Out, mockio.ManifestName), data); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return nil
}

func init() {
	beam.RegisterType(reflect.TypeOf(mock.Shard{}))
	beam.RegisterType(reflect.TypeOf(mockio.File{}))
	register.DoFn4x1[context.Context, mock.Shard, func(mockio.File), func(star.Tally), error](&shardFn{})
	register.DoFn3x1[context.Context, int, func(*mockio.File) bool, error](&manifestFn{})
	register.Emitter1[mockio.File]()
	register.Iter1[mockio.File]()
}
