package distance

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// The sum is the same, bit for bit, in any order of additions and merges,
// and equal to the exact sum of the rounded addends (checked against
// math/big through an independent route: the addends' exact float64 sum
// for values that are multiples of 2^-32).
func TestFixedSumIsOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 5000)
	for i := range vals {
		vals[i] = math.Exp(20*r.Float64()-8) * float64(1-2*r.IntN(2)) // 3e-4 .. 1.6e5, both signs
	}
	var fwd FixedSum
	for _, v := range vals {
		fwd.Add(v)
	}
	for trial := 0; trial < 5; trial++ {
		perm := r.Perm(len(vals))
		var parts [7]FixedSum
		for i, p := range perm {
			parts[i%7].Add(vals[p])
		}
		var tot FixedSum
		for _, i := range r.Perm(7) {
			tot.Merge(parts[i])
		}
		if tot != fwd {
			t.Fatalf("trial %d: %+v, in order %+v", trial, tot, fwd)
		}
	}
	var naive float64
	for _, v := range vals {
		naive += v
	}
	if got := fwd.Float64(); math.Abs(got-naive) > 1e-9*math.Abs(naive)+1e-6 {
		t.Errorf("sum %.17g, float64 loop %.17g", got, naive)
	}
	// Multiples of 2^-32, large and negative: exact.
	var s FixedSum
	s.Add(-3 * (1 << 80))
	s.Add(1.0 / (1 << 32))
	s.Add(5e20)
	if got, want := s.Float64(), -3*float64(1<<80)+5e20; got != want {
		t.Errorf("large sum %g, want %g", got, want)
	}
	for _, v := range []FixedSum{fwd, s, {}, fixedOf(-1.5)} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back FixedSum
		if err := json.Unmarshal(b, &back); err != nil || back != v {
			t.Errorf("JSON %s read back as %+v (%v), want %+v", b, back, err, v)
		}
	}
	var old FixedSum
	if err := json.Unmarshal([]byte("12.25"), &old); err != nil || old.Float64() != 12.25 {
		t.Errorf("a plain number read as %g (%v)", old.Float64(), err)
	}
	if err := json.Unmarshal([]byte(`"12x"`), &old); err == nil {
		t.Error("a bad string: no error")
	}
}

// FuzzFixedSumJSON: a sidecar's sums come from files gaiaflow reads back
// (reused shards): whatever the bytes, UnmarshalJSON returns an error or a
// sum that writes and reads back to itself.
func FuzzFixedSumJSON(f *testing.F) {
	for _, seed := range []string{`"123p-32"`, `"-5p-32"`, `12.25`, `"170141183460469231731687303715884105727p-32"`, `"1e3p-32"`, `null`, `"p-32"`, `1e300`, `-3e28`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s FixedSum
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%q read as %+v, which does not write: %v", data, s, err)
		}
		var back FixedSum
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Fatalf("%q read as %+v, written as %s, read back as %+v (%v)", data, s, b, back, err)
		}
	})
}
