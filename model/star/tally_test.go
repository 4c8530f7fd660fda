package star

import (
	"strings"
	"testing"
)

func TestTallyReconcile(t *testing.T) {
	good := Tally{RowsIn: 10, StarsIn: 9, Rejected: 1, StarsOut: 5, "cut.dec": 3, "cut.parallax": 1}
	if err := good.Reconcile(); err != nil {
		t.Error(err)
	}
	if b := good.Balance(); b != "in 10 = stars 9 + rejected 1; stars 9 = out 5 + cut 4" {
		t.Errorf("balance %q", b)
	}
	lost := Tally{RowsIn: 10, StarsIn: 9, Rejected: 1, StarsOut: 5, "cut.dec": 2}
	if err := lost.Reconcile(); err == nil || !strings.Contains(err.Error(), "cuts 2") {
		t.Errorf("a lost star: %v", err)
	}
	if err := (Tally{RowsIn: 3, StarsIn: 1}).Reconcile(); err == nil {
		t.Error("a lost row reconciled")
	}
	sum := Tally{}
	sum.Merge(good)
	sum.Merge(good)
	if sum[RowsIn] != 20 || sum.Cuts() != 8 || sum.Reconcile() != nil {
		t.Errorf("merged %v", sum)
	}
}

// FuzzUnmarshalTally: a tally decoded from any bytes (a counts file, a
// coder's input) fails or round-trips exactly.
func FuzzUnmarshalTally(f *testing.F) {
	f.Add([]byte(`{"rows_in":1000,"stars_in":998,"rejected":2,"cut.dec":3}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tl, err := UnmarshalTally(data)
		if err != nil {
			return
		}
		b, err := tl.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		again, err := UnmarshalTally(b)
		if err != nil || len(again) != len(tl) {
			t.Fatalf("round trip: %v %v", again, err)
		}
		for k, v := range tl {
			if again[k] != v {
				t.Fatalf("round trip changed %s", k)
			}
		}
	})
}
