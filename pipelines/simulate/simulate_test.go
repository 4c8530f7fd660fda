package simulate

import (
	"errors"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

// TestBuildRefusesAnInvisibleStream: a stream no star of which can be seen
// is an error from Build, before any pipeline exists (it was a panic in
// the transform, after an endless search for a visible place).
func TestBuildRefusesAnInvisibleStream(t *testing.T) {
	s := mock.GD1Stream(10)
	s.Track.Dist = append([]float64(nil), s.Track.Dist...)
	for i := range s.Track.Dist {
		s.Track.Dist[i] *= 100
	}
	p, err := Build(mock.Config{Seed: 1, Stars: 100, Streams: []mock.Stream{s}}, t.TempDir())
	if p != nil || !errors.Is(err, mock.ErrConfig) {
		t.Fatalf("pipeline %v, error %v: want no pipeline and a configuration error", p, err)
	}
}
