package hdf5

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// File is an open HDF5 file. Its methods are safe for concurrent use.
type File struct {
	r    io.ReaderAt
	size int64

	sbVersion int
	offSize   int    // size of offsets (addresses), bytes
	lenSize   int    // size of lengths, bytes
	base      uint64 // base address: every address is relative to it
	rootAddr  uint64 // object header of the root group

	mu      sync.Mutex
	objects map[uint64]*object
	gheaps  map[uint64]globalHeap
}

// signature is the format signature at the start of the superblock.
const signature = "\x89HDF\r\n\x1a\n"

// Open reads the superblock of the HDF5 file in r, of size bytes. The
// superblock may follow a user block (at 512, 1024, 2048, ... bytes). r must
// stay open while the File is used.
func Open(r io.ReaderAt, size int64) (*File, error) {
	f := &File{r: r, size: size, objects: map[uint64]*object{}, gheaps: map[uint64]globalHeap{}}
	var at int64 = -1
	for off := int64(0); off+8 <= size; off = max(512, 2*off) {
		var sig [8]byte
		if _, err := r.ReadAt(sig[:], off); err != nil {
			return nil, fmt.Errorf("hdf5: read superblock: %w", err)
		}
		if string(sig[:]) == signature {
			at = off
			break
		}
	}
	if at < 0 {
		return nil, malformed("no HDF5 signature (not an HDF5 file)")
	}
	if err := f.superblock(at); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) superblock(at int64) error {
	n := min(f.size-at, 256)
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, at); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("hdf5: read superblock: %w", err)
	}
	c := &cursor{b: b, what: "superblock"}
	c.skip(8)
	f.sbVersion = int(c.u8())
	switch f.sbVersion {
	case 0, 1:
		c.skip(4) // free-space, root symbol table entry, reserved, shared header versions
		f.offSize, f.lenSize = int(c.u8()), int(c.u8())
		c.skip(1)
		c.skip(4) // group leaf and internal node K
		c.skip(4) // file consistency flags
		if f.sbVersion == 1 {
			c.skip(4) // indexed storage internal node K, reserved
		}
		if err := f.checkSizes(); err != nil {
			return err
		}
		c.offSize, c.lenSize = f.offSize, f.lenSize
		f.base = c.addr()
		c.addr() // free-space info
		c.addr() // end of file
		drv := c.addr()
		// Root group symbol table entry: link name offset, object header.
		c.addr()
		f.rootAddr = c.addr()
		if c.err != nil {
			return c.err
		}
		if drv != undef {
			return unsupported("driver information block (a file family or multi-file driver)")
		}
	case 2, 3:
		f.offSize, f.lenSize = int(c.u8()), int(c.u8())
		c.skip(1) // consistency flags
		if err := f.checkSizes(); err != nil {
			return err
		}
		c.offSize, c.lenSize = f.offSize, f.lenSize
		f.base = c.addr()
		c.addr() // superblock extension
		c.addr() // end of file
		f.rootAddr = c.addr()
		end := c.off
		c.skip(4) // checksum
		if c.err != nil {
			return c.err
		}
		if err := checkLookup3(b[:end+4], "superblock"); err != nil {
			return err
		}
	default:
		return unsupported("superblock version %d", f.sbVersion)
	}
	if c.err != nil {
		return c.err
	}
	if f.base == undef {
		f.base = 0
	}
	if f.base == 0 {
		f.base = uint64(at) // a user block shifts the base when none is given
	}
	return nil
}

func (f *File) checkSizes() error {
	ok := func(n int) bool { return n == 2 || n == 4 || n == 8 }
	if !ok(f.offSize) || !ok(f.lenSize) {
		return unsupported("size of offsets %d, size of lengths %d", f.offSize, f.lenSize)
	}
	return nil
}

// readAt reads n bytes at the relative address addr.
func (f *File) readAt(addr uint64, n uint64, what string) ([]byte, error) {
	if addr == undef {
		return nil, malformed("%s: undefined address", what)
	}
	a := addr + f.base
	if a < addr || a > uint64(f.size) || n > uint64(f.size)-a {
		return nil, malformed("%s: %d bytes at %d are outside the file (%d bytes)", what, n, a, f.size)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, int64(a)); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, fmt.Errorf("hdf5: read %s: %w", what, err)
	}
	return b, nil
}

// readUpTo reads at most n bytes at addr, fewer at the end of the file.
func (f *File) readUpTo(addr uint64, n uint64, what string) ([]byte, error) {
	a := addr + f.base
	if addr == undef || a >= uint64(f.size) {
		return nil, malformed("%s: address %d is outside the file", what, addr)
	}
	return f.readAt(addr, min(n, uint64(f.size)-a), what)
}

// Root returns the root group.
func (f *File) Root() *Group { return &Group{f: f, addr: f.rootAddr, path: "/"} }

// Group returns the group at the absolute or root-relative path p.
func (f *File) Group(p string) (*Group, error) {
	o, addr, err := f.lookup(p)
	if err != nil {
		return nil, err
	}
	if !o.isGroup() {
		return nil, fmt.Errorf("hdf5: %s is not a group", p)
	}
	return &Group{f: f, addr: addr, path: cleanPath(p)}, nil
}

// Dataset returns the dataset at the absolute or root-relative path p.
func (f *File) Dataset(p string) (*Dataset, error) {
	o, _, err := f.lookup(p)
	if err != nil {
		return nil, err
	}
	return f.newDataset(cleanPath(p), o)
}

func cleanPath(p string) string {
	parts := splitPath(p)
	return "/" + strings.Join(parts, "/")
}

func splitPath(p string) []string {
	var parts []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			parts = append(parts, s)
		}
	}
	return parts
}

// lookup follows p from the root group, soft links included.
func (f *File) lookup(p string) (*object, uint64, error) {
	return f.lookupFrom(f.rootAddr, splitPath(p), p, 0)
}

func (f *File) lookupFrom(addr uint64, parts []string, full string, depth int) (*object, uint64, error) {
	if depth > 16 {
		return nil, 0, malformed("%s: too many soft links", full)
	}
	o, err := f.object(addr)
	if err != nil {
		return nil, 0, err
	}
	for i, name := range parts {
		if !o.isGroup() {
			return nil, 0, fmt.Errorf("%w: %s: %s is not a group", ErrNotFound, full, strings.Join(parts[:i], "/"))
		}
		l, err := f.findLink(o, name)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", full, err)
		}
		switch {
		case l.soft != "":
			target := splitPath(l.soft)
			start := f.rootAddr
			if !strings.HasPrefix(l.soft, "/") {
				start = addr
			}
			o, addr, err = f.lookupFrom(start, append(target, parts[i+1:]...), full, depth+1)
			return o, addr, err
		default:
			addr = l.addr
		}
		if o, err = f.object(addr); err != nil {
			return nil, 0, err
		}
	}
	return o, addr, nil
}
