package anodetest

import (
	"fmt"
	"math"
	"slices"

	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// MockPatch is one patch of a mock sky with its truth.
type MockPatch struct {
	Patch  *anode.Patch
	Signal []bool       // the star is one of the stream's
	Window anode.Window // 6 mas/yr of mu_lambda centred on the stream's median
	In     int          // stars of the sky's shards offered to the patch's cuts
}

// GD1Patch returns the Via Machinae patch (the default grid) whose centre is
// nearest the middle of the embedded GD-1 track, cut as the paper cuts
// (parallax < 1 mas, within 15 deg), from a mock sky of skyStars smooth
// stars (half the paper-000 population, half the halo and thick-disk
// background) with gd1 stars of GD-1 injected along the whole track. Only
// the sky's shards (HEALPix level 5) near the patch are generated, so a sky
// of tens of millions of stars costs seconds: 40 million give a patch of
// about 340,000 stars (about 750 of GD-1), the density at which a search's
// cost is measured.
func GD1Patch(skyStars int64, gd1 int, seed uint64) (*MockPatch, error) {
	tr := mock.GD1Track()
	ra, dec := tr.RA[len(tr.RA)/2], tr.Dec[len(tr.Dec)/2]
	grid := sky.NewGrid(sky.GridConfig{})
	var best sky.Patch
	bd := math.Inf(1)
	for _, i := range grid.Containing(nil, ra, dec) {
		phi, lambda := grid.Patches[i].Frame().Position(ra, dec)
		if d := math.Hypot(phi, lambda); d < bd {
			best, bd = grid.Patches[i], d
		}
	}
	const level = 5
	cfg := mock.Config{Seed: seed, Stars: skyStars, Background: true, Streams: []mock.Stream{mock.GD1Stream(gd1)}, ShardLevel: level}
	shards, err := mock.Shards(cfg)
	if err != nil {
		return nil, err
	}
	// Shards whose centres lie within the patch radius plus a level-5
	// pixel's size (about 1.8 deg) hold every star of the patch.
	near := sky.NestedDisc(nil, 1<<level, best.RA, best.Dec, sky.PatchRadius+2.5)
	frame := best.Frame()
	mp := &MockPatch{Patch: &anode.Patch{ID: best.Pixel}}
	stream := map[int64]bool{}
	for _, sh := range shards {
		if _, ok := slices.BinarySearch(near, sh.Pixel); !ok {
			continue
		}
		b, truth, err := mock.Generate(cfg, sh)
		if err != nil {
			return nil, err
		}
		for _, t := range truth {
			if t.Component == mock.StreamStar {
				stream[t.SourceID] = true
			}
		}
		mp.In += mp.Patch.Add(frame, &b, anode.Cuts{}).In
	}
	var mu []float64
	for i, id := range mp.Patch.SourceID {
		mp.Signal = append(mp.Signal, stream[id])
		if stream[id] {
			mu = append(mu, mp.Patch.PMLambda[i])
		}
	}
	if len(mu) == 0 {
		return nil, fmt.Errorf("anodetest: patch %d of the mock holds no GD-1 star", best.Pixel)
	}
	slices.Sort(mu)
	mp.Window = anode.Window{Lo: mu[len(mu)/2] - 3, Hi: mu[len(mu)/2] + 3}
	return mp, nil
}
