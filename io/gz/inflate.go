package gz

import (
	"encoding/binary"
	"errors"
	"io"
	"sync"
)

// inflater decodes a DEFLATE stream (RFC 1951). It is written for the
// speed of the gzipped partitions that every catalog run reads first (a
// quarter of a run's CPU time went to decompression): the layout of
// libdeflate's decoder, in Go. A 64-bit bit buffer is refilled eight bytes
// at a time, once per symbol, which is enough for a literal/length code,
// its extra bits, a distance code and its extra bits (at most 48 bits);
// the Huffman tables give a symbol's kind, base and extra bits in one
// entry; up to three literals are decoded per refill; and matches are
// copied eight bytes at a time. Output goes to a window of the last 32 KiB
// plus the bytes not yet handed out, so a decode pauses between symbols
// and resumes in the same block.
type inflater struct {
	src    io.Reader
	in     []byte // in[ip:iend] is input not yet in the bit buffer
	ip     int
	iend   int
	srcErr error // the source's last error (io.EOF at its end)
	over   int   // zero bytes put into the bit buffer past the end of the input

	bits  uint64 // the next nbits bits of the stream, from bit 0; above them
	nbits uint   // possibly the stream's following bits again (the eight-byte refill)

	out   []byte // out[rp:op] is decoded but not yet handed out
	rp    int
	op    int
	start int // where the current stream's output starts in out (no match reaches before it)

	state  int
	final  bool
	stored int // bytes left in a stored block
	lit    huffTable
	dist   huffTable
	code   huffTable
	lens   [286 + 30]uint8
	fixed  bool // lit and dist are the fixed codes (copied from fixedTables)
}

const (
	windowSize = 1 << 15
	outChunk   = 1 << 18 // bytes decoded between slides of the window
	maxMatch   = 258
	outSlack   = 8 // an eight-byte match copy writes up to 7 bytes past the match
	inSize     = 1 << 16
	inKeep     = 8 // bytes kept before in[ip] when the input is compacted (byteAlign gives some back)

	litBits  = 10 // main index bits of the literal/length table
	distBits = 8
)

const (
	stateHeader = iota
	stateStored
	stateHuffman
	stateDone
)

var (
	errCorrupt  = errors.New("flate: corrupt input")
	errDistance = errors.New("flate: corrupt input: distance too far back")
	errBlock    = errors.New("flate: corrupt input: invalid block type")
	errStored   = errors.New("flate: corrupt input: stored block length does not match its complement")
	errCounts   = errors.New("flate: corrupt input: too many length or distance symbols")
	errRepeat   = errors.New("flate: corrupt input: invalid code length repeat")
	errNoEnd    = errors.New("flate: corrupt input: no end-of-block code")
)

func newInflater(src io.Reader) *inflater {
	return &inflater{
		src: src,
		in:  make([]byte, inKeep+inSize+8),
		ip:  inKeep, iend: inKeep,
		out: make([]byte, windowSize+outChunk+maxMatch+outSlack),
	}
}

// reset starts a new DEFLATE stream at the current input position: its
// matches may not reach into what was decoded before.
func (z *inflater) reset() {
	z.state, z.final, z.stored = stateHeader, false, 0
	z.start = z.op
}

// fill moves the unread input to the front of the buffer (keeping inKeep
// bytes before it) and reads more, until at least 16 bytes are buffered or
// the source has nothing more.
func (z *inflater) fill() {
	if z.ip > inKeep {
		n := copy(z.in, z.in[z.ip-inKeep:z.iend])
		z.iend, z.ip = n, inKeep
	}
	for empty := 0; z.srcErr == nil && z.iend-z.ip < 16; {
		n, err := z.src.Read(z.in[z.iend : len(z.in)-8])
		z.iend += n
		switch {
		case err != nil:
			z.srcErr = err
		case n > 0:
			empty = 0
		default: // as bufio.Reader: a reader may return 0, nil, but not forever
			if empty++; empty == 100 {
				z.srcErr = io.ErrNoProgress
			}
		}
	}
}

