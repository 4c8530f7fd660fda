package star

import "math"

// Finite reports whether v is a number, neither NaN nor infinite: the test
// every column value of a star passes before it is used, in one place.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
