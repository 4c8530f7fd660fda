package star

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Names in a Tally. Every row that enters a pipeline is read (RowsIn) and
// leaves as a star (StarsIn) or a reject (Rejected); a star then leaves under
// one named cut (CutPrefix + name) or in the output (StarsOut), so that
//
//	rows_in = stars_in + rejected
//	stars_in = stars_out + the sum of the cuts
const (
	Files    = "files"
	RowsIn   = "rows_in"
	StarsIn  = "stars_in"
	Rejected = "rejected"
	StarsOut = "stars_out"

	CutPrefix = "cut."
)

// Tally counts what happened to the rows of a run, by name. Pipelines carry
// tallies in their data (one per file or block, summed by a combiner), so the
// counts a run checks are as exact as its outputs on every runner; a runner's
// metrics are for watching a run, and can lose updates (see
// transforms/stars.Sum).
type Tally map[string]int64

// Add adds n to the count name (the zero value of a nil Tally is not
// writable; make one with make or a literal).
func (t Tally) Add(name string, n int64) { t[name] += n }

// Cut adds n to the cut name.
func (t Tally) Cut(name string, n int64) { t[CutPrefix+name] += n }

// Merge adds every count of o to t.
func (t Tally) Merge(o Tally) {
	for k, v := range o {
		t[k] += v
	}
}

// Cuts returns the sum of the cuts.
func (t Tally) Cuts() int64 {
	var n int64
	for k, v := range t {
		if strings.HasPrefix(k, CutPrefix) {
			n += v
		}
	}
	return n
}

// Names returns the names in t, sorted.
func (t Tally) Names() []string {
	names := make([]string, 0, len(t))
	for k := range t {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Reconcile checks that t accounts for every row: rows_in = stars_in +
// rejected and, when the run counts an output, stars_in = stars_out + cuts.
// It returns an error naming both sides otherwise.
func (t Tally) Reconcile() error {
	if t[RowsIn] != t[StarsIn]+t[Rejected] {
		return fmt.Errorf("counts do not reconcile: %s %d != %s %d + %s %d", RowsIn, t[RowsIn], StarsIn, t[StarsIn], Rejected, t[Rejected])
	}
	if _, ok := t[StarsOut]; !ok {
		return nil
	}
	if cut := t.Cuts(); t[StarsIn] != t[StarsOut]+cut {
		return fmt.Errorf("counts do not reconcile: %s %d != %s %d + cuts %d", StarsIn, t[StarsIn], StarsOut, t[StarsOut], cut)
	}
	return nil
}

// Balance formats the two equations Reconcile checks, with the same numbers
// (the cuts are their sum, not a difference that always balances).
func (t Tally) Balance() string {
	s := fmt.Sprintf("in %d = stars %d + rejected %d", t[RowsIn], t[StarsIn], t[Rejected])
	if _, ok := t[StarsOut]; ok {
		s += fmt.Sprintf("; stars %d = out %d + cut %d", t[StarsIn], t[StarsOut], t.Cuts())
	}
	return s
}

// MarshalBinary encodes t deterministically (JSON with sorted keys), for
// Beam's coder.
func (t Tally) MarshalBinary() ([]byte, error) { return json.Marshal(map[string]int64(t)) }

// UnmarshalTally decodes what MarshalBinary wrote.
func UnmarshalTally(data []byte) (Tally, error) {
	t := Tally{}
	if err := json.Unmarshal(data, (*map[string]int64)(&t)); err != nil {
		return nil, fmt.Errorf("star: tally: %w", err)
	}
	return t, nil
}
