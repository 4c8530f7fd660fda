package mock

import (
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/sky"
)

// TestPatchesKeepTheirStars: a sky restricted to two patches has, in every
// shard it keeps, exactly the full sky's stars, and no star of the shards it
// drops lies within a patch.
func TestPatchesKeepTheirStars(t *testing.T) {
	full := Config{Seed: 4, Stars: 300_000, Background: true, Streams: []Stream{GD1Stream(2000)}, ShardLevel: 4}
	part := full
	part.Patches = []int64{50, 60}
	all, err := Shards(full)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := Shards(part)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) == 0 || len(kept) >= len(all)/4 {
		t.Fatalf("%d of %d shards kept for two patches", len(kept), len(all))
	}
	grid := sky.NewGrid(sky.GridConfig{MinAbsB: -1, Avoid: []sky.Cloud{}})
	var inside, keptStars, stream int
	for _, sh := range all {
		k, isKept := slices.BinarySearchFunc(kept, sh.Pixel, func(a Shard, p int64) int { return int(a.Pixel - p) })
		if isKept {
			if kept[k] != sh {
				t.Fatalf("shard %d: %+v, full sky %+v", sh.Pixel, kept[k], sh)
			}
		}
		b, truth, err := Generate(full, sh)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Len() {
			for _, p := range part.Patches {
				c := grid.Patches[p]
				if sky.Separation(b.RA[i], b.Dec[i], c.RA, c.Dec) > sky.PatchRadius {
					continue
				}
				inside++
				if !isKept {
					t.Fatalf("star %d of dropped shard %d lies in patch %d", b.SourceID[i], sh.Pixel, p)
				}
			}
		}
		if isKept {
			keptStars += b.Len()
			for _, tr := range truth {
				if tr.Component == StreamStar {
					stream++
				}
			}
			// The kept shard generates the same stars in the restricted sky.
			b2, _, err := Generate(part, kept[k])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(b.SourceID, b2.SourceID) || !slices.Equal(b.G, b2.G) {
				t.Fatalf("shard %d: other stars in the restricted sky", sh.Pixel)
			}
		}
	}
	t.Logf("%d of %d shards kept, %d stars (%d of GD-1), %d in the patches", len(kept), len(all), keptStars, stream, inside)
	if inside == 0 || stream == 0 {
		t.Errorf("%d stars in the patches, %d of GD-1 kept", inside, stream)
	}
}
