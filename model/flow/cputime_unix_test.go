//go:build unix

package flow

import "syscall"

// cpuSeconds returns the process's user + system CPU time. Benchmarks
// report throughput per CPU second too, which time-sharing with other
// processes on a busy machine does not dilute.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
