package anode

import (
	"errors"
	"slices"
	"testing"
)

// TestScoreSharedRegions: three neighbouring SRs of the clump patch share
// one CR flow trained outside [-3, 3]. Each SR's own flow is Score's (same
// seed, same stars: LogPSR equal to the bit), the CR flow is trained on the
// stars outside the excluded window only (CRStars), each SR finds the clump,
// and ScoreShared with one SR and exclude equal to it is Score.
func TestScoreSharedRegions(t *testing.T) {
	p, sig := clumpPatch(8000, 100, 3)
	opt := smallOptions()
	srs := []Window{{Lo: -3, Hi: 1}, {Lo: -2, Hi: 2}, {Lo: -1, Hi: 3}}
	ex := Window{Lo: -3, Hi: 3}
	shared, err := ScoreShared(p, ex, srs, opt)
	if err != nil {
		t.Fatal(err)
	}
	outside := p.Len() - len(p.Members(nil, ex))
	for k, sr := range srs {
		res := shared[k]
		alone, err := Score(p, sr, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Members, alone.Members) || !slices.Equal(res.LogPSR, alone.LogPSR) {
			t.Errorf("SR %v: members or SR densities differ from Score's", sr)
		}
		if res.CRStars != outside || alone.CRStars != p.Len()-len(alone.Members) {
			t.Errorf("SR %v: CR of %d stars shared, %d alone; want %d and %d", sr, res.CRStars, alone.CRStars, outside, p.Len()-len(alone.Members))
		}
		s := make([]bool, len(res.Members))
		for j, i := range res.Members {
			s[j] = sig[i]
		}
		a, b := AUC(res.LogR, s), AUC(alone.LogR, s)
		t.Logf("SR %v: clump AUC %.4f shared, %.4f alone; CR windows end at %d and %d", sr, a, b, res.CREpoch, alone.CREpoch)
		if a < 0.95 {
			t.Errorf("SR %v: AUC %.4f with the shared CR flow, want > 0.95", sr, a)
		}
	}

	one, err := ScoreShared(p, srs[1], srs[1:2], opt)
	if err != nil {
		t.Fatal(err)
	}
	alone, err := Score(p, srs[1], opt)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(one[0].LogR, alone.LogR) || one[0].CREpoch != alone.CREpoch {
		t.Error("ScoreShared of one SR with exclude equal to it differs from Score")
	}
}

func TestScoreSharedErrors(t *testing.T) {
	p, _ := clumpPatch(2000, 0, 4)
	opt := smallOptions()
	srs := []Window{{Lo: -3, Hi: 1}, {Lo: -2, Hi: 2}}
	if _, err := ScoreShared(p, Window{Lo: -3, Hi: 3}, nil, opt); err == nil {
		t.Error("no search regions: no error")
	}
	if _, err := ScoreShared(p, Window{Lo: -2, Hi: 3}, srs, opt); err == nil {
		t.Error("an SR outside the excluded window: no error")
	}
	c := opt
	c.Method = Cathode
	if _, err := ScoreShared(p, Window{Lo: -3, Hi: 3}, srs, c); err == nil {
		t.Error("CATHODE with a shared CR flow: no error")
	}
	// Nothing left outside the excluded window to train the CR flow on.
	if _, err := ScoreShared(p, Window{Lo: -20, Hi: 20}, srs, opt); !errors.Is(err, ErrTooFew) {
		t.Errorf("empty control region: %v, want ErrTooFew", err)
	}
}
