package partition

import (
	"math"
	"math/big"
	"math/bits"
)

// The Gaia archive writes its double columns (ra, dec, parallax, the
// magnitudes, ...) with the 16-17 significant digits of the shortest
// round-trip form. Their mantissas exceed 2^53, so Clinger's exact fast
// path (fastFloat) cannot take them, and they were a third of a row's
// parsing in strconv.ParseFloat. Lemire's algorithm (Lemire 2021, "Number
// parsing at a gigabyte per second", after Eisel) rounds a decimal with a
// 64-bit mantissa correctly with one or two 64x64-bit products and a table
// of 10^q to 128 bits, and reports the rare inputs it cannot decide, which
// go to strconv.ParseFloat as before.

// lemireMinQ and lemireMaxQ bound the decimal exponents of the table: a
// catalog's numbers, even in e-notation with 19 digits, fall well
// inside; anything else goes to strconv.
const (
	lemireMinQ = -100
	lemireMaxQ = 100
)

// pow10Wide holds, for q in [lemireMinQ, lemireMaxQ], the 128 leading bits
// of 10^q rounded down: 10^q = (hi·2^64 + lo + δ)·2^(floor(q·log2 10)-127)
// with 0 <= δ < 1 and hi's top bit set.
var pow10Wide = func() [lemireMaxQ - lemireMinQ + 1][2]uint64 {
	var t [lemireMaxQ - lemireMinQ + 1][2]uint64
	ten := big.NewInt(10)
	for q := lemireMinQ; q <= lemireMaxQ; q++ {
		var m big.Int
		if q >= 0 {
			m.Exp(ten, big.NewInt(int64(q)), nil)
			// Shift to 128 bits, down (truncating) or up.
			if s := m.BitLen() - 128; s > 0 {
				m.Rsh(&m, uint(s))
			} else {
				m.Lsh(&m, uint(-s))
			}
		} else {
			// floor(2^k / 10^-q) with k such that the quotient has 128 bits.
			var p big.Int
			p.Exp(ten, big.NewInt(int64(-q)), nil)
			k := 127 + p.BitLen()
			m.Lsh(big.NewInt(1), uint(k))
			m.Quo(&m, &p)
			if m.BitLen() > 128 {
				m.Rsh(&m, 1)
			}
		}
		var lo big.Int
		lo.And(&m, new(big.Int).SetUint64(math.MaxUint64))
		t[q-lemireMinQ] = [2]uint64{new(big.Int).Rsh(&m, 64).Uint64(), lo.Uint64()}
	}
	return t
}()

// lemireFloat returns the float64 nearest to man·10^q (ties to even), or
// ok == false where the table's 128 bits do not decide the rounding, the
// exponent is outside the table, or the result would overflow or be
// subnormal. man must not be zero.
func lemireFloat(man uint64, q int, neg bool) (v float64, ok bool) {
	if q < lemireMinQ || q > lemireMaxQ {
		return 0, false
	}
	t := &pow10Wide[q-lemireMinQ]
	// Normalise the mantissa to [2^63, 2^64).
	shift := bits.LeadingZeros64(man)
	w := man << shift
	// The leading 64 bits of w·T, where T = t[0]·2^64 + t[1] (192-bit
	// product). Ignoring w·t[1] leaves an error below w in the middle word:
	// it can reach the bits kept only if those below the 54 kept are all
	// ones and the middle word is within w of overflowing.
	hi, mid := bits.Mul64(w, t[0])
	if hi&0x1ff == 0x1ff && mid+w < mid {
		lhi, llo := bits.Mul64(w, t[1])
		var c uint64
		mid, c = bits.Add64(mid, lhi, 0)
		hi += c
		// T itself is short of 10^q by less than one unit of its last
		// bit: an error below w in the lowest word, which cannot be
		// resolved if it could carry all the way up.
		if hi&0x1ff == 0x1ff && mid == math.MaxUint64 && llo+w < llo {
			return 0, false
		}
	}
	// Keep 54 bits (one for rounding): the product's top bit is at 127
	// or 126 of the 128 upper bits.
	top := hi >> 63
	m := hi >> (9 + top)
	// The binary exponent: floor(q·log2 10) (217706/2^16 = log2 10 to
	// better than 1e-6, exact as a floor for |q| < 1650), biased.
	exp2 := ((217706 * q) >> 16) + 63 + 1023 - shift + int(top)
	// A product exactly halfway between two doubles by these bits may be
	// just below or just above it in truth: let strconv decide.
	if mid == 0 && hi&0x1ff == 0 && m&3 == 1 {
		return 0, false
	}
	// Round to 53 bits, half to even (the halfway case above excluded,
	// an odd 54th bit means "above half" or "exactly half, round to
	// even" alike).
	m = (m + m&1) >> 1
	if m >= 1<<53 { // rounding carried into a new bit
		m >>= 1
		exp2++
	}
	if exp2 <= 0 || exp2 >= 0x7ff {
		return 0, false
	}
	b := uint64(exp2)<<52 | m&(1<<52-1)
	if neg {
		b |= 1 << 63
	}
	return math.Float64frombits(b), true
}
