package hats

import "slices"

// CountOrder is the HEALPix order at which a catalog's rows are counted to
// plan its partitions (Plan's countOrder), and so its finest partition:
// order 10 pixels are 3.4 arcmin across.
const CountOrder = 10

// Count returns the number of rows per NESTED pixel at order (0 to 29) of
// the order-29 indices h (all of them valid), as (pixel, count) pairs
// sorted by pixel: the compact form in which shards carry their counts.
func Count(h []int64, order int) []int64 {
	shift := 2 * (29 - order)
	pix := make([]int64, len(h))
	for i, v := range h {
		pix[i] = v >> shift
	}
	slices.Sort(pix)
	var out []int64
	for i := 0; i < len(pix); {
		j := i + 1
		for j < len(pix) && pix[j] == pix[i] {
			j++
		}
		out = append(out, pix[i], int64(j-i))
		i = j
	}
	return out
}

// Coarsen returns the (pixel, count) pairs at order from, sorted by pixel,
// summed into pairs at the coarser order to (<= from), sorted too: a
// pixel's parents come in the order of its children.
func Coarsen(pairs []int64, from, to int) []int64 {
	if to == from {
		return pairs
	}
	shift := 2 * (from - to)
	var out []int64
	for i := 0; i+1 < len(pairs); i += 2 {
		p := pairs[i] >> shift
		if n := len(out); n > 0 && out[n-2] == p {
			out[n-1] += pairs[i+1]
			continue
		}
		out = append(out, p, pairs[i+1])
	}
	return out
}
