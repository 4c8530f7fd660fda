package catalog

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Column describes a catalog column for readers that did not write it: its
// type, its unit (an IVOA/astropy unit string, "" for none), what it is,
// and the column of Bailer-Jones et al. (2021, AJ 161, 147; the Gaia EDR3
// distance catalog users compare with) that answers the same question, if
// one does.
type Column struct {
	Name        string `json:"name"`
	Type        string `json:"datatype"` // ECSV datatype: int64, int32, uint32, float64
	Unit        string `json:"unit,omitempty"`
	Description string `json:"description"`
	BailerJones string `json:"bailer_jones_2021,omitempty"`
}

// columnInfo holds the fixed columns, in file order.
var columnInfo = []Column{
	{nameSourceID, "int64", "", "Gaia source_id", "source_id"},
	{"ra", "float64", "deg", "right ascension, ICRS, as read from Gaia", ""},
	{"dec", "float64", "deg", "declination, ICRS, as read from Gaia", ""},
	{"parallax", "float64", "mas", "parallax as published, before the zero-point offset", ""},
	{"parallax_error", "float64", "mas", "standard error of the parallax", ""},
	{"dist_mean", "float64", "pc", "mean of the distance posterior", ""},
	{"dist_std", "float64", "pc", "standard deviation of the distance posterior", ""},
	{"dist_q16", "float64", "pc", "distance posterior quantile at Phi(-1) = 0.158655", "r_lo_photogeo"},
	{"dist_q50", "float64", "pc", "distance posterior median", "r_med_photogeo"},
	{"dist_q84", "float64", "pc", "distance posterior quantile at Phi(1) = 0.841345", "r_hi_photogeo"},
	{"snr", "float64", "", "dist_mean/dist_std, the model SNR of paper 000 Table 1", ""},
	{"e", "float64", "mag", "dust map median reddening E(g-r) at d_best (the map's units converted to E(g-r))", ""},
	{"g0", "float64", "mag", "dereddened absolute G magnitude, posterior mean", ""},
	{"bp_rp0", "float64", "mag", "dereddened BP-RP colour (empty without BP/RP)", ""},
	{"bp_g0", "float64", "mag", "dereddened BP-G colour (empty without BP/RP)", ""},
	{"ess", "float64", "", "effective number of samples of the final weights, (sum w)^2/sum w^2", ""},
	{"d_best", "float64", "pc", "final d_best of paper 000 eq. 2", ""},
	{nameIterations, "int32", "", "iterations of eq. 2 run", ""},
	{nameSamples, "int32", "", "parallax samples of the posterior (K, or the refined estimate's)", ""},
	{nameFlags, "uint32", "", "bit flags: " + flagBitsDoc(), "flag"},
}

// flagBitsDoc lists the flag bits: "bit 0 not_converged, bit 1 ...".
func flagBitsDoc() string {
	var b strings.Builder
	for i, n := range distance.FlagNames() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "bit %d %s", i, n)
	}
	return b.String()
}

// ColumnInfo returns the description of every column of a catalog file
// with nq quantiles, in file order. It panics if nq < 0.
func ColumnInfo(nq int) []Column {
	names := Columns(nq)
	out := append([]Column(nil), columnInfo...)
	for j := len(columnInfo); j < len(names); j++ {
		q := j - len(columnInfo)
		out = append(out, Column{Name: names[j], Type: "float64", Unit: "pc",
			Description: fmt.Sprintf("distance posterior quantile at level %g", (float64(q)+0.5)/float64(nq))})
	}
	return out
}

// columnsMeta is the "gaiaflow.columns" Parquet metadata value: ColumnInfo
// as JSON.
func columnsMeta(nq int) string {
	b, err := json.Marshal(ColumnInfo(nq))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ecsvHeader returns the ECSV 1.0 header (astropy's Enhanced Character
// Separated Values: TOPCAT and astropy.table read units and descriptions
// from it) of a catalog CSV with nq quantiles: '#' lines before the CSV
// header line.
func ecsvHeader(nq int) string {
	var b strings.Builder
	b.WriteString("# %ECSV 1.0\n# ---\n# delimiter: ','\n# datatype:\n")
	for _, c := range ColumnInfo(nq) {
		fmt.Fprintf(&b, "# - {name: %s, datatype: %s", c.Name, c.Type)
		if c.Unit != "" {
			fmt.Fprintf(&b, ", unit: %s", c.Unit)
		}
		fmt.Fprintf(&b, ", description: %s}\n", yamlQuote(c.Description))
	}
	b.WriteString("# meta:\n")
	fmt.Fprintf(&b, "#   producer: %s\n", yamlQuote("gaiaflow photometric distances (Cranmer et al., paper 000)"))
	fmt.Fprintf(&b, "#   flags: %s\n", yamlQuote(flagNamesMeta()))
	b.WriteString("#   bailer_jones_2021: {")
	first := true
	for _, c := range ColumnInfo(nq) {
		if c.BailerJones == "" {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s: %s", c.Name, c.BailerJones)
	}
	b.WriteString("}\n")
	return b.String()
}

// yamlQuote returns s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a valid YAML double-quoted scalar
	return string(b)
}
