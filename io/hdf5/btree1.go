package hdf5

import "fmt"

// btEntry is a child of a version-1 B-tree node with the key before it.
type btEntry struct {
	key   []byte
	child uint64
}

// btreeV1Node reads one node of a version-1 B-tree of the given type (0:
// group nodes, 1: raw data chunks; dims is the chunk dimensionality, rank+1,
// for type 1). It returns the node level (0 for leaves) and its children.
func (f *File) btreeV1Node(addr uint64, typ uint8, dims int) (int, []btEntry, error) {
	what := fmt.Sprintf("B-tree node at %d", addr)
	hdr := 8 + 2*f.offSize
	b, err := f.readUpTo(addr, uint64(hdr), what)
	if err != nil {
		return 0, nil, err
	}
	c := f.cursor(b, what)
	c.signature("TREE")
	if t := c.u8(); t != typ && c.err == nil {
		return 0, nil, malformed("%s: node type %d, want %d", what, t, typ)
	}
	level := int(c.u8())
	n := int(c.u16())
	if c.err != nil {
		return 0, nil, c.err
	}
	keySize := f.lenSize
	if typ == 1 {
		keySize = 8 + 8*dims
	}
	b, err = f.readAt(addr+uint64(hdr), uint64(n*(keySize+f.offSize)+keySize), what)
	if err != nil {
		return 0, nil, err
	}
	c = f.cursor(b, what)
	out := make([]btEntry, n)
	for i := range out {
		out[i].key = c.bytes(keySize)
		out[i].child = c.addr()
	}
	return level, out, c.err
}
