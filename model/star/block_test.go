package star

import (
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b Block
	b.File = "gs://bucket/GaiaSource_1_2.csv.gz"
	for i := 0; i < 5; i++ {
		r := NewRow()
		r.SourceID = int64(i) << 35
		r.RA, r.Dec, r.G = float64(i), -float64(i), 15+float64(i)/10
		b.Append(r)
	}
	data, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Block
	if err := got.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if got.File != b.File || got.Len() != 5 {
		t.Fatalf("got file %q len %d", got.File, got.Len())
	}
	for i := 0; i < 5; i++ {
		w, g := b.Row(i), got.Row(i)
		if w.SourceID != g.SourceID || w.RA != g.RA || w.G != g.G || !math.IsNaN(g.Parallax) {
			t.Errorf("row %d: got %+v want %+v", i, g, w)
		}
	}
	if err := got.UnmarshalBinary(data[:len(data)-3]); err == nil {
		t.Error("truncated encoding decoded without error")
	}
}

func TestSelectAndHEALPix(t *testing.T) {
	var b Block
	for i := 0; i < 4; i++ {
		r := NewRow()
		r.SourceID = int64(i)
		b.Append(r)
	}
	s := b.Select([]bool{true, false, false, true})
	if s.Len() != 2 || s.SourceID[1] != 3 || len(s.RUWE) != 2 {
		t.Fatalf("Select: %+v", s)
	}
	// Gaia DR2 4295806720 is HEALPix level-12 pixel 0 (Gaia documentation example).
	if HEALPix12(4295806720) != 0 || HEALPix12(34359738368) != 1 {
		t.Error("HEALPix12 wrong")
	}
}
