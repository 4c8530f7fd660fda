package stars

import (
	"fmt"
	"strings"
)

// Reconcile checks that the counters of a finished run account for every row:
// rows_in = stars_in + rejected, and, when a pipeline counts its outputs,
// stars_in = stars_out + the sum of the cuts. It returns an error naming the
// difference otherwise.
func Reconcile(c map[string]int64) error {
	if c[RowsIn] != c[StarsIn]+c[Rejected] {
		return fmt.Errorf("counts do not reconcile: %s %d != %s %d + %s %d", RowsIn, c[RowsIn], StarsIn, c[StarsIn], Rejected, c[Rejected])
	}
	if _, ok := c[StarsOut]; !ok {
		return nil
	}
	var cut int64
	for n, v := range c {
		if strings.HasPrefix(n, CutPrefix) {
			cut += v
		}
	}
	if c[StarsIn] != c[StarsOut]+cut {
		return fmt.Errorf("counts do not reconcile: %s %d != %s %d + cuts %d", StarsIn, c[StarsIn], StarsOut, c[StarsOut], cut)
	}
	return nil
}

// Balance formats the reconciliation line a summary prints.
func Balance(c map[string]int64) string {
	s := fmt.Sprintf("in %d = stars %d + rejected %d", c[RowsIn], c[StarsIn], c[Rejected])
	if _, ok := c[StarsOut]; ok {
		s += fmt.Sprintf("; stars %d = out %d + cut %d", c[StarsIn], c[StarsOut], c[StarsIn]-c[StarsOut])
	}
	return s
}
