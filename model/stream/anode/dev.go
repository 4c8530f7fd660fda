package anode

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// DevWindow is the search region of the development patch
// (testdata/anode_patch_dev.csv.gz): -8 < mu_lambda < -5 mas/yr.
var DevWindow = Window{Lo: -8, Hi: -5}

// Dev is a labelled patch with its true densities: the development patch of
// the reference tools (testdata/README.md), or any table with its columns.
type Dev struct {
	Patch  Patch
	Signal []bool // is_signal: the star belongs to the stream
	InSR   []bool // in_sr: the star is in the search region of the file
	Fold   []int  // fold, as the file gives it (unused by ANODE)

	// LogPBkg and LogPSig are the true log densities of the background and
	// of the stream at each star (logp_bkg_true, logp_sig_true); their
	// difference ranks stars as the true R = p_data/p_bkg does, for any
	// stream fraction.
	LogPBkg, LogPSig []float64
}

// devColumns are the columns ReadDev needs, in any order.
var devColumns = []string{"phi", "lambda", "mu_phi", "mu_lambda", "color", "mag",
	"is_signal", "in_sr", "fold", "logp_bkg_true", "logp_sig_true"}

// ReadDev reads a development patch from CSV with a header naming the
// columns phi, lambda (degrees), mu_phi (mu_phi*, mas/yr), mu_lambda,
// color (b-r), mag (g), is_signal, in_sr, fold (integers), logp_bkg_true and
// logp_sig_true, in any order. Patch.SourceID is the row number. It returns
// an error naming the line and column of a value it cannot parse.
func ReadDev(r io.Reader) (*Dev, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("anode: dev table header: %w", err)
	}
	col := make([]int, len(devColumns))
	for k, name := range devColumns {
		col[k] = -1
		for j, h := range head {
			if h == name {
				col[k] = j
			}
		}
		if col[k] < 0 {
			return nil, fmt.Errorf("anode: dev table has no column %q", name)
		}
	}
	d := &Dev{}
	p := &d.Patch
	var v [11]float64
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("anode: dev table line %d: %w", line, err)
		}
		for k, j := range col {
			v[k], err = strconv.ParseFloat(rec[j], 64)
			if err != nil {
				return nil, fmt.Errorf("anode: dev table line %d column %s: %w", line, devColumns[k], err)
			}
		}
		p.SourceID = append(p.SourceID, int64(line-1))
		p.Phi = append(p.Phi, v[0])
		p.Lambda = append(p.Lambda, v[1])
		p.PMPhi = append(p.PMPhi, v[2])
		p.PMLambda = append(p.PMLambda, v[3])
		p.BPRP = append(p.BPRP, v[4])
		p.G = append(p.G, v[5])
		d.Signal = append(d.Signal, v[6] != 0)
		d.InSR = append(d.InSR, v[7] != 0)
		d.Fold = append(d.Fold, int(v[8]))
		d.LogPBkg = append(d.LogPBkg, v[9])
		d.LogPSig = append(d.LogPSig, v[10])
	}
	if p.Len() == 0 {
		return nil, errors.New("anode: dev table has no rows")
	}
	return d, nil
}
