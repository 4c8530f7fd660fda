package partition

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// rejectsHeader is the header of a rejects file.
var rejectsHeader = []string{"file", "line", "reason", "text"}

// SortRejects orders rejects by file, then line.
func SortRejects(rs []Reject) {
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].File != rs[j].File {
			return rs[i].File < rs[j].File
		}
		return rs[i].Line < rs[j].Line
	})
}

// WriteRejects writes rs as CSV (file, line, reason, text) to w, in the
// order given.
func WriteRejects(w io.Writer, rs []Reject) error {
	cw := csv.NewWriter(w)
	cw.Write(rejectsHeader)
	for _, r := range rs {
		cw.Write([]string{r.File, strconv.FormatInt(r.Line, 10), r.Reason, r.Text})
	}
	cw.Flush()
	return cw.Error()
}

// ReadRejects reads a file WriteRejects wrote.
func ReadRejects(r io.Reader) ([]Reject, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(rejectsHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("rejects: header: %w", err)
	}
	for i, h := range rejectsHeader {
		if head[i] != h {
			return nil, fmt.Errorf("rejects: header %v, want %v", head, rejectsHeader)
		}
	}
	var rs []Reject
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("rejects: %w", err)
		}
		line, err := strconv.ParseInt(rec[1], 10, 64)
		if err != nil || line < 1 {
			return nil, fmt.Errorf("rejects: line %q of %s is not a line number", rec[1], rec[0])
		}
		rs = append(rs, Reject{File: canonicalCRLF(rec[0]), Line: line, Reason: canonicalCRLF(rec[2]), Text: canonicalCRLF(rec[3])})
	}
}

// canonicalCRLF turns every CR LF of a field into LF, until none is left.
// encoding/csv already reads a quoted CR LF as LF, but "\r\r\n" then
// leaves another CR LF, which the next write and read would shorten again:
// a rejects file read here writes and reads back unchanged (found by
// FuzzReadRejects).
func canonicalCRLF(s string) string {
	for strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}
