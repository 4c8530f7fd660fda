package runners_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/runners"
)

func discard(int) {}

func init() { register.Function1x0(discard) }

// TestPrivateTempTakesBeamsLeftovers runs a job on the embedded runner
// inside PrivateTemp: Beam's loopback file lands in the private folder, not
// in the machine's temporary folder, and goes with it.
func TestPrivateTempTakesBeamsLeftovers(t *testing.T) {
	outer := t.TempDir()
	t.Setenv("TMPDIR", outer)
	restore, err := runners.PrivateTemp()
	if err != nil {
		t.Fatal(err)
	}
	private := os.TempDir()
	if filepath.Dir(private) != outer || !strings.HasPrefix(filepath.Base(private), "gaiaflow-") {
		t.Fatalf("private folder %s, want gaiaflow-* in %s", private, outer)
	}
	p, s := beam.NewPipelineWithRoot()
	beam.ParDo0(s, discard, beam.Create(s, 1, 2, 3))
	if _, err := runners.Run(context.Background(), p, "test"); err != nil {
		restore()
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(private, "beamloopbackworker-*"))
	restore()
	if len(left) == 0 {
		t.Errorf("no beamloopbackworker file in the private folder: Beam no longer leaves one, or leaves it elsewhere")
	}
	if os.TempDir() != outer {
		t.Errorf("TMPDIR %s after restore, want %s", os.TempDir(), outer)
	}
	if _, err := os.Stat(private); !os.IsNotExist(err) {
		t.Errorf("the private folder is still there: %v", err)
	}
	if in, _ := filepath.Glob(filepath.Join(outer, "beamloopbackworker-*")); len(in) != 0 {
		t.Errorf("Beam's files reached the outer folder: %v", in)
	}
}
