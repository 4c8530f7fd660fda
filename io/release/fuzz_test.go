package release_test

import (
	"encoding/json"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/release"
)

// FuzzParseManifest: a manifest read from a catalog folder (written by
// another run, another version of gaiaflow, or damaged) either fails to
// parse or passes ParseManifest's checks and survives a round trip.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format":"gaiaflow-catalog/2","version":"v0002","created":"2026-12-03T09:00:00Z","model":"m.gff","model_sha256":"ab","prior":"flat-parallax","options":{"Cfg":{}},"dust":"none","inputs":[{"path":"p.csv.gz","size":10,"version":5,"key":"k","shard":"shards/p.k.csv.gz","parquet":"shards/p.k.parquet","stars":3,"counts":{"rows_in":4,"stars_in":4,"stars_out":3,"cut.dec":1},"files":[{"name":"shards/p.k.csv.gz","size":7,"sha256":"00"}],"min_source_id":1,"max_source_id":9}],"counts":{"rows_in":4},"stars":3,"files":[{"name":"v0002/table1.json","size":2,"sha256":"11"}]}`))
	f.Add([]byte(`{"format":"gaiaflow-catalog/1","version":"v0001","inputs":[],"stars":0}`))
	f.Add([]byte(`{"format":"gaiaflow-catalog/2","version":"../x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := release.ParseManifest(data)
		if err != nil {
			return
		}
		if m.Stars < 0 || m.Version == "" {
			t.Fatalf("accepted %+v", m)
		}
		for _, in := range m.Inputs {
			if in.Stars < 0 || in.Path == "" {
				t.Fatalf("accepted input %+v", in)
			}
		}
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := release.ParseManifest(js); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}
