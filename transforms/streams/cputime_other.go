//go:build !linux

package streams

import "time"

// threadCPU runs f; without per-thread CPU accounting it returns 0 (the
// summary then reports wall time only).
func threadCPU(f func()) time.Duration {
	f()
	return 0
}
