package hdf5

import "fmt"

// Storage layouts.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
	layoutVirtual    = 3
)

// Chunk index types of layout message version 4.
const (
	indexBTree1     = 0 // layout version 3
	indexSingle     = 1
	indexImplicit   = 2
	indexFixedArray = 3
	indexExtArray   = 4
	indexBTree2     = 5
)

type layout struct {
	class   int
	compact []byte // compact data
	addr    uint64 // contiguous data, or chunk index
	size    uint64 // contiguous data size

	chunk      []uint64 // chunk dimensions (dataset rank), elements
	index      int      // chunk index type
	singleSize uint64   // single filtered chunk: its size
	singleMask uint32   // single filtered chunk: its filter mask
	pageBits   int      // fixed array
	noEdgeFilt bool     // partial edge chunks are not filtered
}

func parseDataspace(c *cursor) (dims []uint64, maxDims []uint64, err error) {
	v := c.u8()
	rank := int(c.u8())
	flags := c.u8()
	switch v {
	case 1:
		c.skip(5)
	case 2:
		typ := c.u8()
		if typ == 2 {
			return nil, nil, unsupported("null dataspace")
		}
		if typ == 0 {
			rank = 0
		}
	default:
		return nil, nil, unsupported("dataspace version %d", v)
	}
	for i := 0; i < rank; i++ {
		dims = append(dims, c.length())
	}
	if flags&1 != 0 {
		for i := 0; i < rank; i++ {
			maxDims = append(maxDims, c.length())
		}
	}
	return dims, maxDims, c.err
}

func (f *File) parseLayout(data []byte, rank int) (*layout, error) {
	c := f.cursor(data, "layout message")
	v := c.u8()
	l := &layout{}
	switch v {
	case 1, 2:
		ndims := int(c.u8())
		l.class = int(c.u8())
		c.skip(5)
		if l.class != layoutCompact {
			l.addr = c.addr()
		}
		dims := make([]uint64, ndims)
		for i := range dims {
			dims[i] = uint64(c.u32())
		}
		switch l.class {
		case layoutCompact:
			n := c.u32()
			l.compact = c.bytes(int(n))
		case layoutContiguous:
			l.size = undef // computed from the dataspace
		case layoutChunked:
			if ndims != rank+1 {
				return nil, malformed("chunk rank %d for a dataset of rank %d", ndims-1, rank)
			}
			l.chunk = dims[:rank]
			l.index = indexBTree1
		}
	case 3:
		l.class = int(c.u8())
		switch l.class {
		case layoutCompact:
			n := c.u16()
			l.compact = c.bytes(int(n))
		case layoutContiguous:
			l.addr = c.addr()
			l.size = c.length()
		case layoutChunked:
			ndims := int(c.u8())
			l.addr = c.addr()
			if ndims != rank+1 && c.err == nil {
				return nil, malformed("chunk rank %d for a dataset of rank %d", ndims-1, rank)
			}
			for i := 0; i < ndims; i++ {
				d := uint64(c.u32())
				if i < rank {
					l.chunk = append(l.chunk, d)
				}
			}
			l.index = indexBTree1
		case layoutVirtual:
			return nil, unsupported("virtual dataset")
		}
	case 4:
		l.class = int(c.u8())
		switch l.class {
		case layoutCompact:
			n := c.u16()
			l.compact = c.bytes(int(n))
		case layoutContiguous:
			l.addr = c.addr()
			l.size = c.length()
		case layoutChunked:
			flags := c.u8()
			l.noEdgeFilt = flags&1 != 0
			ndims := int(c.u8())
			enc := int(c.u8())
			if ndims != rank+1 && c.err == nil {
				return nil, malformed("chunk rank %d for a dataset of rank %d", ndims-1, rank)
			}
			for i := 0; i < ndims; i++ {
				d := c.uvar(enc)
				if i < rank {
					l.chunk = append(l.chunk, d)
				}
			}
			l.index = int(c.u8())
			switch l.index {
			case indexSingle:
				if flags&2 != 0 {
					l.singleSize = c.length()
					l.singleMask = c.u32()
				}
			case indexImplicit:
			case indexFixedArray:
				l.pageBits = int(c.u8())
			case indexExtArray:
				return nil, unsupported("extensible-array chunk index (a dataset with one unlimited dimension written with libver=latest)")
			case indexBTree2:
				return nil, unsupported("B-tree 2 chunk index (a dataset with several unlimited dimensions written with libver=latest)")
			default:
				return nil, unsupported("chunk index type %d", l.index)
			}
			l.addr = c.addr()
		case layoutVirtual:
			return nil, unsupported("virtual dataset")
		}
	default:
		return nil, unsupported("data layout message version %d", v)
	}
	if c.err != nil {
		return nil, c.err
	}
	if l.class > layoutChunked {
		return nil, unsupported("storage layout class %d", l.class)
	}
	for _, d := range l.chunk {
		if d == 0 {
			return nil, malformed("chunk dimension 0")
		}
	}
	return l, nil
}

// filter is one stage of a filter pipeline.
type filter struct {
	id     uint16
	name   string
	flags  uint16
	values []uint32
}

// Filter identifiers.
const (
	filterDeflate     = 1
	filterShuffle     = 2
	filterFletcher32  = 3
	filterSzip        = 4
	filterNbit        = 5
	filterScaleOffset = 6
)

var filterNames = map[uint16]string{
	filterDeflate: "deflate", filterShuffle: "shuffle", filterFletcher32: "fletcher32",
	filterSzip: "szip", filterNbit: "nbit", filterScaleOffset: "scale-offset",
	32000: "lzf", 32001: "blosc", 32004: "lz4", 32008: "bitshuffle", 32015: "zstd",
}

func filterName(id uint16, name string) string {
	if n, ok := filterNames[id]; ok {
		return n
	}
	if name != "" {
		return name
	}
	return fmt.Sprintf("#%d", id)
}

func (f *File) parseFilters(data []byte, what string) ([]filter, error) {
	c := f.cursor(data, what+" filter pipeline message")
	v := c.u8()
	n := int(c.u8())
	if v == 1 {
		c.skip(6)
	} else if v != 2 {
		return nil, unsupported("filter pipeline message version %d", v)
	}
	var out []filter
	for i := 0; i < n && c.err == nil; i++ {
		var fl filter
		fl.id = c.u16()
		nameLen := 0
		if v == 1 || fl.id >= 256 {
			nameLen = int(c.u16())
		}
		fl.flags = c.u16()
		nv := int(c.u16())
		if nameLen > 0 {
			nb := c.bytes(nameLen)
			for j, ch := range nb {
				if ch == 0 {
					nb = nb[:j]
					break
				}
			}
			fl.name = string(nb)
		}
		for j := 0; j < nv; j++ {
			fl.values = append(fl.values, c.u32())
		}
		if v == 1 && nv%2 == 1 {
			c.skip(4)
		}
		out = append(out, fl)
	}
	if c.err != nil {
		return nil, c.err
	}
	return out, nil
}

// checkFilters reports the first filter this package cannot undo.
func checkFilters(fs []filter) error {
	for _, fl := range fs {
		switch fl.id {
		case filterDeflate, filterShuffle, filterFletcher32:
		default:
			return unsupported("filter %s (id %d)", filterName(fl.id, fl.name), fl.id)
		}
	}
	return nil
}
