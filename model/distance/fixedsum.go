package distance

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strings"
)

// FixedSum is a sum of float64 values that does not depend on the order of
// its additions and merges: each addend is rounded to a multiple of 2^-32
// (2.3e-10) and the multiples are added exactly, in 128-bit integers. A
// catalog's Table 1 is summed over blocks and shards that runners deliver
// in any order; with float64 sums its last digits changed from run to run.
// Addends must be finite and below 2^94 (2e28) in magnitude.
type FixedSum struct {
	Hi int64  // the high word of the two's-complement 128-bit count of 2^-32 units
	Lo uint64 // the low word
}

const fixedScale = 1 << 32

// Add adds x, rounded to the nearest multiple of 2^-32 (ties to even).
func (s *FixedSum) Add(x float64) {
	s.Merge(fixedOf(x))
}

// Merge adds the sum o.
func (s *FixedSum) Merge(o FixedSum) {
	lo, carry := bits.Add64(s.Lo, o.Lo, 0)
	s.Hi, s.Lo = s.Hi+o.Hi+int64(carry), lo
}

// Float64 returns the sum, rounded to float64.
func (s FixedSum) Float64() float64 {
	f, _ := s.big().Float64()
	return f
}

// big returns the sum exactly.
func (s FixedSum) big() *big.Float {
	v := new(big.Int).SetInt64(s.Hi)
	v.Lsh(v, 64)
	v.Add(v, new(big.Int).SetUint64(s.Lo))
	f := new(big.Float).SetPrec(256).SetInt(v)
	return f.SetMantExp(f, -32)
}

// fixedOf returns x as a FixedSum.
func fixedOf(x float64) FixedSum {
	r := math.RoundToEven(x * fixedScale) // exact: a power-of-two scaling, then an integer
	if math.Abs(r) < 1<<63 {
		v := int64(r)
		return FixedSum{Hi: v >> 63, Lo: uint64(v)}
	}
	if !(math.Abs(r) < 1<<126) {
		panic(fmt.Sprintf("distance: FixedSum: addend %g is not finite or too large", x))
	}
	neg := r < 0
	r = math.Abs(r)
	hi := math.Floor(r / (1 << 64)) // exact: r has 53 significant bits
	lo := r - hi*(1<<64)            // exact: r's bits below 2^64
	s := FixedSum{Hi: int64(hi), Lo: uint64(lo)}
	if neg {
		lo, borrow := bits.Sub64(0, s.Lo, 0)
		s = FixedSum{Hi: -s.Hi - int64(borrow), Lo: lo}
	}
	return s
}

// MarshalJSON writes the sum as a JSON string of its exact count of 2^-32
// units, so a sidecar keeps it bit for bit.
func (s FixedSum) MarshalJSON() ([]byte, error) {
	v := new(big.Int).SetInt64(s.Hi)
	v.Lsh(v, 64)
	v.Add(v, new(big.Int).SetUint64(s.Lo))
	return json.Marshal(v.String() + "p-32")
}

// UnmarshalJSON reads what MarshalJSON writes, or a plain number (a float64
// sum, as sidecars written before FixedSum hold).
func (s *FixedSum) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		var f float64
		if err := json.Unmarshal(b, &f); err != nil || !(math.Abs(f) < 1<<94) {
			return fmt.Errorf("distance: FixedSum: want a string or a number below 2^94, got %.40s", b)
		}
		*s = fixedOf(f)
		return nil
	}
	digits, found := strings.CutSuffix(str, "p-32")
	v, ok := new(big.Int).SetString(digits, 10)
	ok = ok && found
	if !ok || v.BitLen() > 127 {
		return fmt.Errorf("distance: FixedSum: bad value %q", str)
	}
	lo := new(big.Int).And(v, new(big.Int).SetUint64(math.MaxUint64))
	hi := new(big.Int).Rsh(v, 64) // arithmetic shift: floor division for negatives
	*s = FixedSum{Hi: hi.Int64(), Lo: lo.Uint64()}
	return nil
}
