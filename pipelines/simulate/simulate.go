// Package simulate is the pipeline behind `gaiaflow simulate`: a mock Gaia
// sky (model/mock) written in parallel as DR2-format partitions, truth tables,
// its dust map and a manifest.
package simulate

import (
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/star"
	tsim "github.com/gaiaflow/gaiaflow/transforms/simulate"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// CountsName is the file of the run's tally in the mock's folder.
const CountsName = "counts.json"

// Build returns the pipeline that writes the mock cfg under out (local or
// gs://), and its tally to out/counts.json (see Reconcile). A zero
// cfg.ShardLevel is replaced by mock.SuggestShardLevel.
func Build(cfg mock.Config, out string) (*beam.Pipeline, error) {
	if out == "" {
		return nil, fmt.Errorf("simulate: no output folder")
	}
	if cfg.ShardLevel == 0 {
		cfg.ShardLevel = mock.SuggestShardLevel(cfg.Stars)
	}
	// The shards' plan checks what Validate cannot (every stream can be
	// seen), so a bad configuration is an error here, not a panic in Write.
	shards, err := mock.Shards(cfg)
	if err != nil {
		return nil, err
	}
	p, s := beam.NewPipelineWithRoot()
	tallies := tsim.WriteShards(s, cfg, shards, out)
	stars.WriteTally(s, store.Join(out, CountsName), stars.Sum(s, tallies))
	return p, nil
}

// Reconcile checks a simulate run's tally: every star generated was written
// once to a partition and once to a truth table.
func Reconcile(t star.Tally) error {
	if n := t[tsim.Simulated]; t[tsim.RowsWritten] != n || t[tsim.TruthWritten] != n {
		return fmt.Errorf("counts do not reconcile: %s %d, %s %d, %s %d", tsim.Simulated, n, tsim.RowsWritten, t[tsim.RowsWritten], tsim.TruthWritten, t[tsim.TruthWritten])
	}
	return nil
}

// Simulated returns the number of stars a run simulated, from its tally.
func Simulated(t star.Tally) int64 { return t[tsim.Simulated] }
