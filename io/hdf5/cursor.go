package hdf5

import "encoding/binary"

// undef is the undefined address (all bits set), after widening to 64 bits.
const undef = ^uint64(0)

// cursor reads little-endian fields from a byte slice. A read past the end
// sets err and returns zeros, so that a parser checks err once at the end.
type cursor struct {
	b       []byte
	off     int
	offSize int // size of offsets (addresses) in bytes
	lenSize int // size of lengths in bytes
	err     error
	what    string // the structure being read, for errors
}

func (f *File) cursor(b []byte, what string) *cursor {
	return &cursor{b: b, offSize: f.offSize, lenSize: f.lenSize, what: what}
}

func (c *cursor) need(n int) bool {
	if c.err != nil {
		return false
	}
	if n < 0 || c.off+n > len(c.b) {
		c.err = malformed("%s: truncated (need %d bytes at %d of %d)", c.what, n, c.off, len(c.b))
		return false
	}
	return true
}

func (c *cursor) rest() int { return len(c.b) - c.off }

func (c *cursor) u8() uint8 {
	if !c.need(1) {
		return 0
	}
	v := c.b[c.off]
	c.off++
	return v
}

func (c *cursor) u16() uint16 {
	if !c.need(2) {
		return 0
	}
	v := binary.LittleEndian.Uint16(c.b[c.off:])
	c.off += 2
	return v
}

func (c *cursor) u32() uint32 {
	if !c.need(4) {
		return 0
	}
	v := binary.LittleEndian.Uint32(c.b[c.off:])
	c.off += 4
	return v
}

func (c *cursor) u64() uint64 {
	if !c.need(8) {
		return 0
	}
	v := binary.LittleEndian.Uint64(c.b[c.off:])
	c.off += 8
	return v
}

// uvar reads an n-byte little-endian unsigned integer (n <= 8).
func (c *cursor) uvar(n int) uint64 {
	if n > 8 {
		c.err = malformed("%s: %d-byte integer", c.what, n)
		return 0
	}
	if !c.need(n) {
		return 0
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(c.b[c.off+i])
	}
	c.off += n
	return v
}

// addr reads an address; the undefined address (all bits set) becomes undef.
func (c *cursor) addr() uint64 {
	v := c.uvar(c.offSize)
	if c.offSize < 8 && v == (uint64(1)<<(8*c.offSize))-1 {
		return undef
	}
	return v
}

// length reads a length field.
func (c *cursor) length() uint64 { return c.uvar(c.lenSize) }

func (c *cursor) bytes(n int) []byte {
	if !c.need(n) {
		return nil
	}
	v := c.b[c.off : c.off+n]
	c.off += n
	return v
}

func (c *cursor) skip(n int) {
	if c.need(n) {
		c.off += n
	}
}

// align8 moves to the next multiple of 8 counted from base.
func (c *cursor) align8(base int) {
	if r := (c.off - base) % 8; r != 0 {
		c.skip(8 - r)
	}
}

// cstring reads a NUL-terminated string; the NUL is consumed.
func (c *cursor) cstring() string {
	if c.err != nil {
		return ""
	}
	for i := c.off; i < len(c.b); i++ {
		if c.b[i] == 0 {
			s := string(c.b[c.off:i])
			c.off = i + 1
			return s
		}
	}
	c.err = malformed("%s: unterminated string", c.what)
	return ""
}

func (c *cursor) signature(sig string) bool {
	b := c.bytes(len(sig))
	if c.err != nil {
		return false
	}
	if string(b) != sig {
		c.err = malformed("%s: signature %q, want %q", c.what, b, sig)
		return false
	}
	return true
}
