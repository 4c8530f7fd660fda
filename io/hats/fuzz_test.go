package hats

import (
	"encoding/json"
	"slices"
	"testing"
)

// FuzzCounts reads arbitrary JSON as Counts (a sidecar's HEALPix counts):
// it errors or gives pairs sorted by pixel with positive counts, which
// write back and read again as they are.
func FuzzCounts(f *testing.F) {
	for _, c := range []Counts{nil, {0, 1}, {3, 2, 70, 1, 1 << 40, 9}} {
		b, _ := json.Marshal(c)
		f.Add(b)
	}
	f.Add([]byte(`"AQ=="`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Counts
		if json.Unmarshal(data, &c) != nil {
			return
		}
		for i := 0; i+1 < len(c); i += 2 {
			if (i > 0 && c[i] <= c[i-2]) || c[i] < 0 || c[i+1] < 1 {
				t.Fatalf("pair %d is (%d, %d) after %v", i/2, c[i], c[i+1], c[max(i-2, 0):i])
			}
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("read %d pairs that do not write: %v", len(c)/2, err)
		}
		var back Counts
		if err := json.Unmarshal(b, &back); err != nil || !slices.Equal(back, c) {
			t.Fatalf("%d pairs read back as %d: %v", len(c)/2, len(back)/2, err)
		}
	})
}
