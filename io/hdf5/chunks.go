package hdf5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"sync"
)

type chunkRef struct {
	addr uint64
	size uint64
	mask uint32
}

// chunkIndex finds the stored chunk at a grid position (c, with its
// row-major linear number key).
type chunkIndex interface {
	lookup(c []uint64, key uint64) (chunkRef, bool, error)
}

// mapIndex holds every chunk of a B-tree, read once.
type mapIndex map[uint64]chunkRef

func (m mapIndex) lookup(_ []uint64, key uint64) (chunkRef, bool, error) {
	r, ok := m[key]
	return r, ok, nil
}

// sliceIndex holds every chunk of a fixed array by linear number.
type sliceIndex []chunkRef

func (s sliceIndex) lookup(_ []uint64, key uint64) (chunkRef, bool, error) {
	if key >= uint64(len(s)) {
		return chunkRef{}, false, malformed("chunk %d outside the fixed array of %d", key, len(s))
	}
	r := s[key]
	return r, r.addr != undef, nil
}

// implicitIndex: chunks stored one after another, unfiltered.
type implicitIndex struct{ addr, size uint64 }

func (x implicitIndex) lookup(_ []uint64, key uint64) (chunkRef, bool, error) {
	if x.addr == undef {
		return chunkRef{}, false, nil
	}
	return chunkRef{addr: x.addr + key*x.size, size: x.size}, true, nil
}

// chunkIndex reads the chunk index of d and checks that the chunks it
// lists lie in the file without overlapping one another, so that reading
// every chunk of a dataset reads each byte of the file at most once.
func (f *File) chunkIndex(d *Dataset) (chunkIndex, error) {
	x, err := f.readChunkIndex(d)
	if err != nil {
		return nil, err
	}
	var refs []chunkRef
	switch x := x.(type) {
	case mapIndex:
		for _, r := range x {
			refs = append(refs, r)
		}
	case sliceIndex:
		for _, r := range x {
			if r.addr != undef {
				refs = append(refs, r)
			}
		}
	case implicitIndex:
		if x.addr != undef {
			n, _ := product(x.size, gridDims(d))
			refs = append(refs, chunkRef{addr: x.addr, size: n})
		}
	}
	if err := f.checkChunks(refs); err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	return x, nil
}

// checkChunks reports chunks outside the file or overlapping.
func (f *File) checkChunks(refs []chunkRef) error {
	sort.Slice(refs, func(i, j int) bool { return refs[i].addr < refs[j].addr })
	size := uint64(f.size)
	for i, r := range refs {
		a := r.addr + f.base
		if r.addr == undef || a < r.addr || a > size || r.size > size-a {
			return malformed("chunk of %d bytes at %d is outside the file (%d bytes)", r.size, r.addr, size)
		}
		if i > 0 && refs[i-1].addr+refs[i-1].size > r.addr {
			return malformed("chunks at %d (%d bytes) and %d overlap", refs[i-1].addr, refs[i-1].size, r.addr)
		}
	}
	return nil
}

func (f *File) readChunkIndex(d *Dataset) (chunkIndex, error) {
	l := d.lay
	es := uint64(d.dtype.Size)
	cs := prod(l.chunk) * es
	switch l.index {
	case indexBTree1:
		m := mapIndex{}
		if l.addr == undef {
			return m, nil
		}
		if err := f.walkChunkBTree(d, l.addr, m, 0, map[uint64]bool{}); err != nil {
			return nil, err
		}
		return m, nil
	case indexSingle:
		size, mask := l.singleSize, l.singleMask
		if size == 0 {
			size = cs
		}
		return mapIndex{0: {addr: l.addr, size: size, mask: mask}}, nil
	case indexImplicit:
		return implicitIndex{addr: l.addr, size: cs}, nil
	case indexFixedArray:
		return f.fixedArray(d, l.addr)
	}
	return nil, unsupported("chunk index type %d", l.index)
}