// refillSlow fills the bit buffer to at least 56 bits where fewer than 8
// bytes of input are buffered; past the end of the input it shifts in zero
// bytes and counts them (over).
func (z *inflater) refillSlow() {
	if z.srcErr == nil {
		z.fill()
	}
	if z.iend-z.ip >= 8 {
		z.bits, z.nbits, z.ip = refill8(z.in, z.ip, z.bits, z.nbits)
		return
	}
	for z.nbits <= 56 {
		if z.ip < z.iend {
			z.bits |= uint64(z.in[z.ip]) << z.nbits
			z.ip++
		} else {
			z.over++
		}
		z.nbits += 8
	}
}

// refill8 adds the eight bytes at in[ip:] to the bit buffer (bits, nbits),
// which then holds 56 to 63 bits. Only the whole bytes that fit are counted
// (the new ip), so the bits above nbits are those of the next bytes, and
// the next refill ORs them in again unchanged.
func refill8(in []byte, ip int, bits uint64, nbits uint) (uint64, uint, int) {
	bits |= binary.LittleEndian.Uint64(in[ip:]) << nbits
	return bits, nbits | 56, ip + int(63-nbits)>>3
}

// refillSlowly is refillSlow for the decoding loops: false if the stream
// has gone past the end of its input (truncated).
func (z *inflater) refillSlowly() bool {
	z.refillSlow()
	return !z.truncated()
}

// truncated reports whether the decoder has used bits past the end of the
// input; it must then stop (the zeros it read could decode forever).
func (z *inflater) truncated() bool { return z.over > 8 }

// take returns the next n (<= 32) bits, refilling first.
func (z *inflater) take(n uint) (uint32, error) {
	if z.nbits < n && !z.refillSlowly() {
		return 0, z.endError()
	}
	v := uint32(z.bits & (1<<n - 1))
	z.bits >>= n
	z.nbits -= n
	return v, nil
}

// endError is the error for a stream that needs more input than there is:
// the source's own failure, or io.ErrUnexpectedEOF.
func (z *inflater) endError() error {
	if z.srcErr != nil && z.srcErr != io.EOF {
		return z.srcErr
	}
	return io.ErrUnexpectedEOF
}

// byteAlign drops the bits up to the next byte boundary and gives the whole
// bytes left in the bit buffer back to the input, so that the next bytes
// are read from in[ip:].
func (z *inflater) byteAlign() error {
	back := int(z.nbits>>3) - z.over
	if back < 0 {
		return z.endError()
	}
	z.ip -= back
	z.bits, z.nbits, z.over = 0, 0, 0
	return nil
}

// readByte reads a byte of the input after byteAlign.
func (z *inflater) readByte() (byte, error) {
	if z.ip >= z.iend {
		if z.srcErr == nil {
			z.fill()
		}
		if z.ip >= z.iend {
			return 0, z.endError()
		}
	}
	b := z.in[z.ip]
	z.ip++
	return b, nil
}

// readFull fills b with the next bytes of the input after byteAlign.
func (z *inflater) readFull(b []byte) error {
	for i := range b {
		c, err := z.readByte()
		if err != nil {
			return err
		}
		b[i] = c
	}
	return nil
}

// peek returns up to n (<= 16) buffered bytes of the input after byteAlign
// without consuming them; fewer only at the end of the input.
func (z *inflater) peek(n int) []byte {
	if z.iend-z.ip < n && z.srcErr == nil {
		z.fill()
	}
	return z.in[z.ip:min(z.iend, z.ip+n)]
}

// decode decodes until the window holds outChunk bytes past its history,
// or the stream has ended (stateDone).
func (z *inflater) decode() error {
	if err := z.decodeBlocks(); err != nil {
		return z.fail(err)
	}
	return nil
}

// fail is the error to report for err: a stream that went on in the zero
// bits past the end of the input is truncated, whatever those zeros seemed
// to say.
func (z *inflater) fail(err error) error {
	if uint(z.over)*8 > z.nbits {
		return z.endError()
	}
	return err
}

func (z *inflater) decodeBlocks() error {
	limit := len(z.out) - maxMatch - outSlack
	for z.op < limit {
		switch z.state {
		case stateHeader:
			if z.final {
				z.state = stateDone
				return nil
			}
			h, err := z.take(3)
			if err != nil {
				return err
			}
			z.final = h&1 == 1
			switch h >> 1 {
			case 0:
				if err := z.storedHeader(); err != nil {
					return err
				}
			case 1:
				z.useFixed()
				z.state = stateHuffman
			case 2:
				if err := z.dynamicHeader(); err != nil {
					return err
				}
				z.state = stateHuffman
			default:
				return errBlock
			}
		case stateStored:
			if err := z.copyStored(limit); err != nil {
				return err
			}
		case stateHuffman:
			if err := z.huffman(limit); err != nil {
				return err
			}
		case stateDone:
			return nil
		}
	}
	return nil
}

