package parquetcheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// CheckFooter checks the footer of the Parquet file in r (size bytes)
// before parquet-go decodes it: "PAR1" at both ends, a footer length that
// fits the file, and a thrift structure whose lists, sets, maps and strings
// are no longer than the bytes that follow them. parquet-go's thrift
// decoder makes room for the number of elements a list states before it
// decodes them (thrift.Slice.DecodeFunc): one mutated varint in the footer
// of a 2.5 KB file asked for 206 GB, a fatal error no recover catches.
func CheckFooter(r io.ReaderAt, size int64) error {
	if size < 12 {
		return fmt.Errorf("%d bytes, too short for a Parquet file", size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if string(tail[4:]) != "PAR1" {
		return errors.New("no PAR1 at the end (not a Parquet file, or truncated)")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 {
		return fmt.Errorf("footer of %d bytes in a file of %d", n, size)
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, size-8-n); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	w := compactWalker{b: b}
	if err := w.structure(0); err != nil {
		return fmt.Errorf("footer: %w", err)
	}
	return nil
}

// compactWalker walks thrift compact-protocol bytes without decoding them,
// checking every length against the bytes left.
type compactWalker struct {
	b   []byte
	off int
}

var errShort = errors.New("thrift data ends early")

// maxDepth bounds the nesting of structures and containers.
const maxDepth = 64

func (w *compactWalker) byte() (byte, error) {
	if w.off >= len(w.b) {
		return 0, errShort
	}
	c := w.b[w.off]
	w.off++
	return c, nil
}

func (w *compactWalker) uvarint() (uint64, error) {
	v, n := binary.Uvarint(w.b[w.off:])
	if n <= 0 {
		return 0, errShort
	}
	w.off += n
	return v, nil
}

func (w *compactWalker) skip(n uint64) error {
	if n > uint64(len(w.b)-w.off) {
		return fmt.Errorf("%d bytes stated, %d left", n, len(w.b)-w.off)
	}
	w.off += int(n)
	return nil
}

// size checks that a container of n elements, each at least one byte, fits
// in the bytes left.
func (w *compactWalker) size(n uint64) (int, error) {
	if n > uint64(len(w.b)-w.off) {
		return 0, fmt.Errorf("a container of %d elements in %d bytes", n, len(w.b)-w.off)
	}
	return int(n), nil
}

// structure walks a struct up to and including its stop byte.
func (w *compactWalker) structure(depth int) error {
	if depth > maxDepth {
		return errors.New("structures nested too deep")
	}
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		if h == 0 { // stop
			return nil
		}
		if h>>4 == 0 { // a long field header: the field id follows
			if _, err := w.uvarint(); err != nil {
				return err
			}
		}
		switch t := h & 0x0f; t {
		case 1, 2: // booleans are in the field header
		default:
			if err := w.value(t, depth+1); err != nil {
				return err
			}
		}
	}
}

// value walks one value of compact type t.
func (w *compactWalker) value(t byte, depth int) error {
	if depth > maxDepth {
		return errors.New("values nested too deep")
	}
	switch t {
	case 1, 2, 3: // a boolean in a container, a byte
		return w.skip(1)
	case 4, 5, 6: // i16, i32, i64: varints
		_, err := w.uvarint()
		return err
	case 7: // double
		return w.skip(8)
	case 8: // binary
		n, err := w.uvarint()
		if err != nil {
			return err
		}
		return w.skip(n)
	case 9, 10: // list, set
		h, err := w.byte()
		if err != nil {
			return err
		}
		n := uint64(h >> 4)
		if n == 15 {
			if n, err = w.uvarint(); err != nil {
				return err
			}
		}
		k, err := w.size(n)
		if err != nil {
			return err
		}
		for range k {
			if err := w.value(h&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case 11: // map
		n, err := w.uvarint()
		if err != nil {
			return err
		}
		k, err := w.size(n)
		if err != nil || k == 0 {
			return err
		}
		kv, err := w.byte()
		if err != nil {
			return err
		}
		for range k {
			if err := w.value(kv>>4, depth+1); err != nil {
				return err
			}
			if err := w.value(kv&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case 12: // struct
		return w.structure(depth)
	case 13: // uuid
		return w.skip(16)
	}
	return fmt.Errorf("thrift type %d", t)
}
