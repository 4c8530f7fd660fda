package sky

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readCSV reads testdata/name and returns its rows as maps from header name
// to field. It fails the test if the file is missing or malformed.
func readCSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) < 2 {
		t.Fatalf("%s: no rows", name)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// num parses field key of row as a float64 and fails the test if it cannot.
func num(t testing.TB, row map[string]string, key string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(row[key], 64)
	if err != nil {
		t.Fatalf("field %s: %v", key, err)
	}
	return v
}

// integer parses field key of row as an int64 and fails the test if it cannot.
func integer(t testing.TB, row map[string]string, key string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(row[key], 10, 64)
	if err != nil {
		t.Fatalf("field %s: %v", key, err)
	}
	return v
}
