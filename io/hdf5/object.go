package hdf5

import "fmt"

// Header message types (HDF5 File Format Specification, IV.A.2).
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgExternal     = 0x07
	msgLayout       = 0x08
	msgGroupInfo    = 0x0A
	msgFilters      = 0x0B
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// message flag bits
const (
	msgFlagShared = 0x02
)

type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// object is a parsed object header: its messages, continuations followed.
type object struct {
	addr uint64
	msgs []message
}

func (o *object) first(typ uint16) *message {
	for i := range o.msgs {
		if o.msgs[i].typ == typ {
			return &o.msgs[i]
		}
	}
	return nil
}

func (o *object) isGroup() bool {
	return o.first(msgSymbolTable) != nil || o.first(msgLinkInfo) != nil ||
		o.first(msgLink) != nil || o.first(msgGroupInfo) != nil
}

// object returns the parsed object header at addr, from the cache if it has
// been read before.
func (f *File) object(addr uint64) (*object, error) {
	f.mu.Lock()
	o := f.objects[addr]
	f.mu.Unlock()
	if o != nil {
		return o, nil
	}
	o, err := f.readObject(addr)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.objects[addr] = o
	f.mu.Unlock()
	return o, nil
}

func (f *File) readObject(addr uint64) (*object, error) {
	what := fmt.Sprintf("object header at %d", addr)
	head, err := f.readUpTo(addr, 16, what)
	if err != nil {
		return nil, err
	}
	o := &object{addr: addr}
	if len(head) >= 4 && string(head[:4]) == "OHDR" {
		err = f.readObjectV2(o, what)
	} else {
		err = f.readObjectV1(o, head, what)
	}
	if err != nil {
		return nil, err
	}
	return o, nil
}

type block struct{ addr, size uint64 }

// blockBudget tracks the blocks of one object header: each may be read
// once, and together they cannot be larger than the file, so that
// continuation messages pointing back or at each other end as an error.
type blockBudget struct {
	seen map[uint64]bool
	left uint64
}

func (f *File) newBlockBudget() *blockBudget {
	return &blockBudget{seen: map[uint64]bool{}, left: uint64(f.size)}
}

func (b *blockBudget) take(bl block, what string) error {
	if b.seen[bl.addr] {
		return malformed("%s: header block at %d is reached twice", what, bl.addr)
	}
	if bl.size > b.left {
		return malformed("%s: header blocks larger than the file", what)
	}
	b.seen[bl.addr] = true
	b.left -= bl.size
	return nil
}

func (f *File) readObjectV1(o *object, head []byte, what string) error {
	c := f.cursor(head, what)
	if v := c.u8(); v != 1 {
		return malformed("%s: version %d (neither an object header 1 nor OHDR)", what, v)
	}
	c.skip(1)
	c.u16() // number of messages
	c.u32() // reference count
	size := uint64(c.u32())
	if c.err != nil {
		return c.err
	}
	queue := []block{{o.addr + 16, size}}
	budget := f.newBlockBudget()
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			return malformed("%s: too many continuation blocks", what)
		}
		bl := queue[0]
		queue = queue[1:]
		if err := budget.take(bl, what); err != nil {
			return err
		}
		b, err := f.readAt(bl.addr, bl.size, what)
		if err != nil {
			return err
		}
		c := f.cursor(b, what)
		for c.rest() >= 8 {
			typ := c.u16()
			sz := int(c.u16())
			flags := c.u8()
			c.skip(3)
			data := c.bytes(sz)
			if c.err != nil {
				return c.err
			}
			more, err := f.addMessage(o, typ, flags, data, what)
			if err != nil {
				return err
			}
			queue = append(queue, more...)
		}
	}
	return nil
}

func (f *File) readObjectV2(o *object, what string) error {
	// The prefix is at most 4+1+1+16+4+8 bytes.
	pre, err := f.readUpTo(o.addr, 34, what)
	if err != nil {
		return err
	}
	c := f.cursor(pre, what)
	c.skip(4)
	if v := c.u8(); v != 2 {
		return unsupported("%s: object header version %d", what, v)
	}
	flags := c.u8()
	if flags&0x20 != 0 {
		c.skip(16) // times
	}
	if flags&0x10 != 0 {
		c.skip(4) // attribute storage phase change values
	}
	size0 := c.uvar(1 << (flags & 3))
	if c.err != nil {
		return c.err
	}
	if size0 > uint64(f.size) {
		return malformed("%s: first chunk of %d bytes in a file of %d", what, size0, f.size)
	}
	prefix := uint64(c.off)
	b, err := f.readAt(o.addr, prefix+size0+4, what)
	if err != nil {
		return err
	}
	if err := checkLookup3(b, what); err != nil {
		return err
	}
	order := flags&0x04 != 0
	queue, err := f.parseMessagesV2(o, b[prefix:len(b)-4], order, what)
	if err != nil {
		return err
	}
	budget := f.newBlockBudget()
	if err := budget.take(block{o.addr, prefix + size0 + 4}, what); err != nil {
		return err
	}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			return malformed("%s: too many continuation blocks", what)
		}
		bl := queue[0]
		queue = queue[1:]
		if err := budget.take(bl, what); err != nil {
			return err
		}
		b, err := f.readAt(bl.addr, bl.size, what)
		if err != nil {
			return err
		}
		if len(b) < 8 || string(b[:4]) != "OCHK" {
			return malformed("%s: continuation block without OCHK signature", what)
		}
		if err := checkLookup3(b, what+" continuation"); err != nil {
			return err
		}
		more, err := f.parseMessagesV2(o, b[4:len(b)-4], order, what)
		if err != nil {
			return err
		}
		queue = append(queue, more...)
	}
	return nil
}

func (f *File) parseMessagesV2(o *object, b []byte, order bool, what string) ([]block, error) {
	hdr := 4
	if order {
		hdr = 6
	}
	var queue []block
	c := f.cursor(b, what)
	for c.rest() >= hdr {
		typ := uint16(c.u8())
		sz := int(c.u16())
		flags := c.u8()
		if order {
			c.skip(2)
		}
		data := c.bytes(sz)
		if c.err != nil {
			return nil, c.err
		}
		more, err := f.addMessage(o, typ, flags, data, what)
		if err != nil {
			return nil, err
		}
		queue = append(queue, more...)
	}
	return queue, nil
}

// addMessage appends a message to o, or returns the block a continuation
// message points to.
func (f *File) addMessage(o *object, typ uint16, flags uint8, data []byte, what string) ([]block, error) {
	switch typ {
	case msgNil:
		return nil, nil
	case msgContinuation:
		c := f.cursor(data, what+" continuation message")
		bl := block{c.addr(), c.length()}
		if c.err != nil {
			return nil, c.err
		}
		return []block{bl}, nil
	}
	o.msgs = append(o.msgs, message{typ: typ, flags: flags, data: data})
	return nil, nil
}