// walkChunkBTree adds the chunks of the B-tree node at addr and its
// children to m. seen holds the nodes visited: a node met twice makes a
// cycle (or a node shared by two parents), which would not end.
func (f *File) walkChunkBTree(d *Dataset, addr uint64, m mapIndex, depth int, seen map[uint64]bool) error {
	if depth > 64 {
		return malformed("%s: chunk B-tree deeper than 64 levels", d.path)
	}
	if seen[addr] {
		return malformed("%s: chunk B-tree node at %d is reached twice", d.path, addr)
	}
	seen[addr] = true
	rank := len(d.lay.chunk)
	level, entries, err := f.btreeV1Node(addr, 1, rank+1)
	if err != nil {
		return fmt.Errorf("%s: %w", d.path, err)
	}
	for _, e := range entries {
		if level > 0 {
			if err := f.walkChunkBTree(d, e.child, m, depth+1, seen); err != nil {
				return err
			}
			continue
		}
		c := f.cursor(e.key, d.path+" chunk key")
		size := uint64(c.u32())
		mask := c.u32()
		pos := make([]uint64, rank)
		for i := range pos {
			off := c.u64()
			if off%d.lay.chunk[i] != 0 {
				return malformed("%s: chunk offset %d not a multiple of the chunk size %d", d.path, off, d.lay.chunk[i])
			}
			pos[i] = off / d.lay.chunk[i]
		}
		if c.err != nil {
			return c.err
		}
		m[linearChunk(d, pos)] = chunkRef{addr: e.child, size: size, mask: mask}
	}
	return nil
}

// fixedArray reads a fixed-array chunk index (header FAHD, data block FADB,
// paged or not).
func (f *File) fixedArray(d *Dataset, addr uint64) (chunkIndex, error) {
	what := d.path + " fixed array"
	if addr == undef {
		return sliceIndex(nil), nil
	}
	hb, err := f.readUpTo(addr, uint64(12+f.offSize+f.lenSize), what)
	if err != nil {
		return nil, err
	}
	c := f.cursor(hb, what)
	c.signature("FAHD")
	if v := c.u8(); v != 0 && c.err == nil {
		return nil, unsupported("%s: version %d", what, v)
	}
	client := c.u8()
	entry := int(c.u8())
	pageBits := int(c.u8())
	n := c.length()
	dblock := c.addr()
	end := c.off
	c.skip(4) // checksum
	if c.err != nil {
		return nil, c.err
	}
	if err := checkLookup3(hb[:end+4], what+" header"); err != nil {
		return nil, err
	}
	filtered := client == 1
	if (!filtered && entry != f.offSize) || (filtered && entry <= f.offSize+4) {
		return nil, malformed("%s: entry size %d for client %d", what, entry, client)
	}
	if total := prod(gridDims(d)); n != total {
		return nil, malformed("%s: %d entries for %d chunks", what, n, total)
	}
	if entry < 1 || n > uint64(f.size)/uint64(entry) {
		return nil, malformed("%s: %d entries of %d bytes do not fit in the file (%d bytes)", what, n, entry, f.size)
	}
	if pageBits > 32 {
		return nil, malformed("%s: %d page bits", what, pageBits)
	}
	out := make(sliceIndex, n)
	for i := range out {
		out[i].addr = undef
	}
	if dblock == undef {
		return out, nil
	}
	prefix := uint64(6 + f.offSize)
	perPage := uint64(1) << pageBits
	paged := n > perPage
	var npages, bitmap uint64
	if paged {
		npages = (n + perPage - 1) / perPage
		bitmap = (npages + 7) / 8
	}
	decode := func(b []byte, first uint64) error {
		c := f.cursor(b, what)
		for i := first; c.rest() > 0 && c.err == nil; i++ {
			if i >= uint64(len(out)) {
				return malformed("%s: more entries than chunks", what)
			}
			r := chunkRef{addr: c.addr()}
			if filtered {
				r.size = c.uvar(entry - f.offSize - 4)
				r.mask = c.u32()
			} else {
				r.size = prod(d.lay.chunk) * uint64(d.dtype.Size)
			}
			out[i] = r
		}
		return c.err
	}
	if !paged {
		b, err := f.readAt(dblock, prefix+n*uint64(entry)+4, what+" data block")
		if err != nil {
			return nil, err
		}
		if err := checkLookup3(b, what+" data block"); err != nil {
			return nil, err
		}
		if string(b[:4]) != "FADB" {
			return nil, malformed("%s: data block signature %q", what, b[:4])
		}
		return out, decode(b[prefix:len(b)-4], 0)
	}
	b, err := f.readAt(dblock, prefix+bitmap+4, what+" data block")
	if err != nil {
		return nil, err
	}
	if err := checkLookup3(b, what+" data block"); err != nil {
		return nil, err
	}
	if string(b[:4]) != "FADB" {
		return nil, malformed("%s: data block signature %q", what, b[:4])
	}
	bits := b[prefix : prefix+bitmap]
	pageAddr := dblock + uint64(len(b))
	for p := uint64(0); p < npages; p++ {
		m := min(perPage, n-p*perPage)
		size := m*uint64(entry) + 4
		if bits[p/8]&(0x80>>(p%8)) != 0 {
			pb, err := f.readAt(pageAddr, size, what+" page")
			if err != nil {
				return nil, err
			}
			if err := checkLookup3(pb, what+" page"); err != nil {
				return nil, err
			}
			if err := decode(pb[:len(pb)-4], p*perPage); err != nil {
				return nil, err
			}
		}
		pageAddr += size
	}
	return out, nil
}

