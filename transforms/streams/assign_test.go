package streams

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/passert"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/gaiaflow/gaiaflow/model/mock"
	"github.com/gaiaflow/gaiaflow/model/sky"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// TestAssignAccountsForEveryStar runs Assign on a mock sky in several
// blocks, some stars without proper motions, restricted to two patches:
// every star is out or under exactly one cut (in = out + cuts, from the
// tallies), the stars sent to a patch are those the grid puts there
// (counted independently here), and patch.members counts them.
func TestAssignAccountsForEveryStar(t *testing.T) {
	cfg := mock.Config{Seed: 5, Stars: 8000, ShardLevel: 1}
	shards, err := mock.Shards(cfg)
	if err != nil {
		t.Fatal(err)
	}
	grid := sky.NewGrid(sky.GridConfig{})
	pixels := []int64{grid.Patches[3].Pixel, grid.Patches[40].Pixel}
	var blocks []star.Block
	var in int64
	wantMembers := map[int64]int64{}
	for k, sh := range shards {
		b, _, err := mock.Generate(cfg, sh)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Len() {
			if (i+k)%17 == 0 {
				b.PMRA[i] = math.NaN() // a star the search cannot use
			}
		}
		blocks = append(blocks, b)
		in += int64(b.Len())
		var idx []int
		for i := range b.Len() {
			if !(b.Parallax[i] < 1) || math.IsNaN(b.PMRA[i]+b.PMDec[i]+b.RA[i]+b.Dec[i]+b.G[i]) || math.IsNaN(b.BPRP[i]) && math.IsNaN(b.BP[i]-b.RP[i]) {
				continue
			}
			idx = grid.Containing(idx, b.RA[i], b.Dec[i])
			for _, p := range idx {
				for _, px := range pixels {
					if grid.Patches[p].Pixel == px {
						wantMembers[px]++
					}
				}
			}
		}
	}
	out := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	assigned, tallies, _ := Assign(s, Options{Pixels: pixels}, beam.CreateList(s, blocks))
	counts := filepath.Join(out, "counts.json")
	stars.WriteTally(s, counts, stars.Sum(s, tallies))
	for _, px := range pixels {
		if wantMembers[px] == 0 {
			t.Fatalf("patch %d holds no star of the mock sky", px)
		}
		n := stats.Sum(s, beam.ParDo(s, &patchStarsFn{Pixel: px}, assigned))
		passert.Equals(s, n, wantMembers[px])
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	tally, err := stars.ReadTally(context.Background(), counts)
	if err != nil {
		t.Fatal(err)
	}
	if o, c := tally[star.StarsOut], tally.Cuts(); o+c != in || tally[star.CutPrefix+CutMissing] == 0 || tally[star.CutPrefix+CutNoPatch] == 0 {
		t.Errorf("stars out %d + cuts %d != %d in (tally %v)", o, c, in, tally)
	}
	var sum int64
	for _, px := range pixels {
		sum += wantMembers[px]
	}
	if tally[PatchMembers] != sum {
		t.Errorf("patch.members %d, want %d", tally[PatchMembers], sum)
	}
}

// patchStarsFn emits the number of stars of each block assigned to Pixel.
type patchStarsFn struct{ Pixel int64 }

func (fn *patchStarsFn) ProcessElement(px int64, b star.Block, emit func(int64)) {
	if px == fn.Pixel {
		emit(int64(b.Len()))
	}
}

func init() {
	register.DoFn3x0[int64, star.Block, func(int64)](&patchStarsFn{})
	register.Emitter1[int64]()
}
