//go:build !unix

package flow

func cpuSeconds() float64 { return 0 }
