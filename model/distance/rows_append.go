package distance

import "sort"

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
// depend on the order its blocks arrived in.
func (c *Rows) SortBySourceID() {
	n := c.Len()
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return c.SourceID[idx[a]] < c.SourceID[idx[b]] })
	var out Rows
	out.NQuantiles = c.NQuantiles
	q := c.NQuantiles
	src := c.floatColumns()
	dst := out.floatColumns()
	for _, i := range idx {
		out.SourceID = append(out.SourceID, c.SourceID[i])
		for k := range src {
			*dst[k] = append(*dst[k], (*src[k])[i])
		}
		out.Iterations = append(out.Iterations, c.Iterations[i])
		out.Samples = append(out.Samples, c.Samples[i])
		out.Flags = append(out.Flags, c.Flags[i])
		if q > 0 {
			out.Quantiles = append(out.Quantiles, c.Quantiles[q*i:q*i+q]...)
		}
	}
	*c = out
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
