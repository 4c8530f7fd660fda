package hdf5

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// Class is an HDF5 datatype class.
type Class int

// Datatype classes (HDF5 File Format Specification, IV.A.2.d).
const (
	ClassInteger   Class = 0
	ClassFloat     Class = 1
	ClassTime      Class = 2
	ClassString    Class = 3
	ClassBitfield  Class = 4
	ClassOpaque    Class = 5
	ClassCompound  Class = 6
	ClassReference Class = 7
	ClassEnum      Class = 8
	ClassVarLen    Class = 9
	ClassArray     Class = 10
)

var classNames = map[Class]string{
	ClassInteger: "integer", ClassFloat: "float", ClassTime: "time", ClassString: "string",
	ClassBitfield: "bitfield", ClassOpaque: "opaque", ClassCompound: "compound",
	ClassReference: "reference", ClassEnum: "enum", ClassVarLen: "variable-length", ClassArray: "array",
}

func (c Class) String() string {
	if s, ok := classNames[c]; ok {
		return s
	}
	return fmt.Sprintf("class %d", int(c))
}

// Datatype describes the elements of a dataset or attribute.
type Datatype struct {
	Class     Class
	Size      int  // bytes per element as stored
	BigEndian bool // integers and floats
	Signed    bool // integers

	Members []Member // compound

	// Base is the type of an enum's values, of an array's elements, and of
	// a variable-length sequence's elements.
	Base *Datatype
	Dims []int // array dimensions

	EnumNames  []string // enum member names
	EnumValues [][]byte // enum member values, Base.Size bytes each

	VarString bool // a variable-length string (ClassVarLen)
}

// Member is a member of a compound datatype.
type Member struct {
	Name   string
	Offset int // bytes from the start of the element
	Type   *Datatype
}

// Member returns the compound member called name.
func (t *Datatype) Member(name string) (Member, error) {
	for _, m := range t.Members {
		if m.Name == name {
			return m, nil
		}
	}
	if t.Class != ClassCompound {
		return Member{}, fmt.Errorf("hdf5: %s is not a compound type", t)
	}
	return Member{}, fmt.Errorf("%w: no member %q in %s", ErrNotFound, name, t)
}

// String describes t, e.g. "float32", "int16be", "compound{a uint32; b float64}".
func (t *Datatype) String() string {
	var s string
	switch t.Class {
	case ClassInteger:
		s = fmt.Sprintf("int%d", 8*t.Size)
		if !t.Signed {
			s = "u" + s
		}
	case ClassFloat:
		s = fmt.Sprintf("float%d", 8*t.Size)
	case ClassEnum:
		return fmt.Sprintf("enum(%s){%s}", t.Base, strings.Join(t.EnumNames, ","))
	case ClassArray:
		return fmt.Sprintf("%v%s", t.Dims, t.Base)
	case ClassCompound:
		parts := make([]string, len(t.Members))
		for i, m := range t.Members {
			parts[i] = m.Name + " " + m.Type.String()
		}
		return "compound{" + strings.Join(parts, "; ") + "}"
	case ClassString:
		return fmt.Sprintf("string[%d]", t.Size)
	case ClassVarLen:
		if t.VarString {
			return "vlen string"
		}
		return "vlen " + t.Base.String()
	default:
		return fmt.Sprintf("%s[%d]", t.Class, t.Size)
	}
	if t.BigEndian && t.Size > 1 {
		s += "be"
	}
	return s
}

// numeric reports whether values of t convert to numbers: integers, floats
// and enums of integers.
func (t *Datatype) numeric() bool {
	switch t.Class {
	case ClassInteger, ClassFloat:
		return true
	case ClassEnum:
		return t.Base.numeric()
	}
	return false
}

