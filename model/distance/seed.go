package distance

import "github.com/gaiaflow/gaiaflow/model/keyrand"

// purpose names what a random stream is for. With the run seed and the
// star's source_id it keys the stream, so a star's draws depend on nothing
// else: not on the block it travels in, its place there, or the runner.
// Adding a purpose never changes the numbers of another.
type purpose uint64

const (
	purposeParallax      purpose = iota + 1 // the K parallax samples
	purposeDust                             // which dust-map sample each parallax sample uses
	purposeSelect                           // whether a star is in a training sample
	purposeTrainDraw                        // a training point's draw from the star's posterior
	purposeRefine                           // the samples of a refined estimate
	purposeRefineDust                       // their dust-map draws
	purposeColour                           // the colour-noise draw of each parallax sample
	purposeRefineColour                     // the same for a refined estimate's samples
	purposeSurvey                           // whether a star is in the selection survey
	purposeTrainProposal                    // a training star's samples drawn from its adapted proposal
)

// SelectionKey returns a uniform variate in (0, 1) for the star, from the
// run seed and its source_id alone: keeping the stars whose key is below a
// fraction draws a seeded random sample that does not depend on how the
// stars are split into blocks or workers, and sorting by it shuffles them
// the same way on every runner.
func SelectionKey(seed uint64, sourceID int64) float64 {
	var s stream
	s.reset(seed, sourceID, purposeSelect)
	return s.open()
}

// stream is a reusable per-star random stream (keyrand.Stream keyed by
// (run seed, source_id, purpose)): reset re-keys it without allocating.
type stream struct{ keyrand.Stream }

func (s *stream) reset(seed uint64, sourceID int64, p purpose) {
	s.Reset(keyrand.Star(seed, sourceID, uint64(p)))
}

// open returns a uniform variate in (0, 1) (keyrand.Stream.Open).
func (s *stream) open() float64 { return s.Open() }

// normal returns a standard normal variate (keyrand.Stream.Normal).
func (s *stream) normal() float64 { return s.Normal() }
