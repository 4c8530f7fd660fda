// Package table reads numeric columns by name from a CSV table with a header
// line, plain or gzipped, local or gs://: the tables users fit densities on.
package table

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/io/store"
	"gonum.org/v1/gonum/mat"
)

// ErrColumn is wrapped by errors about a column: absent from the header, or
// holding a value that is not a finite number.
var ErrColumn = errors.New("bad column")

// Columns holds the named columns of a table, one matrix per group of names.
type Columns struct {
	Rows int
	// Data[k] is Rows x len(names[k]), in the order of the names.
	Data []*mat.Dense
}

// Read reads the groups of named columns from the table at path. A group
// with no names gives a nil matrix. Every value must be a finite number: the
// error names the file, line and column of the first that is not.
func Read(ctx context.Context, path string, groups ...[]string) (Columns, error) {
	r, err := store.Open(ctx, path)
	if err != nil {
		return Columns{}, err
	}
	defer r.Close()
	return read(r, path, groups)
}

func read(r io.Reader, path string, groups [][]string) (Columns, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	src, _, err := gz.Open(br)
	if err != nil {
		return Columns{}, fmt.Errorf("%s: %w", path, err)
	}
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return Columns{}, fmt.Errorf("%s: header: %w", path, err)
	}
	index := map[string]int{}
	for i, h := range head {
		index[strings.TrimSpace(h)] = i
	}
	cols := make([][]int, len(groups))
	for g, names := range groups {
		for _, n := range names {
			i, ok := index[n]
			if !ok {
				return Columns{}, fmt.Errorf("%s: %w: no column %q in the header (%s)", path, ErrColumn, n, strings.Join(head, ","))
			}
			cols[g] = append(cols[g], i)
		}
	}
	data := make([][]float64, len(groups))
	rows := 0
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Columns{}, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		for g, idx := range cols {
			for k, i := range idx {
				v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
				if err != nil || v != v || v > 1e308 || v < -1e308 {
					return Columns{}, fmt.Errorf("%s: line %d: %w %q: cannot use %q as a finite number", path, line, ErrColumn, groups[g][k], rec[i])
				}
				data[g] = append(data[g], v)
			}
		}
		rows++
	}
	out := Columns{Rows: rows, Data: make([]*mat.Dense, len(groups))}
	for g, names := range groups {
		if len(names) > 0 && rows > 0 {
			out.Data[g] = mat.NewDense(rows, len(names), data[g])
		}
	}
	return out, nil
}
