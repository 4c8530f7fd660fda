package config_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/config"
)

func TestReadCatalog(t *testing.T) {
	c, err := config.ReadCatalog(strings.NewReader(`{"inputs": ["gs://b/gdr2/*.csv.gz"], "out": "gs://b/cat", "model": "m.gff", "seed": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.K != 32 || c.T != 10 || c.Prior != "auto" || c.Dust != "none" || c.GridNodes != 128 || c.Seed != 3 {
		t.Errorf("defaults not applied: %+v", c)
	}
	for _, bad := range []string{
		``, `{}`, `{"inputs": ["a"], "out": "o"}`, // no model
		`{"inputs": ["a"], "out": "o", "model": "m", "samples": -1}`,
		`{"inputs": ["a"], "out": "o", "model": "m", "typo_field": 1}`,
		`{"inputs": ["a"], "out": "o", "model": "m"} {"x": 1}`,
		`{"inputs": ["a"], "out": "o", "model": "m", "grid_nodes": 100000}`,
	} {
		if _, err := config.ReadCatalog(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzReadCatalog: whatever the bytes, ReadCatalog returns an error or a
// configuration that validates, has its defaults, and survives a round trip.
func FuzzReadCatalog(f *testing.F) {
	f.Add([]byte(`{"inputs": ["gs://b/gdr2/GaiaSource_*.csv.gz"], "out": "gs://b/catalog", "model": "gs://b/m/cmd.gff", "dust": "gs://b/dust/bayestar2019.gfdust", "prior": "flat-parallax", "seed": 0}`))
	f.Add([]byte(`{"inputs": ["a", "b"], "out": "o", "model": "m", "samples": 64, "iterations": 5, "quantiles": 100, "parallax_offset": 0, "exact": true, "stop_early": true, "converged": 1e-9, "grid_nodes": 64, "block_size": 100}`))
	f.Add([]byte(`{"inputs": [], "parallax_offset": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.ReadCatalog(bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted a configuration that does not validate: %v", err)
		}
		if c.K <= 0 || c.T <= 0 || c.GridNodes <= 0 || c.Prior == "" || c.Dust == "" {
			t.Fatalf("defaults missing: %+v", c)
		}
		js, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := config.ReadCatalog(bytes.NewReader(js))
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if a, _ := json.Marshal(c2); !bytes.Equal(a, js) {
			t.Fatalf("round trip changed %s into %s", js, a)
		}
	})
}
