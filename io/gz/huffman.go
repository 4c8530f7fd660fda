package gz

import (
	"errors"
	"math/bits"
)

// A Huffman table decodes one code of a DEFLATE block from the low bits of
// the bit buffer (codes are packed from their most significant bit, so the
// table is indexed by the bit-reversed code). Codes no longer than the main
// table's index take one lookup; longer ones point from the main table to a
// subtable indexed by the bits that follow, as zlib and libdeflate do.
//
// An entry packs what the decoder needs without another lookup:
//
//	bits 0-4    the bits the code takes (in a subtable: those after the main index)
//	bits 5-8    the extra bits that follow the code (a subtable's index bits)
//	bits 9-11   its kind: a literal, a length or distance base, the end of block, a subtable, invalid
//	bits 16-31  the literal byte, the base, or the subtable's offset
type huffTable struct {
	e    []uint32
	bits uint // the main table's index bits
}

const (
	kindLiteral = iota
	kindBase    // a length (literal/length table) or a distance (distance table)
	kindEnd
	kindSub
	kindBad
)

func entry(kind, n, extra, val uint32) uint32 {
	return n | extra<<5 | kind<<9 | val<<16
}

func entryLen(e uint32) uint    { return uint(e & 31) }
func entryExtra(e uint32) uint  { return uint(e>>5) & 15 }
func entryKind(e uint32) uint32 { return e >> 9 & 7 }
func entryVal(e uint32) uint32  { return e >> 16 }

var (
	errOversubscribed = errors.New("flate: corrupt input: over-subscribed Huffman code")
	errIncomplete     = errors.New("flate: corrupt input: incomplete Huffman code")
)

// The bases and extra bits of DEFLATE's length symbols 257-285 and distance
// symbols 0-29 (RFC 1951, 3.2.5).
var (
	lengthBase  = [29]uint32{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]uint32{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint32{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// litLenSymbol and distSymbol give a symbol's entry without its code length.
func litLenSymbol(sym int) uint32 {
	switch {
	case sym < 256:
		return entry(kindLiteral, 0, 0, uint32(sym))
	case sym == 256:
		return entry(kindEnd, 0, 0, 0)
	case sym < 286:
		return entry(kindBase, 0, lengthExtra[sym-257], lengthBase[sym-257])
	}
	return entry(kindBad, 0, 0, 0) // 286 and 287 take part in the fixed code but never occur
}

func distSymbol(sym int) uint32 {
	if sym < 30 {
		return entry(kindBase, 0, distExtra[sym], distBase[sym])
	}
	return entry(kindBad, 0, 0, 0)
}

func codeSymbol(sym int) uint32 { return entry(kindLiteral, 0, 0, uint32(sym)) }

// build makes t the table of the canonical code with the given code
// lengths (0: the symbol does not occur), symbol i's entry from symbol(i).
// An over-subscribed code is an error, and so is an incomplete one, except
// a code of one symbol of length one (RFC 1951 allows a distance code of a
// single code, and zlib accepts it for every table) or no symbol at all
// (a block without matches needs no distance code): its unused codes
// decode as invalid.
func (t *huffTable) build(lengths []uint8, maxBits uint, symbol func(int) uint32) error {
	var count [16]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	left, maxLen := 1, uint(0)
	for l := 1; l < 16; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return errOversubscribed
		}
		if count[l] > 0 {
			maxLen = uint(l)
		}
	}
	if left > 0 && maxLen > 1 {
		return errIncomplete
	}
	tb := min(maxBits, max(maxLen, 1))
	bad := entry(kindBad, 0, 0, 0)
	t.bits = tb
	t.e = t.e[:0]
	for range 1 << tb {
		t.e = append(t.e, bad)
	}
	var next [16]uint32
	code := uint32(0)
	for l := 1; l < 16; l++ {
		code = (code + uint32(count[l-1])) << 1
		next[l] = code
	}
	sb := uint(0)
	if maxLen > tb {
		sb = maxLen - tb
	}
	for sym, l8 := range lengths {
		l := uint(l8)
		if l == 0 {
			continue
		}
		r := bits.Reverse32(next[l]) >> (32 - l)
		next[l]++
		info := symbol(sym)
		if l <= tb {
			for i := r; i < 1<<tb; i += 1 << l {
				t.e[i] = info | uint32(l)
			}
			continue
		}
		prefix := r & (1<<tb - 1)
		if entryKind(t.e[prefix]) != kindSub {
			t.e[prefix] = entry(kindSub, uint32(tb), uint32(sb), uint32(len(t.e)))
			for range 1 << sb {
				t.e = append(t.e, bad)
			}
		}
		off := entryVal(t.e[prefix])
		for i := r >> tb; i < 1<<sb; i += 1 << (l - tb) {
			t.e[off+i] = info | uint32(l-tb)
		}
	}
	return nil
}
