package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
)

// cpuProfile is a flag of every command: on a local runner the workers are
// this process, so the profile shows where a whole run's time goes (read
// it with `go tool pprof`).
var cpuProfile = flag.String("cpuprofile", "", "write a CPU profile of this process (and so, on a local runner, of the whole run) to this file")

// memProfile is a flag of every command: the heap profile at the end of the
// run, with every allocation the run made (`go tool pprof -sample_index
// alloc_space`), to find what the run allocates and first touches.
var memProfile = flag.String("memprofile", "", "write a heap profile of this process at the end of the run (allocations included) to this file")

func writeMemProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("memprofile: %w", err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("memprofile: %w", err)
	}
	return f.Close()
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
