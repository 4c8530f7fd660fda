package runners

import (
	"fmt"
	"os"
)

// PrivateTemp points the process's temporary folder (TMPDIR, which
// os.TempDir reads) at a new folder inside it and returns a function that
// removes that folder and restores TMPDIR. Beam's loopback execution
// (prism, and Flink with a loopback environment) leaves an empty
// beamloopbackworker-* file in the temporary folder at every job
// (runnerlib.Execute, apache/beam#27569): a catalog regenerated on a
// schedule, or followed with a job every few minutes, would fill /tmp with
// them, one per job, for ever.
func PrivateTemp() (restore func(), err error) {
	old, had := os.LookupEnv("TMPDIR")
	dir, err := os.MkdirTemp("", "gaiaflow-")
	if err != nil {
		return nil, fmt.Errorf("runners: private temporary folder: %w", err)
	}
	if err := os.Setenv("TMPDIR", dir); err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("runners: private temporary folder: %w", err)
	}
	return func() {
		if had {
			os.Setenv("TMPDIR", old)
		} else {
			os.Unsetenv("TMPDIR")
		}
		os.RemoveAll(dir)
	}, nil
}
