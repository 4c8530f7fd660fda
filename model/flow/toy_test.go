package flow

import (
	"compress/gzip"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// readCSV reads a gzipped CSV of testdata into columns by header name.
func readCSV(t testing.TB, name string) map[string][]float64 {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(gz).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]float64{}
	for _, rec := range recs[1:] {
		for j, h := range recs[0] {
			v, err := strconv.ParseFloat(rec[j], 64)
			if err != nil {
				t.Fatal(err)
			}
			cols[h] = append(cols[h], v)
		}
	}
	return cols
}

// columns makes a matrix of the named columns.
func columns(cols map[string][]float64, names ...string) *mat.Dense {
	n := len(cols[names[0]])
	m := mat.NewDense(n, len(names), nil)
	for j, name := range names {
		for i, v := range cols[name] {
			m.Set(i, j, v)
		}
	}
	return m
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
