package streamio

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// ReadLabelledStrip reads the AstronomicalData GD-1 table: source_id, ra, dec,
// pmra, pmdec, parallax, ..., vm_gd1_label (True/False), plain or gzipped.
func ReadLabelledStrip(ctx context.Context, path string) (*star.Block, []bool, error) {
	r, err := gz.OpenFile(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range []string{"source_id", "ra", "dec", "pmra", "pmdec", "parallax", "vm_gd1_label"} {
		if _, ok := col[c]; !ok {
			return nil, nil, fmt.Errorf("%s: no column %s", path, c)
		}
	}
	b := &star.Block{File: path}
	var labels []bool
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return b, labels, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		row := star.NewRow()
		if row.SourceID, err = strconv.ParseInt(rec[col["source_id"]], 10, 64); err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		for name, dst := range map[string]*float64{"ra": &row.RA, "dec": &row.Dec, "pmra": &row.PMRA, "pmdec": &row.PMDec, "parallax": &row.Parallax} {
			if *dst, err = strconv.ParseFloat(rec[col[name]], 64); err != nil {
				return nil, nil, fmt.Errorf("%s: line %d: %s: %w", path, line, name, err)
			}
		}
		b.Append(row)
		labels = append(labels, rec[col["vm_gd1_label"]] == "True")
	}
}