var zlibPool sync.Pool

// unfilter undoes the filter pipeline fs on a chunk, last filter first,
// skipping the filters whose bit is set in mask. want is the expected size.
func unfilter(b []byte, fs []filter, mask uint32, want uint64) ([]byte, error) {
	for i := len(fs) - 1; i >= 0; i-- {
		if mask&(1<<uint(i)) != 0 {
			continue
		}
		fl := fs[i]
		switch fl.id {
		case filterDeflate:
			out, err := inflate(b, want)
			if err != nil {
				return nil, err
			}
			b = out
		case filterShuffle:
			es := 1
			if len(fl.values) > 0 {
				es = int(fl.values[0])
			}
			b = unshuffle(b, es)
		case filterFletcher32:
			if len(b) < 4 {
				return nil, malformed("fletcher32 chunk of %d bytes", len(b))
			}
			n := len(b) - 4
			sum := fletcher32(b[:n])
			le, be := binary.LittleEndian.Uint32(b[n:]), binary.BigEndian.Uint32(b[n:])
			if sum != le && sum != be {
				return nil, malformed("fletcher32 checksum %#08x, stored %#08x", sum, le)
			}
			b = b[:n]
		default:
			return nil, unsupported("filter %s (id %d)", filterName(fl.id, fl.name), fl.id)
		}
	}
	return b, nil
}

func inflate(b []byte, want uint64) ([]byte, error) {
	var zr io.ReadCloser
	if v := zlibPool.Get(); v != nil {
		zr = v.(io.ReadCloser)
		if err := zr.(zlib.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
			return nil, malformed("deflate: %v", err)
		}
	} else {
		var err error
		if zr, err = zlib.NewReader(bytes.NewReader(b)); err != nil {
			return nil, malformed("deflate: %v", err)
		}
	}
	defer zlibPool.Put(zr)
	// The stream decodes to the chunk, with its Fletcher-32 checksum when
	// that filter ran before deflate: anything longer is damage (a stream
	// that decodes to more than the chunk is not read to its end).
	limit := want + 4
	out := bytes.NewBuffer(make([]byte, 0, limit+1))
	if _, err := out.ReadFrom(io.LimitReader(zr, int64(limit)+1)); err != nil {
		return nil, malformed("deflate: %v", err)
	}
	if uint64(out.Len()) > limit {
		return nil, malformed("deflate: the stream decodes to more than the %d bytes of a chunk", want)
	}
	return out.Bytes(), nil
}

// unshuffle undoes the shuffle filter: the stream holds byte 0 of every
// element, then byte 1 of every element, ...; trailing bytes that make no
// whole element are left as they are.
func unshuffle(b []byte, es int) []byte {
	if es <= 1 || len(b) < es {
		return b
	}
	n := len(b) / es
	out := make([]byte, len(b))
	for j := 0; j < es; j++ {
		src := b[j*n : (j+1)*n]
		for i, v := range src {
			out[i*es+j] = v
		}
	}
	copy(out[n*es:], b[n*es:])
	return out
}
