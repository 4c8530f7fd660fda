package streams

import (
	"context"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// SRConfirmations counts the search regions trained again to confirm what
// the first training found (Options.Confirm): one per region and
// retraining after the first.
const SRConfirmations = "sr.confirmations"

// Spans are the search regions to retrain (stream.ConfirmSpans), the
// singleton side input of the confirmations.
type Spans struct{ Spans []stream.SRSpan }

// Confirm lays out the retrainings of a confirming search (opt.Confirm):
// from the results of the first training of every region (results,
// PCollection<KV<int, SRResult>> from Score) it finds the regions around
// the proto-clusters that pass the cuts (search.ConfirmSpans), and
// returns, for every Work of work (PCollection<Work>, the first training's)
// with a region among them, the same Work for each retraining after the
// first (PCollection<Work>, reshuffled, for Score), and their tally
// (PCollection<star.Tally>: sr.confirmations). They are laid out only
// once every first training is done: the spans need all of them.
func Confirm(s beam.Scope, opt Options, work, results beam.PCollection) (confirm, tallies beam.PCollection) {
	s = s.Scope("streams.Confirm")
	spans := beam.ParDo(s, &confirmSpansFn{Options: opt.encode()}, beam.Impulse(s), beam.SideInput{Input: beam.DropKey(s, results)})
	confirm, tallies = beam.ParDo2(s, &confirmWorkFn{Options: opt.encode()}, work, beam.SideInput{Input: spans})
	return beam.Reshuffle(s, confirm), tallies
}

type confirmSpansFn struct{ Options string }

func (fn *confirmSpansFn) ProcessElement(_ []byte, iter func(*search.SRResult) bool, emit func(Spans)) error {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return err
	}
	emit(Spans{Spans: search.ConfirmSpans(collect(iter), o.Search.Merge)})
	return nil
}

type confirmWorkFn struct {
	Options string

	opt Options
}

func (fn *confirmWorkFn) Setup() error {
	o, err := decodeOptions(fn.Options)
	fn.opt = o
	return err
}

func (fn *confirmWorkFn) ProcessElement(ctx context.Context, w Work, spans Spans, emit func(Work), tally func(star.Tally)) {
	if w.Retraining != 0 || !stream.Overlaps(spans.Spans, int(w.Pixel), w.Scan, w.SR, w.SR+len(w.More)) {
		return
	}
	regions := int64(1 + len(w.More))
	t := star.Tally{}
	for k := 1; k < fn.opt.Retrainings; k++ {
		c := w
		c.Retraining = k
		stars.ProgressTotal("search regions scored", regions)
		t.Add(SRConfirmations, regions)
		emit(c)
	}
	stars.Monitor(ctx, t)
	tally(t)
}

func init() {
	register.DoFn3x1[[]byte, func(*search.SRResult) bool, func(Spans), error](&confirmSpansFn{})
	register.Emitter1[Spans]()
	register.DoFn5x0[context.Context, Work, Spans, func(Work), func(star.Tally)](&confirmWorkFn{})
	beam.RegisterType(reflect.TypeOf((*Spans)(nil)).Elem())
}
