package distance

import (
	"math"
	"slices"
	"sort"
)

// Append adds the rows of o to the end of c. It panics if their numbers of
// quantiles differ.
func (c *Rows) Append(o *Rows) {
	if c.Len() == 0 {
		c.NQuantiles = o.NQuantiles
	}
	if o.Len() > 0 && c.NQuantiles != o.NQuantiles {
		panic("distance: Append of rows with different numbers of quantiles")
	}
	c.SourceID = append(c.SourceID, o.SourceID...)
	dst, src := c.floatColumns(), o.floatColumns()
	for k := range dst {
		*dst[k] = append(*dst[k], *src[k]...)
	}
	c.Iterations = append(c.Iterations, o.Iterations...)
	c.Samples = append(c.Samples, o.Samples...)
	c.Flags = append(c.Flags, o.Flags...)
	c.Quantiles = append(c.Quantiles, o.Quantiles...)
}

// SortBySourceID orders the rows by source_id, so a shard's content does not
// depend on the order its blocks arrived in. Rows with the same source_id
// (a partition that holds a star twice) are ordered by their values, for the
// same reason.
func (c *Rows) SortBySourceID() {
	n := c.Len()
	sorted := true // as the rows of a Gaia partition come
	for i := 1; i < n && sorted; i++ {
		sorted = c.SourceID[i-1] < c.SourceID[i]
	}
	if sorted {
		return
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	cols := c.floatColumns()
	sort.Slice(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if c.SourceID[i] != c.SourceID[j] {
			return c.SourceID[i] < c.SourceID[j]
		}
		for _, col := range cols {
			if x, y := math.Float64bits((*col)[i]), math.Float64bits((*col)[j]); x != y {
				return x < y
			}
		}
		return i < j
	})
	c.permute(idx)
}

// SortByKey orders the rows by key (one value per row), then by
// source_id: the order of a HATS partition, keyed by _healpix_29. It panics
// if key has another length than the rows.
func (c *Rows) SortByKey(key []int64) {
	if len(key) != c.Len() {
		panic("distance: SortByKey: one key per row")
	}
	idx := make([]int, c.Len())
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if key[i] != key[j] {
			return key[i] < key[j]
		}
		return c.SourceID[i] < c.SourceID[j]
	})
	sorted := make([]int64, len(key))
	for a, i := range idx {
		sorted[a] = key[i]
	}
	copy(key, sorted)
	c.permute(idx)
}

// permute reorders the rows in place, a column at a time through one
// scratch column: row a of the result is row idx[a]. The columns keep
// their storage, so rows kept for the next partition need not grow again.
func (c *Rows) permute(idx []int) {
	f := make([]float64, len(idx))
	for _, col := range c.floatColumns() {
		permuteColumn(*col, f, idx)
	}
	permuteColumn(c.SourceID, make([]int64, len(idx)), idx)
	i32 := make([]int32, len(idx))
	permuteColumn(c.Iterations, i32, idx)
	permuteColumn(c.Samples, i32, idx)
	permuteColumn(c.Flags, make([]Flag, len(idx)), idx)
	if q := c.NQuantiles; q > 0 {
		f = slices.Grow(f[:0], q*len(idx))
		for _, i := range idx {
			f = append(f, c.Quantiles[q*i:q*i+q]...)
		}
		copy(c.Quantiles, f)
	}
}

// permuteColumn sets col[a] = col[idx[a]] for every a, through scratch (at
// least as long as idx).
func permuteColumn[T any](col, scratch []T, idx []int) {
	for a, i := range idx {
		scratch[a] = col[i]
	}
	copy(col, scratch[:len(idx)])
}

// AppendRows adds the rows idx of o, in that order, to the end of c, a
// column at a time. It panics if their numbers of quantiles differ.
func (c *Rows) AppendRows(o *Rows, idx []int) {
	if c.Len() == 0 {
		c.NQuantiles = o.NQuantiles
	}
	if len(idx) > 0 && c.NQuantiles != o.NQuantiles {
		panic("distance: AppendRows of rows with different numbers of quantiles")
	}
	c.SourceID = gather(c.SourceID, o.SourceID, idx)
	dst, src := c.floatColumns(), o.floatColumns()
	for k := range dst {
		*dst[k] = gather(*dst[k], *src[k], idx)
	}
	c.Iterations = gather(c.Iterations, o.Iterations, idx)
	c.Samples = gather(c.Samples, o.Samples, idx)
	c.Flags = gather(c.Flags, o.Flags, idx)
	if q := o.NQuantiles; q > 0 {
		c.Quantiles = slices.Grow(c.Quantiles, q*len(idx))
		for _, i := range idx {
			c.Quantiles = append(c.Quantiles, o.Quantiles[q*i:q*i+q]...)
		}
	}
}

// gather appends src[i] for every i of idx to dst.
func gather[T any](dst, src []T, idx []int) []T {
	dst = slices.Grow(dst, len(idx))
	for _, i := range idx {
		dst = append(dst, src[i])
	}
	return dst
}

// FlagDuplicates sets FlagDuplicate on every row whose source_id another
// row shares and returns how many rows it flagged. The rows must be sorted
// by source_id.
func (c *Rows) FlagDuplicates() int {
	n := 0
	for i := range c.SourceID {
		if i > 0 && c.SourceID[i] == c.SourceID[i-1] || i+1 < len(c.SourceID) && c.SourceID[i] == c.SourceID[i+1] {
			c.Flags[i] |= FlagDuplicate
			n++
		}
	}
	return n
}

// Slice returns rows i to j-1 of c as a new Rows sharing c's storage.
func (c *Rows) Slice(i, j int) *Rows {
	q := c.NQuantiles
	out := &Rows{NQuantiles: q, SourceID: c.SourceID[i:j],
		Iterations: c.Iterations[i:j], Samples: c.Samples[i:j], Flags: c.Flags[i:j]}
	if q > 0 {
		out.Quantiles = c.Quantiles[q*i : q*j]
	}
	src, dst := c.floatColumns(), out.floatColumns()
	for k := range src {
		*dst[k] = (*src[k])[i:j]
	}
	return out
}
