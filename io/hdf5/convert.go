package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
)

// elems returns the numeric base type of t and how many numbers one element
// holds (arrays of numbers flatten).
func elems(t *Datatype) (*Datatype, int, error) {
	n := 1
	for t.Class == ClassArray {
		for _, d := range t.Dims {
			n *= d
		}
		t = t.Base
	}
	if !t.numeric() {
		return nil, 0, fmt.Errorf("hdf5: %s is not numeric", t)
	}
	return t, n, nil
}

// decodeFloat64 appends to dst the numbers of count elements of type t found
// at raw[i*stride+off:].
func decodeFloat64(dst []float64, raw []byte, t *Datatype, off, stride, count int) ([]float64, error) {
	bt, per, err := elems(t)
	if err != nil {
		return nil, err
	}
	es := bt.Size
	if dst == nil {
		dst = make([]float64, 0, count*per)
	}
	switch {
	case bt.Class == ClassFloat && es == 8 && !bt.BigEndian:
		for i := 0; i < count; i++ {
			b := raw[i*stride+off:]
			for k := 0; k < per; k++ {
				dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(b[8*k:])))
			}
		}
	case bt.Class == ClassFloat && es == 4 && !bt.BigEndian:
		for i := 0; i < count; i++ {
			b := raw[i*stride+off:]
			for k := 0; k < per; k++ {
				dst = append(dst, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))))
			}
		}
	default:
		for i := 0; i < count; i++ {
			b := raw[i*stride+off:]
			for k := 0; k < per; k++ {
				dst = append(dst, bt.float64Of(b[k*es:(k+1)*es]))
			}
		}
	}
	return dst, nil
}

// decodeFloat32 is decodeFloat64 rounding to float32; float32 data is copied
// exactly.
func decodeFloat32(dst []float32, raw []byte, t *Datatype, off, stride, count int) ([]float32, error) {
	bt, per, err := elems(t)
	if err != nil {
		return nil, err
	}
	es := bt.Size
	if dst == nil {
		dst = make([]float32, 0, count*per)
	}
	if bt.Class == ClassFloat && es == 4 {
		o := bt.order()
		if off == 0 && stride == per*4 {
			n := count * per
			for i := 0; i < n; i++ {
				dst = append(dst, math.Float32frombits(o.Uint32(raw[4*i:])))
			}
			return dst, nil
		}
		for i := 0; i < count; i++ {
			b := raw[i*stride+off:]
			for k := 0; k < per; k++ {
				dst = append(dst, math.Float32frombits(o.Uint32(b[4*k:])))
			}
		}
		return dst, nil
	}
	for i := 0; i < count; i++ {
		b := raw[i*stride+off:]
		for k := 0; k < per; k++ {
			dst = append(dst, float32(bt.float64Of(b[k*es:(k+1)*es])))
		}
	}
	return dst, nil
}

// decodeInt64 converts integer (and enum) elements exactly; an unsigned
// value above MaxInt64 is an error. Floats are refused.
func decodeInt64(dst []int64, raw []byte, t *Datatype, off, stride, count int) ([]int64, error) {
	bt, per, err := elems(t)
	if err != nil {
		return nil, err
	}
	for bt.Class == ClassEnum {
		bt = bt.Base
	}
	if bt.Class != ClassInteger {
		return nil, fmt.Errorf("hdf5: %s is not an integer type", t)
	}
	es := bt.Size
	if dst == nil {
		dst = make([]int64, 0, count*per)
	}
	for i := 0; i < count; i++ {
		b := raw[i*stride+off:]
		for k := 0; k < per; k++ {
			e := b[k*es : (k+1)*es]
			if !bt.Signed && es == 8 && bt.uint64Of(e) > math.MaxInt64 {
				return nil, fmt.Errorf("hdf5: value %d does not fit int64", bt.uint64Of(e))
			}
			dst = append(dst, bt.int64Of(e))
		}
	}
	return dst, nil
}

// ReadFloat64 reads the box start, count (see ReadRaw) of a numeric dataset
// as float64, arrays flattened.
func (d *Dataset) ReadFloat64(start, count []uint64) ([]float64, error) {
	raw, n, err := d.readAll(start, count)
	if err != nil {
		return nil, err
	}
	out, err := decodeFloat64(nil, raw, d.dtype, 0, d.dtype.Size, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	return out, nil
}

// ReadFloat32 reads the box start, count of a numeric dataset as float32.
func (d *Dataset) ReadFloat32(start, count []uint64) ([]float32, error) {
	raw, n, err := d.readAll(start, count)
	if err != nil {
		return nil, err
	}
	out, err := decodeFloat32(nil, raw, d.dtype, 0, d.dtype.Size, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	return out, nil
}

// ReadInt64 reads the box start, count of an integer dataset as int64.
func (d *Dataset) ReadInt64(start, count []uint64) ([]int64, error) {
	raw, n, err := d.readAll(start, count)
	if err != nil {
		return nil, err
	}
	out, err := decodeInt64(nil, raw, d.dtype, 0, d.dtype.Size, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	return out, nil
}

// ReadFieldFloat64 reads the member called field of a compound dataset over
// the box start, count, as float64 (array members flattened).
func (d *Dataset) ReadFieldFloat64(field string, start, count []uint64) ([]float64, error) {
	m, err := d.dtype.Member(field)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	raw, n, err := d.readAll(start, count)
	if err != nil {
		return nil, err
	}
	out, err := decodeFloat64(nil, raw, m.Type, m.Offset, d.dtype.Size, n)
	if err != nil {
		return nil, fmt.Errorf("%s: field %q: %w", d.path, field, err)
	}
	return out, nil
}

// ReadFieldInt64 reads the integer (or enum) member called field of a
// compound dataset over the box start, count.
func (d *Dataset) ReadFieldInt64(field string, start, count []uint64) ([]int64, error) {
	m, err := d.dtype.Member(field)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	raw, n, err := d.readAll(start, count)
	if err != nil {
		return nil, err
	}
	out, err := decodeInt64(nil, raw, m.Type, m.Offset, d.dtype.Size, n)
	if err != nil {
		return nil, fmt.Errorf("%s: field %q: %w", d.path, field, err)
	}
	return out, nil
}

func (d *Dataset) readAll(start, count []uint64) ([]byte, int, error) {
	raw, err := d.ReadRaw(start, count)
	if err != nil {
		return nil, 0, err
	}
	return raw, len(raw) / max(d.dtype.Size, 1), nil
}
