package stream

import (
	"fmt"
	"strings"
)

// Scan says which proper-motion coordinate of the patch frame the search
// regions cut and which the ROIs cut. Via Machinae 1.0 (Shih et al. 2022)
// scans mu_lambda with ROIs in mu_phi*; Via Machinae 2.0 (Shih et al. 2023)
// adds the transposed scan, so that a stream whose motion lies mostly
// along lambda, narrow in mu_phi* but broad in mu_lambda, is also cut by
// its narrow coordinate. Positions (and so the Hough lines) are the same
// in both: candidates of the two scans are merged by their lines.
type Scan int

const (
	// ScanLambda: search regions in mu_lambda, ROIs in mu_phi* (VM 1.0).
	ScanLambda Scan = iota
	// ScanPhi: search regions in mu_phi*, ROIs in mu_lambda (VM 2.0).
	ScanPhi
)

// String returns "lambda" or "phi": the coordinate the search regions cut.
func (s Scan) String() string {
	switch s {
	case ScanLambda:
		return "lambda"
	case ScanPhi:
		return "phi"
	}
	return fmt.Sprintf("Scan(%d)", int(s))
}

// ParseScans reads a comma-separated list of scans ("lambda", "phi", or
// "both" for the two), in the order given, without repeats.
func ParseScans(s string) ([]Scan, error) {
	var out []Scan
	add := func(x Scan) {
		for _, y := range out {
			if y == x {
				return
			}
		}
		out = append(out, x)
	}
	for _, f := range strings.Split(s, ",") {
		switch strings.TrimSpace(f) {
		case "lambda":
			add(ScanLambda)
		case "phi":
			add(ScanPhi)
		case "both":
			add(ScanLambda)
			add(ScanPhi)
		default:
			return nil, fmt.Errorf("stream: unknown scan %q (want lambda, phi or both)", f)
		}
	}
	return out, nil
}

// Transposed returns the ROI with its two proper-motion windows exchanged:
// a ScanPhi search works on stars whose mu_phi* and mu_lambda columns were
// exchanged, and its ROIs are turned back with this so that PMPhiMin..Max
// and PMLambdaMin..Max always name the frame's mu_phi* and mu_lambda.
func (r ROI) Transposed() ROI {
	r.PMPhiMin, r.PMLambdaMin = r.PMLambdaMin, r.PMPhiMin
	r.PMPhiMax, r.PMLambdaMax = r.PMLambdaMax, r.PMPhiMax
	return r
}
