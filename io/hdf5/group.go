package hdf5

import (
	"fmt"
	"sort"
)

// Group is an HDF5 group.
type Group struct {
	f    *File
	addr uint64
	path string
}

// Path returns the absolute path of g.
func (g *Group) Path() string { return g.path }

// Names returns the names of g's members, sorted.
func (g *Group) Names() ([]string, error) {
	o, err := g.f.object(g.addr)
	if err != nil {
		return nil, err
	}
	links, err := g.f.links(o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", g.path, err)
	}
	names := make([]string, len(links))
	for i, l := range links {
		names[i] = l.name
	}
	sort.Strings(names)
	return names, nil
}

// Attr returns the attribute of g called name.
func (g *Group) Attr(name string) (*Attribute, error) {
	o, err := g.f.object(g.addr)
	if err != nil {
		return nil, err
	}
	return g.f.attr(o, name, g.path)
}

// Attrs returns all attributes of g.
func (g *Group) Attrs() ([]*Attribute, error) {
	o, err := g.f.object(g.addr)
	if err != nil {
		return nil, err
	}
	return g.f.attrs(o, g.path)
}

type link struct {
	name string
	addr uint64 // hard link: object header
	soft string // soft link: target path
}

func (f *File) findLink(o *object, name string) (link, error) {
	links, err := f.links(o)
	if err != nil {
		return link{}, err
	}
	for _, l := range links {
		if l.name == name {
			return l, nil
		}
	}
	return link{}, fmt.Errorf("%w: no member %q", ErrNotFound, name)
}

// links lists the members of the group whose header is o: from its symbol
// table (old-style groups) or its link messages (new-style compact groups).
func (f *File) links(o *object) ([]link, error) {
	if m := o.first(msgSymbolTable); m != nil {
		c := f.cursor(m.data, "symbol table message")
		btree, heap := c.addr(), c.addr()
		if c.err != nil {
			return nil, c.err
		}
		return f.symbolTable(btree, heap)
	}
	if m := o.first(msgLinkInfo); m != nil {
		c := f.cursor(m.data, "link info message")
		if v := c.u8(); v != 0 {
			return nil, unsupported("link info message version %d", v)
		}
		flags := c.u8()
		if flags&1 != 0 {
			c.skip(8)
		}
		heap := c.addr()
		if c.err != nil {
			return nil, c.err
		}
		if heap != undef {
			return nil, unsupported("dense link storage (fractal heap and B-tree 2; a group with more than 8 members written with libver=latest)")
		}
	}
	var out []link
	for _, m := range o.msgs {
		if m.typ != msgLink {
			continue
		}
		l, err := f.parseLink(m.data)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (f *File) parseLink(b []byte) (link, error) {
	c := f.cursor(b, "link message")
	if v := c.u8(); v != 1 {
		return link{}, unsupported("link message version %d", v)
	}
	flags := c.u8()
	typ := uint8(0)
	if flags&0x08 != 0 {
		typ = c.u8()
	}
	if flags&0x04 != 0 {
		c.skip(8) // creation order
	}
	if flags&0x10 != 0 {
		c.skip(1) // character set
	}
	n := c.uvar(1 << (flags & 3))
	l := link{name: string(c.bytes(int(n)))}
	switch typ {
	case 0:
		l.addr = c.addr()
	case 1:
		m := c.u16()
		l.soft = string(c.bytes(int(m)))
		if l.soft == "" && c.err == nil {
			return link{}, malformed("soft link %q with an empty target", l.name)
		}
	case 64:
		return link{}, unsupported("external link %q", l.name)
	default:
		return link{}, unsupported("link type %d (%q)", typ, l.name)
	}
	return l, c.err
}

// symbolTable walks the group B-tree (version 1, node type 0) rooted at
// btree and resolves member names in the local heap at heap.
func (f *File) symbolTable(btree, heap uint64) ([]link, error) {
	names, err := f.localHeap(heap)
	if err != nil {
		return nil, err
	}
	var out []link
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth int) error
	walk = func(addr uint64, depth int) error {
		if depth > 64 {
			return malformed("group B-tree deeper than 64 levels")
		}
		if seen[addr] { // a cycle, or a node shared by two parents
			return malformed("group B-tree node at %d is reached twice", addr)
		}
		seen[addr] = true
		level, children, err := f.btreeV1Node(addr, 0, 0)
		if err != nil {
			return err
		}
		for _, ch := range children {
			if level > 0 {
				if err := walk(ch.child, depth+1); err != nil {
					return err
				}
				continue
			}
			if seen[ch.child] {
				return malformed("symbol table node at %d is listed twice", ch.child)
			}
			seen[ch.child] = true
			ls, err := f.symbolNode(ch.child, names)
			if err != nil {
				return err
			}
			out = append(out, ls...)
		}
		return nil
	}
	if err := walk(btree, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// localHeap returns the data segment of the local heap at addr.
func (f *File) localHeap(addr uint64) ([]byte, error) {
	what := fmt.Sprintf("local heap at %d", addr)
	b, err := f.readUpTo(addr, uint64(8+2*f.lenSize+f.offSize), what)
	if err != nil {
		return nil, err
	}
	c := f.cursor(b, what)
	c.signature("HEAP")
	if v := c.u8(); v != 0 && c.err == nil {
		return nil, unsupported("local heap version %d", v)
	}
	c.skip(3)
	size := c.length()
	c.length() // free list
	data := c.addr()
	if c.err != nil {
		return nil, c.err
	}
	return f.readAt(data, size, what+" data")
}

// symbolNode reads a symbol table node (SNOD) and names its entries.
func (f *File) symbolNode(addr uint64, heap []byte) ([]link, error) {
	what := fmt.Sprintf("symbol table node at %d", addr)
	b, err := f.readUpTo(addr, 8, what)
	if err != nil {
		return nil, err
	}
	c := f.cursor(b, what)
	c.signature("SNOD")
	if v := c.u8(); v != 1 && c.err == nil {
		return nil, unsupported("symbol table node version %d", v)
	}
	c.skip(1)
	n := int(c.u16())
	if c.err != nil {
		return nil, c.err
	}
	entry := 2*f.offSize + 24
	b, err = f.readAt(addr+8, uint64(n*entry), what)
	if err != nil {
		return nil, err
	}
	c = f.cursor(b, what)
	out := make([]link, 0, n)
	for i := 0; i < n; i++ {
		nameOff := c.uvar(f.offSize)
		obj := c.addr()
		cache := c.u32()
		c.skip(4)
		scratch := c.bytes(16)
		if c.err != nil {
			return nil, c.err
		}
		name, err := heapString(heap, nameOff, what)
		if err != nil {
			return nil, err
		}
		l := link{name: name, addr: obj}
		if cache == 2 { // a soft link: its value is in the local heap
			sc := f.cursor(scratch, what)
			if l.soft, err = heapString(heap, uint64(sc.u32()), what); err != nil {
				return nil, err
			}
			if l.soft == "" {
				return nil, malformed("%s: soft link %q with an empty target", what, name)
			}
		}
		out = append(out, l)
	}
	return out, nil
}

func heapString(heap []byte, off uint64, what string) (string, error) {
	if off >= uint64(len(heap)) {
		return "", malformed("%s: offset %d outside the local heap", what, off)
	}
	hc := &cursor{b: heap[off:], what: what + " name"}
	s := hc.cstring()
	return s, hc.err
}
