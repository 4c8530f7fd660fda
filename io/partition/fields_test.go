package partition

import (
	"errors"
	"math"
	"math/big"
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

// TestLemireFloat checks the 17- to 19-digit path against strconv.ParseFloat,
// bit for bit, on Gaia-like doubles, on doubles across the table's exponents,
// and on decimals within one digit of the midpoint between two neighbouring
// doubles (where rounding is hardest), and that it declines only rarely.
func TestLemireFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var cases []string
	for range 300000 {
		switch rng.IntN(4) {
		case 0: // a Gaia double column: shortest round-trip form
			cases = append(cases, strconv.FormatFloat(rng.Float64()*360, 'g', -1, 64))
		case 1: // any exponent the table covers
			v := rng.Float64() * math.Pow(10, float64(rng.IntN(120)-60))
			cases = append(cases, strconv.FormatFloat(v, 'e', 16+rng.IntN(3), 64))
		case 2: // near a midpoint: 19 digits of (v + next(v))/2
			v := (1 + rng.Float64()) * math.Pow(10, float64(rng.IntN(110)-55))
			mid := new(big.Float).SetPrec(200).SetFloat64(v)
			mid.Add(mid, new(big.Float).SetFloat64(math.Nextafter(v, math.Inf(1))))
			mid.Quo(mid, big.NewFloat(2))
			cases = append(cases, mid.Text('e', 18))
		case 3: // the exact powers of ten and their neighbours
			q := rng.IntN(129) - 64
			cases = append(cases, "1e"+strconv.Itoa(q), "9999999999999999999e"+strconv.Itoa(q-19),
				"1000000000000000001e"+strconv.Itoa(q-18))
		}
	}
	declined, inRange := 0, 0
	for _, s := range cases {
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			continue
		}
		got, ok := fastFloat([]byte(s))
		if !ok {
			if declined < 10 {
				t.Logf("declined %q", s)
			}
			declined++
			continue
		}
		inRange++
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("fastFloat(%q) = %v (%#x); ParseFloat gives %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
	t.Logf("%d cases, %d decided by the fast paths, %d declined", len(cases), inRange, declined)
	if declined > len(cases)/50 {
		t.Errorf("declined %d of %d", declined, len(cases))
	}
}

// FuzzNumber checks parseFloat, the reader's number decoder with its fast
// paths, against strconv.ParseFloat bit for bit on any field text.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"133.49819786634765", "-0.45456478", "1e23", "6.26817115996803040e+16",
		"9999999999999999999e-79", "0.1", "1.3050912E-13", "--", "null", "4205572950572486656"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseFloat([]byte(s))
		f := trimSpace([]byte(s))
		if isNull(f) {
			if !ok || !math.IsNaN(got) {
				t.Fatalf("null %q: %v, %v", s, got, ok)
			}
			return
		}
		want, err := strconv.ParseFloat(string(f), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			if ok {
				t.Fatalf("parseFloat(%q) = %v; ParseFloat refuses it: %v", s, got, err)
			}
			return
		}
		if !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseFloat(%q) = %v (%#x), %v; ParseFloat gives %v (%#x)", s, got, math.Float64bits(got), ok, want, math.Float64bits(want))
		}
	})
}

// TestSkipCommas compares the eight-bytes-at-a-time comma count with a
// byte-by-byte one on random rows of commas, digits and other bytes.
func TestSkipCommas(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte(",,,,0123456789.-e\x2c\xac\x00\xff")
	for range 20000 {
		line := make([]byte, rng.IntN(70))
		for i := range line {
			line[i] = alphabet[rng.IntN(len(alphabet))]
		}
		pos := rng.IntN(len(line) + 1)
		n := 1 + rng.IntN(12)
		wantNext, wantFound := -1, 0
		for i := pos; i < len(line); i++ {
			if line[i] == ',' {
				if wantFound++; wantFound == n {
					wantNext = i + 1
					break
				}
			}
		}
		next, found := skipCommas(line, pos, n)
		if next != wantNext || (next < 0 && found != wantFound) {
			t.Fatalf("skipCommas(%q, %d, %d) = %d, %d; want %d, %d", line, pos, n, next, found, wantNext, wantFound)
		}
	}
}
