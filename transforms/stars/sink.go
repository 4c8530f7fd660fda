package stars

import (
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// Sink ends a branch of a pipeline at done, the PCollection<string> of what
// its last step did (a file written, a version published), in a step of
// its own.
//
// Why: prism (Beam 2.77 and 2.78) waits for each bundle of a stage by
// spinning on a closed channel from the moment the stage's outputs are
// done until the bundle's response, and a stage without outputs is done
// before it starts. A DoFn that writes and emits nothing, fused into such a
// stage, so costs a second core for as long as it runs: the follow mode's
// shard computations took 33.8 CPU-s for the demo sky's 12 partitions, twice
// a batch run's. A step that emits what it did, read across a Reshuffle
// (which prism does not fuse) by a DoFn that does nothing, leaves prism
// only that DoFn's bundles to spin through.
func Sink(s beam.Scope, done beam.PCollection) {
	s = s.Scope("stars.Sink")
	beam.ParDo0(s, &sinkFn{}, beam.Reshuffle(s, done))
}

type sinkFn struct{}

func (*sinkFn) ProcessElement(string) {}

func init() {
	register.DoFn1x0[string](&sinkFn{})
}
