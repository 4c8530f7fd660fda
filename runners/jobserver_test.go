package runners_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/pipelines/inspect"
	"github.com/gaiaflow/gaiaflow/runners"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// realDR2 is 1,000 real Gaia DR2 rows (provenance: io/partition/testdata/README.md).
const realDR2 = "../io/partition/testdata/GaiaSource_like_from_pyia_gdr2_sm.csv"

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestUniversalJobServer builds Beam's standalone prism job server, starts it
// on a loopback port and submits the inspect pipeline to it through the
// portable Job API, exactly as a Flink job server would be used.
func TestUniversalJobServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a job server; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "prism")
	build := exec.Command("go", "build", "-o", bin, "github.com/apache/beam/sdks/v2/go/cmd/prism")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build prism job server: %v\n%s", err, out)
	}
	port := freePort(t)
	srv := exec.Command(bin, fmt.Sprintf("-job_port=%d", port), "-serve_http=false", "-idle_shutdown_timeout=5m")
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	addr := fmt.Sprintf("localhost:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job server did not listen on %s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	for name, v := range map[string]string{"runner": "universal", "endpoint": addr, "environment_type": "LOOPBACK"} {
		old := flag.Lookup(name).Value.String()
		flag.Set(name, v)
		t.Cleanup(func() { flag.Set(name, old) })
	}
	counts := filepath.Join(t.TempDir(), "counts.json")
	p, _, err := inspect.Build(inspect.Options{Inputs: []string{realDR2}, Counts: counts})
	if err != nil {
		t.Fatal(err)
	}
	res, err := runners.Run(context.Background(), p, stars.Namespace)
	if err != nil {
		t.Fatal(err)
	}
	if res.Runner != "universal" {
		t.Errorf("ran on %q, want universal", res.Runner)
	}
	c, err := stars.ReadTally(context.Background(), counts)
	if err != nil {
		t.Fatal(err)
	}
	if got := c[star.StarsIn]; got != 1000 {
		t.Errorf("job server counted %d stars, want 1000 (counts %v)", got, c)
	}
}
