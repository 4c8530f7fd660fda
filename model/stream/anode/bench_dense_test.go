package anode_test

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/anode/anodetest"
)

// BenchmarkPaperCostDense scores one search region at the paper's settings
// (20 x 64 flows, 150 epochs at lr 7e-5, batch 512) on a patch at the
// density where cost matters: the GD-1 patch of a 40-million-star mock sky
// (anodetest.GD1Patch: about 340,000 stars, 15,000 in the 6 mas/yr search
// region around GD-1's proper motion, 700 of them GD-1's). It runs the
// paper's schedule and the early stop of the CR flow (Options.Patience 5,000
// steps, MinDelta 0.002) side by side and reports, for each, the process's CPU
// time per million patch stars, the CR flow's epochs and the AUC and
// maximum SIC of GD-1's stars among the region's. Each sub-benchmark runs
// the full training (minutes: use -benchtime 1x). The environment variables
// GAIAFLOW_BENCH_SKY_SEED (default 5) and GAIAFLOW_BENCH_SEED (default 1)
// choose another mock sky and another training.
func BenchmarkPaperCostDense(b *testing.B) {
	skySeed, seed := envSeed(b, "GAIAFLOW_BENCH_SKY_SEED", 5), envSeed(b, "GAIAFLOW_BENCH_SEED", 1)
	mp, err := anodetest.GD1Patch(40_000_000, 3000, skySeed)
	if err != nil {
		b.Fatal(err)
	}
	p := mp.Patch
	members := p.Members(nil, mp.Window)
	sig := make([]bool, len(members))
	for k, i := range members {
		sig[k] = mp.Signal[i]
	}
	for _, m := range []anode.Method{anode.ANODE, anode.Cathode} {
		for _, patience := range []int{0, 5000} {
			b.Run(fmt.Sprintf("%v/patience=%d", m, patience), func(b *testing.B) {
				opt := anode.Options{Method: m, Workers: 2, Seed: seed, Patience: patience, MinDelta: 0.002}
				var res *anode.Result
				var cpu time.Duration
				for b.Loop() {
					c0 := cpuTime()
					r, err := anode.Score(p, mp.Window, opt)
					if err != nil {
						b.Fatal(err)
					}
					cpu += cpuTime() - c0
					res = r
				}
				b.ReportMetric(cpu.Hours()/float64(b.N)*1e6/float64(p.Len()), "cpu-h/1M-patch-stars")
				b.ReportMetric(float64(res.CREpochs), "CR-epochs")
				b.ReportMetric(anode.AUC(res.LogR, sig), "AUC")
				b.ReportMetric(anode.MaxSIC(res.LogR, sig, anode.MinBackground).Max, "maxSIC")
				b.Logf("%d patch stars, %d in the search region %v (%d of GD-1); CR window ends at epoch %d of %d",
					p.Len(), len(members), mp.Window, countTrue(sig), res.CREpoch, res.CREpochs)
			})
		}
	}
}

// envSeed returns the seed in the environment variable name, or def.
func envSeed(b *testing.B, name string, def uint64) uint64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	s, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		b.Fatalf("%s=%q: %v", name, v, err)
	}
	return s
}

// cpuTime is the process's user and system CPU time so far: the cost of a
// training spread over goroutines.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func countTrue(x []bool) int {
	n := 0
	for _, v := range x {
		if v {
			n++
		}
	}
	return n
}

// BenchmarkSharedCRDense is BenchmarkPaperCostDense's ANODE at the paper's
// schedule with one CR flow shared by three consecutive search regions
// (ScoreShared): GD-1's region and its neighbours one stride (1 mas/yr)
// below and above (GD-1's region in the middle, 1 mas/yr more left out of
// the CR on each side), or GD-1's region first and the next two after it
// (at the edge: 2 mas/yr more on one side, the worst case of a share of
// three). It reports the CPU time per region per million patch stars and
// the AUC and maximum SIC of GD-1's stars in GD-1's region.
// GAIAFLOW_BENCH_PATIENCE (default 0, the paper's every epoch) stops the
// shared CR flow early as well (Options.Patience).
func BenchmarkSharedCRDense(b *testing.B) {
	skySeed, seed := envSeed(b, "GAIAFLOW_BENCH_SKY_SEED", 5), envSeed(b, "GAIAFLOW_BENCH_SEED", 1)
	patience := int(envSeed(b, "GAIAFLOW_BENCH_PATIENCE", 0))
	mp, err := anodetest.GD1Patch(40_000_000, 3000, skySeed)
	if err != nil {
		b.Fatal(err)
	}
	p, w := mp.Patch, mp.Window
	members := p.Members(nil, w)
	sig := make([]bool, len(members))
	for k, i := range members {
		sig[k] = mp.Signal[i]
	}
	shift := func(d float64) anode.Window { return anode.Window{Lo: w.Lo + d, Hi: w.Hi + d} }
	for _, c := range []struct {
		name string
		srs  []anode.Window
		gd1  int // GD-1's region among srs
	}{
		{"middle", []anode.Window{shift(-1), w, shift(1)}, 1},
		{"edge", []anode.Window{w, shift(1), shift(2)}, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			opt := anode.Options{Workers: 2, Seed: seed, Patience: patience}
			exclude := anode.Window{Lo: c.srs[0].Lo, Hi: c.srs[len(c.srs)-1].Hi}
			var res []*anode.Result
			var cpu time.Duration
			for b.Loop() {
				c0 := cpuTime()
				r, err := anode.ScoreShared(p, exclude, c.srs, opt)
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - c0
				res = r
			}
			g := res[c.gd1]
			b.ReportMetric(cpu.Hours()/float64(b.N)/float64(len(c.srs))*1e6/float64(p.Len()), "cpu-h/1M-patch-stars/region")
			b.ReportMetric(anode.AUC(g.LogR, sig), "AUC")
			b.ReportMetric(anode.MaxSIC(g.LogR, sig, anode.MinBackground).Max, "maxSIC")
			b.Logf("%d patch stars, CR flow on %d; GD-1's region %v: CR window ends at epoch %d of %d", p.Len(), g.CRStars, w, g.CREpoch, g.CREpochs)
		})
	}
}
