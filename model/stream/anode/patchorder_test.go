package anode

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// shuffled returns a copy of p with its stars in a random order.
func shuffled(p *Patch, seed uint64) *Patch {
	idx := rand.New(rand.NewPCG(seed, 1)).Perm(p.Len())
	return &Patch{ID: p.ID, SourceID: permute(p.SourceID, idx), Phi: permute(p.Phi, idx), Lambda: permute(p.Lambda, idx),
		PMPhi: permute(p.PMPhi, idx), PMLambda: permute(p.PMLambda, idx), BPRP: permute(p.BPRP, idx), G: permute(p.G, idx)}
}

// TestSortedPatchScoresTheSameInAnyOrder: the same stars in another order
// (as a runner delivers a patch's blocks) train other flows, so ANODE's
// scores differ; sorted, both orders are the same patch, star for star,
// and score the same bits.
func TestSortedPatchScoresTheSameInAnyOrder(t *testing.T) {
	p, _ := clumpPatch(3000, 30, 6)
	q := shuffled(p, 2)
	w := Window{Lo: -2, Hi: 2}
	opt := smallOptions()
	opt.Epochs, opt.Average = 3, 2
	score := func(p *Patch) map[int64]float64 {
		res, err := Score(p, w, opt)
		if err != nil {
			t.Fatal(err)
		}
		r := map[int64]float64{}
		for i, j := range res.Members {
			r[p.SourceID[j]] = res.LogR[i]
		}
		return r
	}
	a, b := score(p), score(q)
	same := 0
	for id, r := range a {
		if b[id] == r {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("the shuffled patch scored the same unsorted: the test shows nothing")
	}

	p.Sort()
	q.Sort()
	for _, c := range []struct {
		name string
		x, y []float64
	}{{"phi", p.Phi, q.Phi}, {"lambda", p.Lambda, q.Lambda}, {"mu_phi", p.PMPhi, q.PMPhi}, {"mu_lambda", p.PMLambda, q.PMLambda}, {"b-r", p.BPRP, q.BPRP}, {"g", p.G, q.G}} {
		if !slices.Equal(c.x, c.y) {
			t.Errorf("sorted patches differ in %s", c.name)
		}
	}
	if !slices.IsSorted(p.SourceID) || !slices.Equal(p.SourceID, q.SourceID) {
		t.Errorf("sorted patches are not in source_id order")
	}
	a, b = score(p), score(q)
	for id, r := range a {
		if b[id] != r {
			t.Fatalf("source %d: log R %v and %v after sorting", id, r, b[id])
		}
	}
}

// TestSortWithoutSourceIDs: a patch without source_ids (a test patch, a
// strip) is sorted by its values, its columns permuted together.
func TestSortWithoutSourceIDs(t *testing.T) {
	p := &Patch{Phi: []float64{3, 1, 2, 1}, Lambda: []float64{30, 11, 20, 10}, PMPhi: []float64{300, 110, 200, 100}, PMLambda: []float64{3, 1.1, 2, 1}}
	p.Sort()
	if !slices.Equal(p.Phi, []float64{1, 1, 2, 3}) || !slices.Equal(p.Lambda, []float64{10, 11, 20, 30}) ||
		!slices.Equal(p.PMPhi, []float64{100, 110, 200, 300}) || !slices.Equal(p.PMLambda, []float64{1, 1.1, 2, 3}) || p.BPRP != nil {
		t.Errorf("sorted: %+v", p)
	}
}
