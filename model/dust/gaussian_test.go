package dust

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestGaussianE(t *testing.T) {
	m := &Gaussian{RA: 350, Dec: 10, SigmaRA: 20, SigmaDec: 10, Peak: 0.3, Base: 0.01}
	const tol = 1e-14
	tests := []struct {
		ra, dec, d float64
		want       float64
	}{
		// At the centre: (base + peak) * d[kpc] = 0.31 * 2.
		{350, 10, 2000, 0.62},
		// One sigma in ra, across the 0/360 wrap (350 + 20 = 10):
		// 0.01 + 0.3 exp(-1/2) = 0.19196 mag/kpc, times 0.5 kpc.
		{10, 10, 500, (0.01 + 0.3*math.Exp(-0.5)) * 0.5},
		// Two sigma in dec below the centre: exp(-2).
		{350, -10, 1000, 0.01 + 0.3*math.Exp(-2)},
		// Far away only the base rate remains (exp(-(9^2)/2) ~ 2.6e-18).
		{170, 10, 3000, 0.03},
		// No dust at or behind the observer.
		{350, 10, 0, 0},
		{350, 10, -5, 0},
	}
	for _, tt := range tests {
		if got := m.E(tt.ra, tt.dec, tt.d); math.Abs(got-tt.want) > tol {
			t.Errorf("E(%v, %v, %v) = %.17g, want %.17g", tt.ra, tt.dec, tt.d, got, tt.want)
		}
	}
	// Uniform along the line of sight: E is exactly linear in distance.
	for _, d := range []float64{10, 123.4, 5000, 80000} {
		if got, want := m.E(20, -5, d), m.Rate(20, -5)*d/1000; got != want {
			t.Errorf("E at %v pc = %v, want rate*d = %v", d, got, want)
		}
	}
	var none Gaussian
	if got := none.E(12, 34, 5000); got != 0 {
		t.Errorf("zero map E = %v, want 0", got)
	}
}

func TestGaussianJSON(t *testing.T) {
	m := Gaussian{RA: 240, Dec: 20, SigmaRA: 40, SigmaDec: 25, Peak: 0.2, Base: 0.005}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"type":"`+GaussianType+`"`) {
		t.Errorf("JSON lacks its type: %s", data)
	}
	var got Gaussian
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got != m {
		t.Errorf("round trip: got %+v, want %+v", got, m)
	}
	// A pointer field marshals the same way (simulate writes *Gaussian).
	data2, err := json.Marshal(&m)
	if err != nil || string(data2) != string(data) {
		t.Errorf("pointer marshal differs: %s vs %s (%v)", data2, data, err)
	}

	bad := []string{
		`{"type":"bayestar","ra_deg":1}`,
		`{"type":"gaussian_los_uniform","ra_deg":1,"sigma_ra_deg":0,"sigma_dec_deg":1,"peak_mag_per_kpc":0.1}`,
		`{"type":"gaussian_los_uniform","peak_mag_per_kpc":-1,"sigma_ra_deg":1,"sigma_dec_deg":1}`,
		`{"type":"gaussian_los_uniform","ra_deg":1,"colour":"blue"}`,
		`{"type":"gaussian_los_uniform",`,
	}
	for _, s := range bad {
		var g Gaussian
		if err := json.Unmarshal([]byte(s), &g); err == nil {
			t.Errorf("Unmarshal(%s) succeeded: %+v", s, g)
		}
	}
}
