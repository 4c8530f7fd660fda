package mockio

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

func TestTruthRoundTrip(t *testing.T) {
	streams := []mock.Stream{{Name: "GD-1"}}
	in := []mock.Truth{
		{SourceID: 1 << 35, Component: mock.CMDStar, Stream: -1, Sequence: 2, Dist: 812.5, AbsG: 4.1, BPRP0: 0.8, BPG0: 0.35, E: 0.01, Parallax: 1.2307692307692308, PMRA: -3, PMDec: 2, Mass: math.NaN()},
		{SourceID: 7 << 35, Component: mock.StreamStar, Stream: 0, Sequence: -1, Dist: 8000, AbsG: 3.9, Mass: 0.8},
	}
	var buf bytes.Buffer
	if err := WriteTruth(&buf, in, streams); err != nil {
		t.Fatal(err)
	}
	got, labels, err := ReadTruth(&buf, "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || labels[0] != "cmd" || labels[1] != "GD-1" {
		t.Fatalf("got %v %v", got, labels)
	}
	if got[0].Parallax != in[0].Parallax || !math.IsNaN(got[0].Mass) || got[1].Stream != 0 || got[1].Component != mock.StreamStar {
		t.Errorf("round trip changed values: %+v", got)
	}
	bad := strings.Join(TruthHeader, ",") + "\n1,cmd,0,-1,0,x,1,1,1,1,1,1,1,1\n"
	if _, _, err := ReadTruth(strings.NewReader(bad), "bad.csv"); !errors.Is(err, ErrTruth) || !strings.Contains(err.Error(), "dist_pc") {
		t.Errorf("malformed truth: %v", err)
	}
}
