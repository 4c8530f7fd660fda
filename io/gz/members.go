package gz

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// gzMembers decompresses the gzip members of a stream one after another, as
// one text, and then accepts only zero bytes up to the end: padding that
// tape and some copy tools add, which GNU gzip ignores too ("decompression
// OK, trailing zero bytes ignored"). Any other byte after the last member
// is an error: the file holds more than gzip data.
type gzMembers struct {
	br   *bufio.Reader
	zr   *gzip.Reader
	done bool
}

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
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	return &gzMembers{br: br, zr: zr}, nil
}

func (g *gzMembers) Read(p []byte) (int, error) {
	if g.done {
		return 0, io.EOF
	}
	n, err := g.zr.Read(p)
	if err == io.EOF { // the end of a member: another, padding, or the end
		err = g.next()
	}
	return n, err
}

// next moves to what follows a member: the next member, or zero bytes to
// the end of the stream.
func (g *gzMembers) next() error {
	head, err := g.br.Peek(2)
	switch {
	case isMagic(head):
		if err := g.zr.Reset(g.br); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		g.zr.Multistream(false)
		return nil
	case len(head) == 0 && errors.Is(err, io.EOF):
		g.done = true
		return nil
	}
	for skipped := 0; ; skipped++ {
		b, err := g.br.ReadByte()
		if errors.Is(err, io.EOF) {
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
