package distance

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// Hand-made rows, each placed in its bins by hand.
var table1Rows = []Table1Row{
	{DistMean: 5, DistStd: 1, Parallax: 200, ParallaxError: 10},         // d (1,10]; model 5 (1,10]; gaia 20 (10,100]
	{DistMean: 1500, DistStd: 1500, Parallax: 0.5, ParallaxError: 1},    // d (1k,10k]; model 1 (0.1,1] (closed above); gaia 0.5 (0.1,1]
	{DistMean: 10, DistStd: 1e-3, Parallax: 100, ParallaxError: 0.05},   // d (1,10] (closed above); model 1e4 > 1000; gaia 2000 > 1000
	{DistMean: 4000, DistStd: 2000, Parallax: -0.3, ParallaxError: 0.5}, // negative: model 2; gaia -0.6
	{DistMean: 8000, DistStd: 2000, Parallax: -1, ParallaxError: 1},     // negative: model 4; gaia -1
	{DistMean: 2e6, DistStd: 1e6, Parallax: 1e-4, ParallaxError: 1},     // d > 1000 kpc; model 2; gaia 1e-4 (-inf, 0.1]
	{DistMean: math.NaN(), DistStd: 1, Parallax: 1, ParallaxError: 1},   // no distance; gaia 1 (0.1, 1]
}

func TestTable1Bins(t *testing.T) {
	var tab Table1
	for _, r := range table1Rows {
		tab.Add(r)
	}
	res := tab.Result()
	counts := func(bs []Bin) []int64 {
		var c []int64
		for _, b := range bs {
			c = append(c, b.Count)
		}
		return c
	}
	eq := func(name string, got, want []int64) {
		if len(got) != len(want) {
			t.Fatalf("%s: %v, want %v", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %v, want %v", name, got, want)
				return
			}
		}
	}
	eq("distance", counts(res.Distance), []int64{0, 2, 0, 0, 3, 0, 0, 1})
	eq("model SNR", counts(res.ModelSNR), []int64{0, 1, 4, 0, 0, 1})
	eq("Gaia SNR", counts(res.GaiaSNR), []int64{3, 2, 0, 1, 0, 1})
	if tab.DistNaN != 1 || tab.ModelSNRNaN != 1 || tab.GaiaSNRNaN != 0 {
		t.Errorf("NaN counts %d %d %d, want 1 1 0", tab.DistNaN, tab.ModelSNRNaN, tab.GaiaSNRNaN)
	}
	if res.Total != 7 || res.Distance[1].Fraction != 2.0/7 {
		t.Errorf("total %d, fraction %g", res.Total, res.Distance[1].Fraction)
	}
	wantImp := (5+1+1e4+2)/(20+0.5+2000+1e-4) - 1
	wantRatio := (5.0/20 + 1/0.5 + 1e4/2000 + 2/1e-4) / 4
	checks := []struct {
		name      string
		got, want float64
	}{
		{"improvement", res.MeanSNRImprovement, wantImp},
		{"mean ratio", res.MeanSNRRatio, wantRatio},
		{"negative fraction", res.NegativeParallaxFraction, 2.0 / 7},
		{"model non-positive fraction", res.NonPositiveDistFraction, 0},
		{"mean SNR negative", res.MeanSNRNegative, 3},
		{"mean distance negative", res.MeanDistNegative, 6000},
		{"SNR-weighted distance negative", res.MeanDistNegativeSNRWeighted, (2*4000 + 4*8000) / 6.0},
	}
	// The sums round each addend to 2^-32 (FixedSum): 1e-12 relative.
	for _, c := range checks {
		if relErr(c.got, c.want) > 1e-12 {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	if res.PositiveParallaxes != 4 {
		t.Errorf("%d positive parallaxes, want 4", res.PositiveParallaxes)
	}

	// Merging the parts in any grouping gives the whole.
	var a, b, c Table1
	for i, r := range table1Rows {
		switch i % 3 {
		case 0:
			a.Add(r)
		case 1:
			b.Add(r)
		default:
			c.Add(r)
		}
	}
	c.Merge(&a)
	c.Merge(&b)
	m := c.Result()
	ja, _ := json.Marshal(m)
	jb, _ := json.Marshal(res)
	if string(ja) != string(jb) {
		t.Errorf("merged result\n%s\nwant\n%s", ja, jb)
	}

	// Rendering.
	var back map[string]any
	if err := json.Unmarshal(jb, &back); err != nil {
		t.Fatalf("JSON %s: %v", jb, err)
	}
	if back["total"].(float64) != 7 || back["distance"].([]any)[0].(map[string]any)["lo"] != nil {
		t.Errorf("JSON %s", jb)
	}
	md := res.Markdown()
	for _, want := range []string{
		"| Total Catalog Entries |  | 7 |",
		"| Fraction of Stars with (1 pc, 10 pc] |  | 2.857e-01 |",
		"| Fraction of Stars with d > 1000 kpc |  | 1.429e-01 |",
		"| SNR ∈ (-inf, 0.1] | 4.286e-01 | 0 |",
		"| Negative Fraction of Parallaxes | 2.857e-01 | 0 |",
		"| Average Distance of the points with ϖ_obs < 0 |  | 6.000 kpc |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "d <= 1 pc") {
		t.Error("Markdown shows the empty d <= 1 pc row")
	}

	// An empty table renders, with nulls.
	var empty Table1
	if j, err := json.Marshal(empty.Result()); err != nil || !strings.Contains(string(j), `"mean_snr_negative":null`) {
		t.Errorf("empty table JSON %s, %v", j, err)
	}
	_ = empty.Result().Markdown()
}

func TestTable1AddRows(t *testing.T) {
	r := &Rows{SourceID: []int64{1, 2}, DistMean: []float64{500, 3000}, DistStd: []float64{50, 3000},
		Parallax: []float64{2, -0.1}, ParallaxError: []float64{0.1, 0.5}, Flags: []Flag{0, 0}}
	var tab Table1
	tab.AddRows(r)
	if tab.N != 2 || tab.NNeg != 1 || tab.Dist[3] != 1 || tab.Dist[4] != 1 || tab.ModelSNR[2] != 1 || tab.ModelSNR[1] != 1 {
		t.Errorf("%+v", tab)
	}
	// A collapsed posterior (one effective sample, no spread) has no SNR:
	// counted apart, in no bin and no mean.
	r.DistStd[0], r.Flags[0] = 1e-12, FlagFewSamples
	var few Table1
	few.AddRows(r)
	if few.FewSamples != 1 || few.ModelSNR[5] != 0 || few.NPos != 0 || few.Result().FewSamplesFraction != 0.5 {
		t.Errorf("few samples: %+v", few)
	}
}
