package hdf5

import (
	"bytes"
	"fmt"
)

// Attribute is a small named value attached to a group or dataset.
type Attribute struct {
	Name  string
	Type  *Datatype
	Shape []uint64 // empty for a scalar
	raw   []byte
	f     *File
}

func (f *File) attrs(o *object, path string) ([]*Attribute, error) {
	var out []*Attribute
	for _, m := range o.msgs {
		if m.typ != msgAttribute {
			continue
		}
		a, err := f.parseAttr(m.data, path)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if m := o.first(msgAttrInfo); m != nil {
		c := f.cursor(m.data, path+" attribute info")
		c.u8()
		flags := c.u8()
		if flags&1 != 0 {
			c.skip(2)
		}
		if heap := c.addr(); heap != undef && c.err == nil {
			return out, unsupported("%s: dense attribute storage (fractal heap and B-tree 2; more than 8 attributes written with libver=latest)", path)
		}
	}
	return out, nil
}

func (f *File) attr(o *object, name, path string) (*Attribute, error) {
	as, err := f.attrs(o, path)
	for _, a := range as {
		if a.Name == name {
			return a, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %s has no attribute %q", ErrNotFound, path, name)
}

func (f *File) parseAttr(b []byte, path string) (*Attribute, error) {
	what := path + " attribute"
	c := f.cursor(b, what)
	v := c.u8()
	flags := c.u8()
	nameSize := int(c.u16())
	dtSize := int(c.u16())
	dsSize := int(c.u16())
	pad := func(n int) int { return n }
	switch v {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
	case 2:
	case 3:
		c.skip(1) // name character set
	default:
		return nil, unsupported("%s: attribute message version %d", what, v)
	}
	if flags&3 != 0 {
		return nil, unsupported("%s: shared datatype or dataspace in an attribute", what)
	}
	nb := c.bytes(pad(nameSize))
	dt := c.bytes(pad(dtSize))
	ds := c.bytes(pad(dsSize))
	if c.err != nil {
		return nil, c.err
	}
	if i := bytes.IndexByte(nb, 0); i >= 0 {
		nb = nb[:i]
	}
	a := &Attribute{Name: string(nb), f: f}
	what = fmt.Sprintf("%s attribute %q", path, a.Name)
	var err error
	if a.Type, err = parseDatatype(f.cursor(dt, what+" datatype")); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if a.Shape, _, err = parseDataspace(f.cursor(ds, what+" dataspace")); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	n, ok := product(uint64(a.Type.Size), a.Shape)
	if !ok || n > uint64(c.rest()) {
		return nil, malformed("%s: %v elements of %d bytes in a message of %d bytes", what, a.Shape, a.Type.Size, len(b))
	}
	a.raw = c.bytes(int(n))
	if c.err != nil {
		return nil, c.err
	}
	return a, nil
}

// Len returns the number of elements of a.
func (a *Attribute) Len() int { return int(prod(a.Shape)) }

// Float64s returns the values of a numeric attribute (arrays flattened).
func (a *Attribute) Float64s() ([]float64, error) {
	out, err := decodeFloat64(nil, a.raw, a.Type, 0, a.Type.Size, a.Len())
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
	}
	return out, nil
}

// Int64s returns the values of an integer attribute (arrays flattened).
func (a *Attribute) Int64s() ([]int64, error) {
	out, err := decodeInt64(nil, a.raw, a.Type, 0, a.Type.Size, a.Len())
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
	}
	return out, nil
}

// Strings returns the values of a string attribute, fixed-length (trailing
// NULs and spaces as padding removed) or variable-length.
func (a *Attribute) Strings() ([]string, error) {
	n := a.Len()
	out := make([]string, n)
	t := a.Type
	switch {
	case t.Class == ClassString:
		for i := range out {
			s := a.raw[i*t.Size : (i+1)*t.Size]
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
			out[i] = string(s)
		}
	case t.Class == ClassVarLen && t.VarString:
		for i := range out {
			c := a.f.cursor(a.raw[i*t.Size:(i+1)*t.Size], "variable-length string")
			length := c.u32()
			coll := c.addr()
			idx := c.u32()
			if c.err != nil {
				return nil, c.err
			}
			if length == 0 {
				continue
			}
			b, err := a.f.globalObject(coll, idx)
			if err != nil {
				return nil, fmt.Errorf("attribute %q: %w", a.Name, err)
			}
			if uint64(len(b)) < uint64(length) {
				return nil, malformed("attribute %q: string of %d bytes in a heap object of %d", a.Name, length, len(b))
			}
			out[i] = string(b[:length])
		}
	default:
		return nil, fmt.Errorf("hdf5: attribute %q is %s, not a string", a.Name, t)
	}
	return out, nil
}

// globalHeap is a global heap collection: object index -> bytes.
type globalHeap map[uint32][]byte

func (f *File) globalObject(addr uint64, idx uint32) ([]byte, error) {
	f.mu.Lock()
	h := f.gheaps[addr]
	f.mu.Unlock()
	if h == nil {
		what := fmt.Sprintf("global heap at %d", addr)
		b, err := f.readUpTo(addr, uint64(8+f.lenSize), what)
		if err != nil {
			return nil, err
		}
		c := f.cursor(b, what)
		c.signature("GCOL")
		c.skip(4)
		size := c.length()
		if c.err != nil {
			return nil, c.err
		}
		if b, err = f.readAt(addr, size, what); err != nil {
			return nil, err
		}
		h = globalHeap{}
		c = f.cursor(b, what)
		c.skip(8 + f.lenSize)
		for c.rest() >= 8+f.lenSize {
			id := uint32(c.u16())
			c.skip(6)
			n := c.length()
			if id == 0 {
				break
			}
			data := c.bytes(int(n))
			c.align8(0)
			if c.err != nil {
				return nil, c.err
			}
			h[id] = data
		}
		f.mu.Lock()
		f.gheaps[addr] = h
		f.mu.Unlock()
	}
	b, ok := h[idx]
	if !ok {
		return nil, malformed("global heap at %d has no object %d", addr, idx)
	}
	return b, nil
}