func (z *inflater) storedHeader() error {
	if err := z.byteAlign(); err != nil {
		return err
	}
	var h [4]byte
	if err := z.readFull(h[:]); err != nil {
		return err
	}
	n := binary.LittleEndian.Uint16(h[0:])
	if n != ^binary.LittleEndian.Uint16(h[2:]) {
		return errStored
	}
	z.stored = int(n)
	z.state = stateStored
	return nil
}

func (z *inflater) copyStored(limit int) error {
	for z.stored > 0 && z.op < limit {
		if z.ip >= z.iend {
			if z.srcErr == nil {
				z.fill()
			}
			if z.ip >= z.iend {
				return z.endError()
			}
		}
		n := copy(z.out[z.op:min(limit, z.op+z.stored)], z.in[z.ip:z.iend])
		z.op += n
		z.ip += n
		z.stored -= n
	}
	if z.stored == 0 {
		z.state = stateHeader
	}
	return nil
}

var fixedTables = sync.OnceValue(func() [2]huffTable {
	var l [288 + 32]uint8
	for i := range 288 {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	for i := range 32 {
		l[288+i] = 5
	}
	var t [2]huffTable
	if t[0].build(l[:288], litBits, litLenSymbol) != nil || t[1].build(l[288:], distBits, distSymbol) != nil {
		panic("gz: the fixed Huffman codes do not build")
	}
	return t
})

func (z *inflater) useFixed() {
	f := fixedTables()
	z.lit, z.dist = f[0], f[1] // shared, never written: the next dynamic block builds its own
	z.fixed = true
}

// codeOrder is the order of the code length code's lengths (RFC 1951, 3.2.7).
var codeOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

func (z *inflater) dynamicHeader() error {
	h, err := z.take(14)
	if err != nil {
		return err
	}
	nlit, ndist, ncode := int(h&31)+257, int(h>>5&31)+1, int(h>>10)+4
	if nlit > 286 || ndist > 30 {
		return errCounts
	}
	var cl [19]uint8
	for i := range ncode {
		v, err := z.take(3)
		if err != nil {
			return err
		}
		cl[codeOrder[i]] = uint8(v)
	}
	if err := z.code.build(cl[:], 7, codeSymbol); err != nil {
		return err
	}
	if z.fixed { // the fixed tables are shared: build into tables of our own
		z.lit, z.dist, z.fixed = huffTable{}, huffTable{}, false
	}
	lens := z.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		if z.nbits < 16 && !z.refillSlowly() {
			return z.endError()
		}
		e := z.code.e[z.bits&(1<<z.code.bits-1)]
		if entryKind(e) != kindLiteral {
			return errCorrupt
		}
		z.bits >>= entryLen(e)
		z.nbits -= entryLen(e)
		sym := entryVal(e)
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var n int
		var v uint8
		switch sym {
		case 16:
			if i == 0 {
				return errRepeat
			}
			v = lens[i-1]
			n = 3 + int(z.bits&3)
			z.bits >>= 2
			z.nbits -= 2
		case 17:
			n = 3 + int(z.bits&7)
			z.bits >>= 3
			z.nbits -= 3
		default:
			n = 11 + int(z.bits&127)
			z.bits >>= 7
			z.nbits -= 7
		}
		if i+n > len(lens) {
			return errRepeat
		}
		for j := range n {
			lens[i+j] = v
		}
		i += n
	}
	if lens[256] == 0 {
		return errNoEnd
	}
	if err := z.lit.build(lens[:nlit], litBits, litLenSymbol); err != nil {
		return err
	}
	return z.dist.build(lens[nlit:], distBits, distSymbol)
}

