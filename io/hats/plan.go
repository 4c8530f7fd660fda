package hats

import (
	"cmp"
	"fmt"
	"slices"
)

// Pixel is a HATS partition: a HEALPix NESTED pixel at an order.
type Pixel struct {
	Order int
	Pix   int64
}

// Dir is the Dir= component of the pixel's path: Pix rounded down to a
// multiple of 10,000.
func (p Pixel) Dir() int64 { return p.Pix / 10000 * 10000 }

// Path is the partition's file, relative to the catalog's root.
func (p Pixel) Path() string {
	return fmt.Sprintf("dataset/Norder=%d/Dir=%d/Npix=%d.parquet", p.Order, p.Dir(), p.Pix)
}

// Contains reports whether the order-29 index h lies in p.
func (p Pixel) Contains(h int64) bool { return h >= 0 && h>>(2*(29-p.Order)) == p.Pix }

// Plan partitions the sky adaptively: counts holds the number of rows in
// each NESTED pixel at countOrder (0 to 29; empty pixels may be absent).
// Starting from the 12 order-0 pixels, a pixel is a partition if it holds
// at most maxRows rows or is at countOrder, and is otherwise split into
// its four children; empty pixels are left out. The partitions come sorted
// by order, then pixel.
func Plan(counts map[int64]int64, countOrder int, maxRows int64) ([]Pixel, error) {
	if countOrder < 0 || countOrder > 29 || maxRows < 1 {
		return nil, fmt.Errorf("hats: plan at order %d with at most %d rows", countOrder, maxRows)
	}
	// Counts at every order up to countOrder.
	byOrder := make([]map[int64]int64, countOrder+1)
	byOrder[countOrder] = counts
	for k := countOrder - 1; k >= 0; k-- {
		byOrder[k] = map[int64]int64{}
		for pix, n := range byOrder[k+1] {
			byOrder[k][pix>>2] += n
		}
	}
	var out []Pixel
	var visit func(k int, pix int64)
	visit = func(k int, pix int64) {
		n := byOrder[k][pix]
		switch {
		case n == 0:
		case n <= maxRows || k == countOrder:
			out = append(out, Pixel{k, pix})
		default:
			for c := int64(0); c < 4; c++ {
				visit(k+1, 4*pix+c)
			}
		}
	}
	for pix := int64(0); pix < 12; pix++ {
		visit(0, pix)
	}
	slices.SortFunc(out, func(a, b Pixel) int {
		if c := cmp.Compare(a.Order, b.Order); c != 0 {
			return c
		}
		return cmp.Compare(a.Pix, b.Pix)
	})
	return out, nil
}

// Index finds the partition of an order-29 index.
type Index struct {
	orders []int
	parts  map[Pixel]bool
}

// NewIndex returns the Index of the partitions parts.
func NewIndex(parts []Pixel) *Index {
	x := &Index{parts: map[Pixel]bool{}}
	for _, p := range parts {
		if !x.parts[p] {
			x.parts[p] = true
			if !slices.Contains(x.orders, p.Order) {
				x.orders = append(x.orders, p.Order)
			}
		}
	}
	slices.Sort(x.orders)
	return x
}

// Find returns the partition holding the order-29 index h.
func (x *Index) Find(h int64) (Pixel, bool) {
	if h < 0 {
		return Pixel{}, false
	}
	for _, k := range x.orders {
		if p := (Pixel{k, h >> (2 * (29 - k))}); x.parts[p] {
			return p, true
		}
	}
	return Pixel{}, false
}
