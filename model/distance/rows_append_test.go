package distance

import "testing"

func TestAppendAndSort(t *testing.T) {
	a := Rows{NQuantiles: 1, SourceID: []int64{5, 1}, Quantiles: []float64{50, 10}}
	b := Rows{NQuantiles: 1, SourceID: []int64{3}, Quantiles: []float64{30}}
	for _, r := range []*Rows{&a, &b} {
		for i := range r.SourceID {
			for _, col := range r.floatColumns() {
				*col = append(*col, float64(r.SourceID[i]))
			}
			r.Iterations = append(r.Iterations, int32(r.SourceID[i]))
			r.Samples = append(r.Samples, 32)
			r.Flags = append(r.Flags, Flag(r.SourceID[i]))
		}
	}
	var c Rows
	c.Append(&a)
	c.Append(&b)
	c.SortBySourceID()
	for i, want := range []int64{1, 3, 5} {
		w := float64(want)
		if c.SourceID[i] != want || c.DistMean[i] != w || c.DBest[i] != w || c.Quantiles[i] != 10*w || c.Flags[i] != Flag(want) || c.Iterations[i] != int32(want) {
			t.Fatalf("row %d: %+v", i, c)
		}
	}
}
