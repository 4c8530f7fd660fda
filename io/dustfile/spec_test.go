package dustfile

import (
	"context"
	"testing"
)

func TestSpecs(t *testing.T) {
	ctx := context.Background()
	for spec, want := range map[string]float64{"none": 0, "": 0, "constant:0.037": 0.037, "constant:0": 0} {
		m, err := OpenSpec(ctx, spec, Options{})
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		if IsFile(spec) {
			t.Errorf("%q is taken for a file", spec)
		}
		if p := m.At(90, 10, 1000, 0); p.Median != want {
			t.Errorf("%q: E = %g, want %g", spec, p.Median, want)
		}
	}
	for _, bad := range []string{"constant:", "constant:-1", "constant:x", "constant:NaN", "constant:1e9"} {
		if _, err := OpenSpec(ctx, bad, Options{}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	m, err := SharedSpec(ctx, "testdata/bayestar_mini.h5", Options{Version: "bayestar2019"})
	if err != nil || m.Samples() != 5 || !IsFile("testdata/bayestar_mini.h5") {
		t.Errorf("a file: %v, %v", m, err)
	}
}
