package mock

import (
	"cmp"
	"slices"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

var benchSink star.Block

// BenchmarkGenerate generates one shard of each kind of star, the median
// shard of a 3.84 M star sky at level 2 (20,000 stars on average; the
// background is concentrated towards the Galactic centre and plane, so its
// median shard is smaller), and for a stream the level-0 shard holding most
// of a 20,000-star GD-1. It reports stars per second on one core.
func BenchmarkGenerate(b *testing.B) {
	const perShard = 20000
	cases := []struct {
		name string
		cfg  Config
	}{
		{"cmd", Config{Seed: 1, Stars: 192 * perShard, ShardLevel: 2}},
		{"background", Config{Seed: 1, Stars: 192 * perShard, NoCMD: true, Background: true, ShardLevel: 2}},
		{"stream", Config{Seed: 1, ShardLevel: 0, Streams: []Stream{GD1Stream(perShard)}}},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			shards, err := Shards(bc.cfg)
			if err != nil {
				b.Fatal(err)
			}
			slices.SortFunc(shards, func(a, b Shard) int { return cmp.Compare(a.Len(), b.Len()) })
			sh := shards[len(shards)/2]
			if bc.name == "stream" {
				sh = shards[len(shards)-1]
			}
			b.ReportAllocs()
			for b.Loop() {
				blk, _, err := Generate(bc.cfg, sh)
				if err != nil {
					b.Fatal(err)
				}
				benchSink = blk
			}
			b.ReportMetric(float64(sh.Len())*float64(b.N)/b.Elapsed().Seconds(), "stars/s")
		})
	}
}

// BenchmarkShards measures the allocation of a background sky to shards.
func BenchmarkShards(b *testing.B) {
	for _, level := range []int{3, 5} {
		cfg := Config{Seed: 1, Stars: 10_000_000, Background: true, ShardLevel: level}
		b.Run("level"+string(rune('0'+level)), func(b *testing.B) {
			for b.Loop() {
				if _, err := Shards(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
