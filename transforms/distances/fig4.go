package distances

import (
	"context"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Fig4 draws paper 000's fig. 4 from the shards' histograms hists
// (PCollection<distance.CMDHists>): the CMD with inverse-parallax distances
// beside the CMD with model distances, written as a PNG to path.
func Fig4(s beam.Scope, path string, hists beam.PCollection) {
	s = s.Scope("distances.Fig4")
	h := beam.Combine(s, &cmdHistFn{}, hists)
	stars.Sink(s, beam.ParDo(s, &fig4Fn{Path: path}, h))
}

type cmdHistFn struct{}

func (*cmdHistFn) CreateAccumulator() distance.CMDHists { return distance.NewCMDHists() }

func (*cmdHistFn) AddInput(a, h distance.CMDHists) distance.CMDHists {
	a.Merge(&h)
	return a
}

func (*cmdHistFn) MergeAccumulators(a, b distance.CMDHists) distance.CMDHists {
	a.Merge(&b)
	return a
}

func (*cmdHistFn) ExtractOutput(a distance.CMDHists) distance.CMDHists { return a }

type fig4Fn struct{ Path string }

// ProcessElement writes the figure and emits its path (for stars.Sink).
func (fn *fig4Fn) ProcessElement(ctx context.Context, h distance.CMDHists) (string, error) {
	return fn.Path, plot.Fig4(&h.InverseParallax, &h.Model).Save(ctx, fn.Path)
}

func init() {
	register.Combiner3[distance.CMDHists, distance.CMDHists, distance.CMDHists](&cmdHistFn{})
	register.DoFn2x2[context.Context, distance.CMDHists, string, error](&fig4Fn{})
}
