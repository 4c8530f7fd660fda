package anode

import (
	"slices"
	"sync"
	"testing"
)

// countRows returns an Options.Progress that sums what it is told (from
// any goroutine) and a function that reads the sum.
func countRows() (func(int), func() int) {
	var mu sync.Mutex
	n := 0
	return func(rows int) {
			mu.Lock()
			n += rows
			mu.Unlock()
		}, func() int {
			mu.Lock()
			defer mu.Unlock()
			return n
		}
}

// Options.Progress hears of every epoch of every flow and classifier, with
// the rows each trained on, and changes nothing of the result.
func TestProgressCountsEveryEpoch(t *testing.T) {
	p, _ := clumpPatch(4000, 100, 3)
	srs := []Window{{Lo: -3, Hi: 1}, {Lo: -2, Hi: 2}}
	ex := Window{Lo: -3, Hi: 2}

	t.Run("ANODE, a shared CR flow that stops early", func(t *testing.T) {
		opt := smallOptions()
		opt.Epochs, opt.Patience = 30, 20 // 20 steps of 256: the CR flow stops before epoch 30
		plain, err := ScoreShared(p, ex, srs, opt)
		if err != nil {
			t.Fatal(err)
		}
		var read func() int
		opt.Progress, read = countRows()
		res, err := ScoreShared(p, ex, srs, opt)
		if err != nil {
			t.Fatal(err)
		}
		// Every SR flow trains on its stars for every epoch, the CR flow
		// on the CR stars not held out until it stops.
		want := (res[0].CRStars - res[0].CRHeldOut) * res[0].CREpochs
		for k, r := range res {
			want += len(r.Members) * opt.Epochs
			if !slices.Equal(r.LogR, plain[k].LogR) || r.CREpochs != plain[k].CREpochs {
				t.Errorf("SR %v: log R or CR epochs differ with Options.Progress set", srs[k])
			}
		}
		if res[0].CREpochs >= opt.Epochs {
			t.Errorf("the CR flow trained all %d epochs: the early stop this test needs did not happen", opt.Epochs)
		}
		if got := read(); got != want {
			t.Errorf("Progress heard of %d rows, want %d", got, want)
		}
	})

	t.Run("CATHODE, folds side by side", func(t *testing.T) {
		opt := cathodeOptions()
		opt.Workers = 2
		plain, err := Score(p, srs[1], opt)
		if err != nil {
			t.Fatal(err)
		}
		var read func() int
		opt.Progress, read = countRows()
		res, err := Score(p, srs[1], opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.LogR, plain.LogR) {
			t.Error("log R differs with Options.Progress set")
		}
		// The CR flow's epochs, then each fold's classifier: it trains on
		// the SR stars and usable samples of all folds but two.
		co := opt.Cathode.withDefaults()
		n := len(res.Members)
		want := (res.CRStars-res.CRHeldOut)*res.CREpochs + co.Epochs*(co.Folds-2)*(n+co.Oversample*n-res.SamplesDropped)
		if got := read(); got != want {
			t.Errorf("Progress heard of %d rows, want %d", got, want)
		}
	})
}
