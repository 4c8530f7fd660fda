package streams

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// TestAssignCutsTheForegroundByModelDistance: with a distance catalog a
// star it holds is foreground by its model distance, whatever its parallax
// (a noisy parallax of 1.5 mas at 5 kpc is kept, 0.2 mas at 500 pc is cut);
// a star it lacks, or holds without a distance, keeps the parallax cut.
// The catalog's shard is found by the partition's file name, wherever the
// partition is read from, and every star is out or under one cut.
func TestAssignCutsTheForegroundByModelDistance(t *testing.T) {
	ctx := context.Background()
	fn := &assignFn{Options: Options{Distances: "cat"}.encode()}
	if err := fn.Setup(); err != nil {
		t.Fatal(err)
	}
	fn.shards = map[string]release.Input{"GaiaSource_1_2.csv.gz": {Path: "then/GaiaSource_1_2.csv.gz", Shard: "shards/s.csv.gz"}}
	catalogDistances.Get(ctx, store.Join("cat", "shards/s.csv.gz"), func(context.Context) (map[int64]float64, error) {
		return map[int64]float64{1: 5000, 2: 500, 3: math.NaN()}, nil
	})
	ra, dec := fn.grid.Patches[0].Frame().ToICRS(0, 0)
	b := star.Block{File: "now/elsewhere/GaiaSource_1_2.csv.gz"}
	for id, plx := range map[int64]float64{1: 1.5, 2: 0.2, 3: 0.5, 4: 2, 5: 0.3} {
		r := star.NewRow()
		r.SourceID, r.RA, r.Dec, r.PMRA, r.PMDec, r.Parallax, r.G, r.BPRP = id, ra, dec, -5, -10, plx, 18, 0.7
		b.Append(r)
	}
	var kept []int64
	total := star.Tally{}
	err := fn.ProcessElement(ctx, b, func(_ int64, blk star.Block) {
		for _, id := range blk.SourceID {
			if !slices.Contains(kept, id) {
				kept = append(kept, id)
			}
		}
	}, func(t star.Tally) { total.Merge(t) }, func(Touch) {})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(kept)
	if !slices.Equal(kept, []int64{1, 3, 5}) {
		t.Errorf("kept %v, want 1, 3 and 5", kept)
	}
	if total[star.StarsOut] != 3 || total[star.CutPrefix+CutDistance] != 1 || total[star.CutPrefix+CutParallax] != 1 || total.Cuts()+total[star.StarsOut] != 5 {
		t.Errorf("tally %v", total)
	}
}
