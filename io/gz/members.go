package gz

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// gzMembers decompresses the gzip members of a stream one after another, as
// one text, and then accepts only zero bytes up to the end: padding that
// tape and some copy tools add, which GNU gzip ignores too ("decompression
// OK, trailing zero bytes ignored"). Any other byte after the last member
// is an error: the file holds more than gzip data. Each member's CRC-32 and
// length (RFC 1952) are checked against its trailer, and a header with a
// reserved flag bit set is refused, as RFC 1952, GNU gzip and zlib do
// (compress/gzip and klauspost/compress ignore those bits).
type gzMembers struct {
	z    *inflater
	crc  uint32
	size uint32
	done bool
	err  error
}

var (
	errHeader   = errors.New("gzip: invalid header")
	errChecksum = errors.New("gzip: invalid checksum")
	errSize     = errors.New("gzip: length does not match the trailer")
)

// Open returns the text of br: decompressed when br starts with the gzip
// magic bytes (gzipped is then true), br itself otherwise. An error is that
// of the first gzip header.
func Open(br *bufio.Reader) (text io.Reader, gzipped bool, err error) {
	if !Is(br) {
		return br, false, nil
	}
	g, err := newGzMembers(br)
	if err != nil {
		return nil, true, err
	}
	return g, true, nil
}

// Is reports whether br starts with the gzip magic bytes; it only peeks.
func Is(br *bufio.Reader) bool {
	head, _ := br.Peek(2)
	return isMagic(head)
}

func isMagic(head []byte) bool {
	return len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b
}

func newGzMembers(br *bufio.Reader) (*gzMembers, error) {
	g := &gzMembers{z: newInflater(br)}
	if err := g.header(); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *gzMembers) Read(p []byte) (int, error) {
	z := g.z
	for z.rp == z.op {
		switch {
		case g.err != nil:
			return 0, g.err
		case g.done:
			return 0, io.EOF
		case z.state == stateDone:
			g.err = g.endMember()
		default:
			z.slide()
			g.err = z.decode()
		}
	}
	n := copy(p, z.out[z.rp:z.op])
	z.rp += n
	g.crc = crc32.Update(g.crc, crc32.IEEETable, p[:n])
	g.size += uint32(n)
	return n, nil
}

// header reads a member's header (RFC 1952, 2.3) up to its DEFLATE data.
func (g *gzMembers) header() error {
	z := g.z
	var h [10]byte
	if err := z.readFull(h[:]); err != nil {
		return err
	}
	if !isMagic(h[:2]) || h[2] != 8 || h[3]&0xe0 != 0 {
		return errHeader
	}
	crc := crc32.Update(0, crc32.IEEETable, h[:])
	next := func() (byte, error) {
		b, err := z.readByte()
		crc = crc32.Update(crc, crc32.IEEETable, []byte{b})
		return b, err
	}
	flags := h[3]
	if flags&4 != 0 { // FEXTRA
		lo, err := next()
		if err != nil {
			return err
		}
		hi, err := next()
		if err != nil {
			return err
		}
		for range int(lo) | int(hi)<<8 {
			if _, err := next(); err != nil {
				return err
			}
		}
	}
	for _, f := range []byte{8, 16} { // FNAME, FCOMMENT: zero-terminated
		if flags&f == 0 {
			continue
		}
		for {
			b, err := next()
			if err != nil {
				return err
			}
			if b == 0 {
				break
			}
		}
	}
	if flags&2 != 0 { // FHCRC: the low 16 bits of the header's CRC-32
		want := uint16(crc)
		lo, err := z.readByte()
		if err != nil {
			return err
		}
		hi, err := z.readByte()
		if err != nil {
			return err
		}
		if uint16(lo)|uint16(hi)<<8 != want {
			return errHeader
		}
	}
	z.reset()
	g.crc, g.size = 0, 0
	return nil
}

// endMember checks a member's trailer once all its text has been handed
// out, then moves to what follows: the next member, or zero bytes to the
// end of the stream.
func (g *gzMembers) endMember() error {
	z := g.z
	if err := z.byteAlign(); err != nil {
		return err
	}
	var t [8]byte
	if err := z.readFull(t[:]); err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(t[0:]) != g.crc {
		return errChecksum
	}
	if binary.LittleEndian.Uint32(t[4:]) != g.size {
		return errSize
	}
	head := z.peek(2)
	switch {
	case isMagic(head):
		return g.header()
	case len(head) == 0:
		if z.srcErr != nil && z.srcErr != io.EOF {
			return z.srcErr
		}
		g.done = true
		return nil
	}
	for skipped := 0; ; skipped++ {
		b, err := z.readByte()
		if err == io.ErrUnexpectedEOF {
			g.done = true
			return nil
		}
		if err != nil {
			return err
		}
		if b != 0 {
			return fmt.Errorf("byte %#02x after the last gzip member (and %d zero bytes): not gzip data", b, skipped)
		}
	}
}
