package dust

import (
	"encoding/json"
	"math"
	"runtime"
	"testing"
)

// FuzzGaussianJSON reads arbitrary bytes as the JSON of the simulation's
// Gaussian dust map (the "dust map it used" file of gaiaflow simulate,
// which dustfile.Open loads), seeded with the map of model/mock's default
// sky and the forms the tests use. Properties: no panic; either an error
// or a map that passes Validate, survives a round trip through
// MarshalJSON unchanged and gives a finite, non-negative E for finite
// queries in front of the observer; allocation within 64 KiB plus 64 bytes
// per input byte (the decoder's copies of the text).
func FuzzGaussianJSON(f *testing.F) {
	for _, m := range []Gaussian{
		{RA: 240, Dec: -10, SigmaRA: 40, SigmaDec: 25, Peak: 0.2}, // model/mock's default sky
		{RA: 240, Dec: 20, SigmaRA: 40, SigmaDec: 25, Peak: 0.2, Base: 0.005},
		{},
	} {
		b, err := json.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"type":"gaussian_los_uniform","ra_deg":240,"dec_deg":20,"sigma_ra_deg":40,"sigma_dec_deg":25,"peak_mag_per_kpc":0.2,"base_mag_per_kpc":0.005}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var g Gaussian
		var err error
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err = json.Unmarshal(data, &g)
		runtime.ReadMemStats(&after)
		if n, bound := after.TotalAlloc-before.TotalAlloc, 64<<10+64*uint64(len(data)); n > bound {
			t.Fatalf("%d bytes of JSON made the decoder allocate %d bytes (bound %d)", len(data), n, bound)
		}
		if err != nil {
			if g != (Gaussian{}) {
				t.Fatalf("a failed decode left the map changed: %+v", g)
			}
			return
		}
		if err := g.Validate(); err != nil {
			t.Fatalf("decoded a map that does not validate: %+v: %v", g, err)
		}
		b, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		var h Gaussian
		if err := json.Unmarshal(b, &h); err != nil || h != g {
			t.Fatalf("round trip of %+v gives %+v, %v", g, h, err)
		}
		for _, q := range [][3]float64{{0, 0, 1}, {240, -10, 1000}, {359.9, 89, 1e5}, {-720, -90, 10}} {
			e := g.E(q[0], q[1], q[2])
			if math.IsNaN(e) || e < 0 {
				t.Fatalf("E%v = %v for %+v", q, e, g)
			}
		}
	})
}
