package partition

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestFastFloat: the fast path gives exactly what strconv.ParseFloat gives,
// or declines.
func TestFastFloat(t *testing.T) {
	cases := []string{"0", "-0", "+0", "0.0", "1", "-1", "1.5", ".5", "5.", "2015.5", "0.1", "0.30000000000000004",
		"9007199254740992", "9007199254740993", "90071992547409930", "1e22", "1e23", "1e-22", "1e-23", "123.456e-5",
		"1E5", "1e+05", "-3.8129011453293926", "284.99739676167115", "18.24652", "1.3050912E-13", "97",
		"00000000000000000000001", "1.", "-", "", ".", "e5", "1e", "1e+", "1.2.3", "0x1p-2", "NaN", "inf", "1_000",
		"12a", " 1", "1 ", "--1", "4205572950572486656"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		v := math.Float64frombits(rng.Uint64())
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		switch rng.IntN(4) {
		case 0:
			cases = append(cases, strconv.FormatFloat(v, 'g', -1, 64))
		case 1:
			cases = append(cases, strconv.FormatFloat(float64(float32(rng.NormFloat64()*20)), 'g', -1, 32))
		case 2:
			cases = append(cases, strconv.FormatFloat(rng.NormFloat64()*1000, 'f', rng.IntN(18), 64))
		case 3:
			cases = append(cases, strconv.FormatFloat(rng.NormFloat64(), 'e', rng.IntN(17), 64))
		}
	}
	fast := 0
	for _, s := range cases {
		got, ok := fastFloat([]byte(s))
		want, err := strconv.ParseFloat(s, 64)
		if !ok {
			continue
		}
		fast++
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("fastFloat(%q) = %v; ParseFloat gives %v, %v", s, got, want, err)
		}
	}
	if fast < len(cases)/3 {
		t.Errorf("fast path taken for only %d of %d", fast, len(cases))
	}
}