// huffman decodes symbols of a Huffman block until its end or until the
// output reaches limit. Its state lives in locals, written back on return.
func (z *inflater) huffman(limit int) error {
	lt, lbits := z.lit.e, z.lit.bits
	dt, dbits := z.dist.e, z.dist.bits
	lmask, dmask := uint64(1)<<lbits-1, uint64(1)<<dbits-1
	in, out := z.in, z.out
	bitbuf, nbits, ip, op := z.bits, z.nbits, z.ip, z.op
	for op < limit {
		if z.iend-ip >= 8 { // refill8, by hand: the compiler's inlined call is 3 % slower here
			bitbuf |= binary.LittleEndian.Uint64(in[ip:]) << nbits
			ip += int(63-nbits) >> 3
			nbits |= 56
		} else {
			z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
			if !z.refillSlowly() {
				return z.endError()
			}
			in, bitbuf, nbits, ip = z.in, z.bits, z.nbits, z.ip
		}
		e := lt[bitbuf&lmask]
		if entryKind(e) == kindLiteral {
			// Up to three literals per refill: each takes at most 15 of the 56 bits.
			// Unrolled by hand: as a loop of three the decoder ran 8 % slower.
			n := entryLen(e)
			bitbuf >>= n
			nbits -= n
			out[op] = byte(e >> 16)
			op++
			e = lt[bitbuf&lmask]
			if entryKind(e) != kindLiteral {
				goto symbol
			}
			n = entryLen(e)
			bitbuf >>= n
			nbits -= n
			out[op] = byte(e >> 16)
			op++
			e = lt[bitbuf&lmask]
			if entryKind(e) != kindLiteral {
				goto symbol
			}
			n = entryLen(e)
			bitbuf >>= n
			nbits -= n
			out[op] = byte(e >> 16)
			op++
			continue
		}
	symbol:
		if entryKind(e) == kindSub {
			bitbuf >>= lbits
			nbits -= lbits
			e = lt[uint64(entryVal(e))+bitbuf&(1<<entryExtra(e)-1)]
		}
		// The bits checked: after up to two literals (30 bits) a length
		// code takes at most 15 + 5, which can leave 6 for its distance:
		// refill before the distance where fewer than 28 are left.
		n := entryLen(e)
		bitbuf >>= n
		nbits -= n
		switch entryKind(e) {
		case kindLiteral:
			out[op] = byte(e >> 16)
			op++
			continue
		case kindBase:
		case kindEnd:
			z.state = stateHeader
			z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
			return nil
		default:
			z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
			return errCorrupt
		}
		x := entryExtra(e)
		length := int(entryVal(e)) + int(bitbuf&(1<<x-1))
		bitbuf >>= x
		nbits -= x
		if nbits < 28 {
			if z.iend-ip >= 8 { // refill8, as above
				bitbuf |= binary.LittleEndian.Uint64(in[ip:]) << nbits
				ip += int(63-nbits) >> 3
				nbits |= 56
			} else {
				z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
				if !z.refillSlowly() {
					return z.endError()
				}
				in, bitbuf, nbits, ip = z.in, z.bits, z.nbits, z.ip
			}
		}
		e = dt[bitbuf&dmask]
		if entryKind(e) == kindSub {
			bitbuf >>= dbits
			nbits -= dbits
			e = dt[uint64(entryVal(e))+bitbuf&(1<<entryExtra(e)-1)]
		}
		n = entryLen(e)
		bitbuf >>= n
		nbits -= n
		if entryKind(e) != kindBase {
			z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
			return errCorrupt
		}
		x = entryExtra(e)
		dist := int(entryVal(e)) + int(bitbuf&(1<<x-1))
		bitbuf >>= x
		nbits -= x
		if dist > op-z.start {
			z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
			return errDistance
		}
		src := op - dist
		switch {
		case dist >= 8:
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[op+i:], binary.LittleEndian.Uint64(out[src+i:]))
			}
		case dist == 1:
			v := uint64(out[src]) * 0x0101010101010101
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[op+i:], v)
			}
		default:
			for i := range length {
				out[op+i] = out[src+i]
			}
		}
		op += length
	}
	z.bits, z.nbits, z.ip, z.op = bitbuf, nbits, ip, op
	return nil
}

// slide keeps the last windowSize bytes of output as history once all of
// the output has been handed out.
func (z *inflater) slide() {
	if z.rp != z.op || z.op <= windowSize {
		return
	}
	n := z.op - windowSize
	copy(z.out, z.out[n:z.op])
	z.op, z.rp = windowSize, windowSize
	z.start = max(0, z.start-n)
}
