package star

import (
	"encoding/binary"
	"fmt"
	"math"
)

// MarshalBinary encodes b compactly (little-endian columns) for Beam's coder:
// far cheaper than a generic row coder on 20 float columns.
func (b *Block) MarshalBinary() ([]byte, error) {
	n := b.Len()
	buf := make([]byte, 0, 4+len(b.File)+8+8*n*(1+NumFloatColumns))
	buf = binary.AppendUvarint(buf, uint64(len(b.File)))
	buf = append(buf, b.File...)
	buf = binary.AppendUvarint(buf, uint64(n))
	for _, id := range b.SourceID {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(id))
	}
	for _, c := range b.columns() {
		if len(*c) != n {
			return nil, fmt.Errorf("star: column length %d differs from %d source_ids", len(*c), n)
		}
		for _, v := range *c {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
	}
	return buf, nil
}

// UnmarshalBinary decodes data written by MarshalBinary into b.
func (b *Block) UnmarshalBinary(data []byte) error {
	fl, k := binary.Uvarint(data)
	if k <= 0 || uint64(len(data)-k) < fl {
		return fmt.Errorf("star: block encoding truncated in file name")
	}
	data = data[k:]
	b.File = string(data[:fl])
	data = data[fl:]
	un, k := binary.Uvarint(data)
	if k <= 0 {
		return fmt.Errorf("star: block encoding truncated in length")
	}
	data = data[k:]
	n := int(un)
	if uint64(len(data)) != 8*un*(1+NumFloatColumns) {
		return fmt.Errorf("star: block encoding has %d bytes for %d stars", len(data), n)
	}
	b.SourceID = make([]int64, n)
	for i := range b.SourceID {
		b.SourceID[i] = int64(binary.LittleEndian.Uint64(data[8*i:]))
	}
	data = data[8*n:]
	for _, c := range b.columns() {
		col := make([]float64, n)
		for i := range col {
			col[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		*c = col
		data = data[8*n:]
	}
	return nil
}
