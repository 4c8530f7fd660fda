package catalog

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/distance"
	"go.yaml.in/yaml/v3"
)

// The CSV's header is ECSV 1.0 (astropy's format, which TOPCAT also reads):
// parsed here by an independent YAML reader, it names every column in file
// order with its type, and the units and descriptions astronomers need.
func TestCSVHeaderIsECSV(t *testing.T) {
	rows := testRows(3, 4, 1)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(text), "\n")
	if lines[0] != "# %ECSV 1.0" || lines[1] != "# ---" {
		t.Fatalf("first lines %q, %q", lines[0], lines[1])
	}
	var yml []string
	i := 2
	for ; strings.HasPrefix(lines[i], "#"); i++ {
		yml = append(yml, strings.TrimPrefix(strings.TrimPrefix(lines[i], "#"), " "))
	}
	var h struct {
		Delimiter string `yaml:"delimiter"`
		Datatype  []struct {
			Name, Datatype, Unit, Description string
		} `yaml:"datatype"`
		Meta map[string]any `yaml:"meta"`
	}
	if err := yaml.Unmarshal([]byte(strings.Join(yml, "\n")), &h); err != nil {
		t.Fatalf("the ECSV header is not YAML: %v\n%s", err, strings.Join(yml, "\n"))
	}
	names := Columns(4)
	if h.Delimiter != "," || len(h.Datatype) != len(names) || lines[i] != strings.Join(names, ",") {
		t.Fatalf("delimiter %q, %d columns described, header line %q", h.Delimiter, len(h.Datatype), lines[i])
	}
	units := map[string]string{"ra": "deg", "parallax": "mas", "dist_q50": "pc", "g0": "mag", "q03": "pc", "source_id": ""}
	types := map[string]string{"source_id": "int64", "flags": "uint32", "samples": "int32", "dist_mean": "float64"}
	for j, c := range h.Datatype {
		if c.Name != names[j] || c.Description == "" {
			t.Errorf("column %d: %+v, want %s with a description", j, c, names[j])
		}
		if u, ok := units[c.Name]; ok && c.Unit != u {
			t.Errorf("%s: unit %q, want %q", c.Name, c.Unit, u)
		}
		if ty, ok := types[c.Name]; ok && c.Datatype != ty {
			t.Errorf("%s: datatype %q, want %q", c.Name, c.Datatype, ty)
		}
		if c.Name == "flags" && !strings.Contains(c.Description, "bit 0 not_converged") {
			t.Errorf("flags: %q does not document the bits", c.Description)
		}
	}
	bj, _ := h.Meta["bailer_jones_2021"].(map[string]any)
	if bj["dist_q50"] != "r_med_photogeo" || bj["dist_q16"] != "r_lo_photogeo" || bj["dist_q84"] != "r_hi_photogeo" {
		t.Errorf("Bailer-Jones mapping %v", bj)
	}
	if len(distance.FlagNames()) == 0 {
		t.Fatal("no flags")
	}
}
