package partition

import (
	"bytes"
	"reflect"
	"testing"
)

func TestRejectsRoundTrip(t *testing.T) {
	rs := []Reject{{File: "b.csv", Line: 10, Reason: "ra: bad number", Text: `1,"x",,3`}, {File: "a.csv.gz", Line: 2, Reason: "row has 3 fields, header 94", Text: "a,b\nc"}}
	SortRejects(rs)
	var buf bytes.Buffer
	if err := WriteRejects(&buf, rs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRejects(&buf)
	if err != nil || !reflect.DeepEqual(got, rs) || got[0].File != "a.csv.gz" {
		t.Fatalf("round trip: %+v %v", got, err)
	}
}

// FuzzReadRejects: a rejects file read back (a catalog version merges its
// shards' rejects) either fails or gives rejects that write back to what
// reads as the same rejects.
func FuzzReadRejects(f *testing.F) {
	f.Add([]byte("file,line,reason,text\nGaiaSource_bad.csv,6,\"ra: \"\"12.3.4\"\" is not a number\",\"1,2\"\n"))
	f.Add([]byte("file,line,reason,text\n"))
	f.Add([]byte("file,line\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ReadRejects(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.Line < 1 {
				t.Fatalf("accepted line %d", r.Line)
			}
		}
		var buf bytes.Buffer
		if err := WriteRejects(&buf, rs); err != nil {
			t.Fatal(err)
		}
		again, err := ReadRejects(&buf)
		if err != nil || len(again) != len(rs) {
			t.Fatalf("round trip: %d rejects, then %d (%v)", len(rs), len(again), err)
		}
		for i := range rs {
			if again[i] != rs[i] {
				t.Fatalf("round trip changed %+v into %+v", rs[i], again[i])
			}
		}
	})
}
