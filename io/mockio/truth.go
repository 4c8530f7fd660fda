package mockio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

// TruthHeader is the header of a truth table. Units: dist_pc in parsecs,
// parallax in mas, proper motions in mas/yr, magnitudes in mag, mass in Msun.
// label is the population ("cmd", "halo", "thick_disk") or the stream's name.
var TruthHeader = []string{
	"source_id", "label", "component", "stream", "sequence", "dist_pc",
	"abs_g", "bp_rp0", "bp_g0", "e", "parallax_true", "pmra_true", "pmdec_true", "mass",
}

// WriteTruth writes the truth rows of one partition as CSV with TruthHeader.
// streams names the stream labels (normally Config.Streams).
func WriteTruth(w io.Writer, rows []mock.Truth, streams []mock.Stream) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(TruthHeader); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	rec := make([]string, len(TruthHeader))
	for i := range rows {
		t := &rows[i]
		rec[0] = strconv.FormatInt(t.SourceID, 10)
		rec[1] = t.Label(streams)
		rec[2] = strconv.Itoa(int(t.Component))
		rec[3] = strconv.Itoa(t.Stream)
		rec[4] = strconv.Itoa(t.Sequence)
		rec[5], rec[6], rec[7], rec[8], rec[9] = f(t.Dist), f(t.AbsG), f(t.BPRP0), f(t.BPG0), f(t.E)
		rec[10], rec[11], rec[12], rec[13] = f(t.Parallax), f(t.PMRA), f(t.PMDec), f(t.Mass)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ErrTruth is wrapped by every error ReadTruth returns for bad content.
var ErrTruth = errors.New("malformed truth table")

// ReadTruth reads a truth table written by WriteTruth and returns its rows
// and labels.
func ReadTruth(r io.Reader, name string) ([]mock.Truth, []string, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: %v", name, ErrTruth, err)
	}
	if len(head) != len(TruthHeader) || head[0] != "source_id" {
		return nil, nil, fmt.Errorf("%s: %w: header %v", name, ErrTruth, head)
	}
	var rows []mock.Truth
	var labels []string
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, labels, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: %w: %v", name, line, ErrTruth, err)
		}
		var t mock.Truth
		ints := [4]int64{}
		for k, s := range []string{rec[0], rec[2], rec[3], rec[4]} {
			if ints[k], err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, nil, fmt.Errorf("%s: line %d: %w: %v", name, line, ErrTruth, err)
			}
		}
		t.SourceID, t.Component, t.Stream, t.Sequence = ints[0], mock.Component(ints[1]), int(ints[2]), int(ints[3])
		fl := []*float64{&t.Dist, &t.AbsG, &t.BPRP0, &t.BPG0, &t.E, &t.Parallax, &t.PMRA, &t.PMDec, &t.Mass}
		for k, p := range fl {
			if *p, err = strconv.ParseFloat(rec[5+k], 64); err != nil {
				return nil, nil, fmt.Errorf("%s: line %d column %s: %w: %v", name, line, TruthHeader[5+k], ErrTruth, err)
			}
		}
		rows = append(rows, t)
		labels = append(labels, rec[1])
	}
}
