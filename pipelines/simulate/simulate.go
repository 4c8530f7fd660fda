// Package simulate is the pipeline behind `gaiaflow simulate`: a mock Gaia
// sky (model/mock) written in parallel as DR2-format partitions, truth tables,
// its dust map and a manifest.
package simulate

import (
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/model/mock"
	tsim "github.com/gaiaflow/gaiaflow/transforms/simulate"
)

// Build returns the pipeline that writes the mock cfg under out (local or
// gs://). A zero cfg.ShardLevel is replaced by mock.SuggestShardLevel.
func Build(cfg mock.Config, out string) (*beam.Pipeline, error) {
	if out == "" {
		return nil, fmt.Errorf("simulate: no output folder")
	}
	if cfg.ShardLevel == 0 {
		cfg.ShardLevel = mock.SuggestShardLevel(cfg.Stars)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, s := beam.NewPipelineWithRoot()
	tsim.Write(s, cfg, out)
	return p, nil
}