func (t *Datatype) order() binary.ByteOrder {
	if t.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// float64Of converts one element (len(b) == t.Size) of a numeric type.
func (t *Datatype) float64Of(b []byte) float64 {
	switch t.Class {
	case ClassFloat:
		if t.Size == 4 {
			return float64(math.Float32frombits(t.order().Uint32(b)))
		}
		return math.Float64frombits(t.order().Uint64(b))
	case ClassInteger:
		if t.Signed {
			return float64(t.int64Of(b))
		}
		return float64(t.uint64Of(b))
	case ClassEnum:
		return t.Base.float64Of(b)
	}
	return math.NaN()
}

func (t *Datatype) uint64Of(b []byte) uint64 {
	var v uint64
	if t.BigEndian {
		for i := 0; i < len(b); i++ {
			v = v<<8 | uint64(b[i])
		}
	} else {
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
	}
	return v
}

func (t *Datatype) int64Of(b []byte) int64 {
	v := t.uint64Of(b)
	if t.Signed && len(b) < 8 {
		shift := 64 - 8*uint(len(b))
		return int64(v<<shift) >> shift
	}
	return int64(v)
}

// parseDatatype reads a datatype message at the cursor.
func parseDatatype(c *cursor) (*Datatype, error) {
	return parseDatatypeDepth(c, 0)
}

func parseDatatypeDepth(c *cursor, depth int) (*Datatype, error) {
	if depth > 16 {
		return nil, malformed("datatype nested too deep")
	}
	cv := c.u8()
	class, version := Class(cv&0x0f), int(cv>>4)
	b0, b1, b2 := c.u8(), c.u8(), c.u8()
	bits := uint32(b0) | uint32(b1)<<8 | uint32(b2)<<16
	t := &Datatype{Class: class, Size: int(c.u32())}
	if c.err != nil {
		return nil, c.err
	}
	if t.Size < 1 {
		return nil, malformed("%s datatype of 0 bytes", class)
	}
	switch class {
	case ClassInteger:
		t.BigEndian = bits&1 != 0
		t.Signed = bits&8 != 0
		off, prec := c.u16(), c.u16()
		if c.err == nil && (off != 0 || int(prec) != 8*t.Size) {
			return nil, unsupported("integer of %d bits at bit offset %d in %d bytes", prec, off, t.Size)
		}
		if t.Size != 1 && t.Size != 2 && t.Size != 4 && t.Size != 8 {
			return nil, unsupported("%d-byte integer", t.Size)
		}
	case ClassFloat:
		if bits&0x40 != 0 {
			return nil, unsupported("VAX floating-point byte order")
		}
		t.BigEndian = bits&1 != 0
		off, prec := c.u16(), c.u16()
		eloc, esize, mloc, msize := c.u8(), c.u8(), c.u8(), c.u8()
		bias := c.u32()
		if c.err != nil {
			return nil, c.err
		}
		ieee32 := t.Size == 4 && off == 0 && prec == 32 && eloc == 23 && esize == 8 && mloc == 0 && msize == 23 && bias == 127
		ieee64 := t.Size == 8 && off == 0 && prec == 64 && eloc == 52 && esize == 11 && mloc == 0 && msize == 52 && bias == 1023
		if !ieee32 && !ieee64 {
			return nil, unsupported("floating-point format of %d bytes (%d-bit exponent, %d-bit mantissa); only IEEE binary32 and binary64 are read", t.Size, esize, msize)
		}
	case ClassTime:
		c.skip(2)
	case ClassString:
		// padding and character set in bits; no properties
	case ClassBitfield:
		t.BigEndian = bits&1 != 0
		c.skip(4)
	case ClassOpaque:
		n := int(bits & 0xff)
		c.skip(n)
	case ClassCompound:
		n := int(bits & 0xffff)
		for i := 0; i < n; i++ {
			start := c.off
			m := Member{Name: c.cstring()}
			switch version {
			case 1, 2:
				c.align8(start)
				m.Offset = int(c.u32())
			case 3:
				m.Offset = int(c.uvar(bytesFor(uint64(t.Size))))
			default:
				return nil, unsupported("compound datatype version %d", version)
			}
			var dims []int
			if version == 1 {
				rank := int(c.u8())
				c.skip(3 + 4 + 4)
				for k := 0; k < 4; k++ {
					d := int(c.u32())
					if k < rank {
						dims = append(dims, d)
					}
				}
			}
			mt, err := parseDatatypeDepth(c, depth+1)
			if err != nil {
				return nil, err
			}
			if len(dims) > 0 {
				size, ok := arraySize(dims, mt.Size)
				if !ok {
					return nil, malformed("compound member %q: array %v of %d-byte elements is too large", m.Name, dims, mt.Size)
				}
				mt = &Datatype{Class: ClassArray, Size: size, Base: mt, Dims: dims}
			}
			m.Type = mt
			if c.err == nil && (m.Offset < 0 || m.Offset > t.Size || mt.Size > t.Size-m.Offset) {
				return nil, malformed("compound member %q (%d bytes at %d) outside its %d-byte element", m.Name, mt.Size, m.Offset, t.Size)
			}
			t.Members = append(t.Members, m)
		}
	case ClassReference:
		// no properties
	case ClassEnum:
		n := int(bits & 0xffff)
		base, err := parseDatatypeDepth(c, depth+1)
		if err != nil {
			return nil, err
		}
		if base.Class != ClassInteger || base.Size != t.Size {
			return nil, malformed("enum of %d bytes with values of type %s", t.Size, base)
		}
		t.Base = base
		for i := 0; i < n; i++ {
			start := c.off
			t.EnumNames = append(t.EnumNames, c.cstring())
			if version < 3 {
				c.align8(start)
			}
		}
		for i := 0; i < n; i++ {
			t.EnumValues = append(t.EnumValues, c.bytes(base.Size))
		}
	case ClassVarLen:
		t.VarString = bits&0x0f == 1
		base, err := parseDatatypeDepth(c, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
	case ClassArray:
		rank := int(c.u8())
		if version < 3 {
			c.skip(3)
		}
		for i := 0; i < rank; i++ {
			t.Dims = append(t.Dims, int(c.u32()))
		}
		if version < 3 {
			c.skip(4 * rank)
		}
		base, err := parseDatatypeDepth(c, depth+1)
		if err != nil {
			return nil, err
		}
		t.Base = base
		if size, ok := arraySize(t.Dims, base.Size); c.err == nil && (!ok || size != t.Size) {
			return nil, malformed("array datatype of %d bytes holds %v elements of %d bytes", t.Size, t.Dims, base.Size)
		}
	default:
		return nil, unsupported("datatype class %d", int(class))
	}
	if c.err != nil {
		return nil, c.err
	}
	return t, nil
}

// arraySize returns the bytes of an array of dims elements of es bytes,
// and false if that is 0 or more than 4 GiB (datatype sizes are 32-bit).
func arraySize(dims []int, es int) (int, bool) {
	n := uint64(max(es, 0))
	for _, d := range dims {
		if d < 0 {
			return 0, false
		}
		var ok bool
		if n, ok = product(n, []uint64{uint64(d)}); !ok || n > 1<<32 {
			return 0, false
		}
	}
	return int(n), n > 0
}

// bytesFor is the number of bytes needed to store values up to n, as
// compound datatype version 3 encodes member offsets.
func bytesFor(n uint64) int {
	k := 1
	for n >= 1<<(8*k) && k < 8 {
		k++
	}
	return k
}
