package distance

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

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

// AppendRows of some rows is Append of each of them, one at a time.
func TestAppendRowsIsAppendOfEachRow(t *testing.T) {
	var src Rows
	src.NQuantiles = 2
	for i := range 6 {
		src.SourceID = append(src.SourceID, int64(100+i))
		for k, col := range src.floatColumns() {
			*col = append(*col, float64(10*i+k))
		}
		src.Iterations = append(src.Iterations, int32(i))
		src.Samples = append(src.Samples, int32(2*i))
		src.Flags = append(src.Flags, Flag(i))
		src.Quantiles = append(src.Quantiles, float64(i), float64(-i))
	}
	idx := []int{4, 0, 5, 2}
	var got, want Rows
	got.Append(src.Slice(1, 2)) // a row already there
	want.Append(src.Slice(1, 2))
	got.AppendRows(&src, idx)
	for _, i := range idx {
		want.Append(src.Slice(i, i+1))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AppendRows %+v\nAppend one by one %+v", got, want)
	}
}

// permute reorders the rows as AppendRows of the same indices into new
// rows does, in the rows' own storage; SortBySourceID of sorted rows
// leaves them as they are.
func TestPermuteInPlace(t *testing.T) {
	var src Rows
	src.NQuantiles = 3
	for i := range 50 {
		src.SourceID = append(src.SourceID, int64(1000-7*i))
		for k, col := range src.floatColumns() {
			*col = append(*col, float64(100*i+k))
		}
		src.Iterations = append(src.Iterations, int32(i))
		src.Samples = append(src.Samples, int32(2*i))
		src.Flags = append(src.Flags, Flag(3*i))
		src.Quantiles = append(src.Quantiles, float64(i), float64(-i), float64(i*i))
	}
	idx := rand.New(rand.NewPCG(1, 2)).Perm(src.Len())
	var want Rows
	want.AppendRows(&src, idx)
	var got Rows
	got.Append(&src)
	first := &got.DistMean[0]
	got.permute(idx)
	if !reflect.DeepEqual(got, want) || &got.DistMean[0] != first {
		t.Fatalf("permuted in place %+v\nappended %+v (same storage: %v)", got, want, &got.DistMean[0] == first)
	}
	got.SortBySourceID()
	var sorted Rows
	sorted.Append(&got)
	got.SortBySourceID()
	if !slices.IsSorted(got.SourceID) || !reflect.DeepEqual(got, sorted) {
		t.Errorf("sorted rows changed by a second sort")
	}
}
