package hats

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// CountOrder is the HEALPix order at which a catalog's rows are counted to
// plan its partitions (Plan's countOrder), and so its finest partition:
// order 10 pixels are 3.4 arcmin across.
const CountOrder = 10

// Count returns the number of rows per NESTED pixel at order (0 to 29) of
// the order-29 indices h (all of them valid), as (pixel, count) pairs
// sorted by pixel: the compact form in which shards carry their counts.
func Count(h []int64, order int) Counts {
	shift := 2 * (29 - order)
	pix := make([]int64, len(h))
	for i, v := range h {
		pix[i] = v >> shift
	}
	slices.Sort(pix)
	var out Counts
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

// Counts are (pixel, count) pairs sorted by pixel, as Count returns them.
// In JSON they are a string: base64 of each pixel's difference from the one
// before (the first: from 0) and its count, as unsigned varints; a shard's
// counts at CountOrder take a few bytes per pixel instead of some twenty.
type Counts []int64

// MarshalJSON implements json.Marshaler.
func (c Counts) MarshalJSON() ([]byte, error) {
	if len(c)%2 != 0 {
		return nil, errors.New("hats: counts of odd length")
	}
	var b []byte
	prev := int64(0)
	for i := 0; i < len(c); i += 2 {
		if c[i] < prev || (i > 0 && c[i] == prev) || c[i+1] < 1 {
			return nil, fmt.Errorf("hats: counts not sorted by pixel or not positive at pair %d", i/2)
		}
		b = binary.AppendUvarint(b, uint64(c[i]-prev))
		b = binary.AppendUvarint(b, uint64(c[i+1]))
		prev = c[i]
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// UnmarshalJSON implements json.Unmarshaler; it rejects anything
// MarshalJSON would not write.
func (c *Counts) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("hats: counts: %w", err)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("hats: counts: %w", err)
	}
	var out Counts
	pix := int64(0)
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("hats: counts: a pixel is cut short")
		}
		b = b[n:]
		k, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("hats: counts: a count is cut short")
		}
		b = b[n:]
		const maxPixel = 12 << 58 // pixels at order 29
		if d > maxPixel-uint64(pix) || (len(out) > 0 && d == 0) || k == 0 || k > 1<<62 {
			return fmt.Errorf("hats: counts: pair %d out of range", len(out)/2)
		}
		pix += int64(d)
		out = append(out, pix, int64(k))
	}
	*c = out
	return nil
}
