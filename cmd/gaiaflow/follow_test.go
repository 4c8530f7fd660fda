package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// follower is `gaiaflow distances --follow` running in the background.
type follower struct {
	cmd      *exec.Cmd
	mu       sync.Mutex
	out, err bytes.Buffer
	done     chan error
}

func (f *follower) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err.Write(p)
}

func (f *follower) log() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String() + f.err.String()
}

// startFollow starts the follow pipeline on the inputs of in into cat.
func startFollow(t *testing.T, in, cat, model, dust string) *follower {
	t.Helper()
	args := []string{"distances", "--follow", "--input", filepath.Join(in, "GaiaSource_*"), "--model", model, "--dust", dust,
		"--out", cat, "--poll-every", "200ms", "--publish-every", "500ms", "--grid-nodes", "24", "--samples", "8", "--iterations", "3"}
	f := &follower{done: make(chan error, 1)}
	f.cmd = exec.Command(os.Args[0], "-test.run=^$")
	// The process's temporary folder inside the test's: a follower killed
	// with SIGKILL cannot remove its own (runners.PrivateTemp).
	f.cmd.Env = append(os.Environ(), "GAIAFLOW_BE_MAIN=1", "GAIAFLOW_ARGS="+strings.Join(args, " "), "TMPDIR="+t.TempDir())
	f.cmd.Stdout, f.cmd.Stderr = &f.out, f
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { f.done <- f.cmd.Wait() }()
	t.Cleanup(func() {
		if f.cmd.ProcessState == nil {
			f.cmd.Process.Kill()
			<-f.done
		}
	})
	return f
}

// stop sends SIGTERM and waits for the drain.
func (f *follower) stop(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(f.log(), "SIGTERM drains") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond) // until it listens for the signal
	}
	f.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-f.done:
		if err != nil {
			t.Fatalf("follow after SIGTERM: %v\n%s", err, f.log())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("follow did not drain in 30 s\n%s", f.log())
	}
}

// waitVersion waits until the published version satisfies ok and returns
// it. What it allows the follower is CPU time, not wall time: a minute of
// the follower's own CPU (about ten times what a version takes it), so that
// a machine busy with other work only makes the wait longer. It fails at
// once if the follower exits, and after four minutes of wall time as a last
// resort against a follower that hangs without using the CPU.
func waitVersion(t *testing.T, f *follower, cat string, ok func(*release.Manifest) bool) *release.Manifest {
	t.Helper()
	const budget, hang = time.Minute, 4 * time.Minute
	cpu0, start := followerCPU(f), time.Now()
	for {
		if m, err := release.Current(context.Background(), cat); err == nil && ok(m) {
			return m
		}
		exited := false
		select {
		case err := <-f.done:
			f.done <- err // for stop and the cleanup
			exited = true
		default:
		}
		used := followerCPU(f) - cpu0
		if used > budget || time.Since(start) > hang || exited {
			m, err := release.Current(context.Background(), cat)
			t.Fatalf("no such version after %v of the follower's CPU time (%v of wall time; exited: %v); published: %+v (%v)\nlog:\n%s",
				used.Round(time.Second), time.Since(start).Round(time.Second), exited, m, err, f.log())
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// followerCPU returns the CPU time (user and system) the follower has used,
// from /proc; where there is no /proc, the wall time since the Unix epoch
// stands in, which makes waitVersion's budget one of wall time.
func followerCPU(f *follower) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", f.cmd.Process.Pid))
	if err != nil {
		return time.Duration(time.Now().UnixNano())
	}
	// The fields after the command name, which is in parentheses: state is
	// field 3, utime and stime fields 14 and 15, in clock ticks (USER_HZ,
	// 100 on Linux).
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 13 {
		return time.Duration(time.Now().UnixNano())
	}
	var ticks int64
	for _, v := range fields[11:13] {
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	tmp := dst + ".part" // a partition lands whole, as a bucket upload does
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		t.Fatal(err)
	}
}

// paths returns the base names of a version's inputs, sorted.
func paths(m *release.Manifest) []string {
	var p []string
	for _, in := range m.Inputs {
		p = append(p, filepath.Base(in.Path))
	}
	sort.Strings(p)
	return p
}

func keyOf(m *release.Manifest, base string) string {
	for _, in := range m.Inputs {
		if filepath.Base(in.Path) == base {
			return in.Key
		}
	}
	return ""
}

// followFixture simulates a small sky and trains two CMD models on it.
func followFixture(t *testing.T) (parts []string, model1, model2, dust string) {
	t.Helper()
	dir := t.TempDir()
	sky := filepath.Join(dir, "sky")
	if code, out, errOut := gaiaflow(t, "simulate", "--out", sky, "--stars", "6000", "--seed", "8"); code != 0 {
		t.Fatalf("simulate: exit %d\n%s\n%s", code, out, errOut)
	}
	parts, _ = filepath.Glob(filepath.Join(sky, "GaiaSource_*.csv.gz"))
	if len(parts) < 4 {
		t.Fatalf("%d partitions", len(parts))
	}
	dust = filepath.Join(sky, "dust.json")
	for i, m := range []*string{&model1, &model2} {
		out := filepath.Join(dir, fmt.Sprintf("model%d", i+1))
		if code, o, e := gaiaflow(t, "traincmd", "--input", filepath.Join(sky, "GaiaSource_*.csv.gz"), "--dust", dust, "--out", out,
			"--passes", "1", "--min-parallax-snr", "3", "--seed", fmt.Sprint(i)); code != 0 {
			t.Fatalf("traincmd: exit %d\n%s\n%s", code, o, e)
		}
		*m = filepath.Join(out, "cmd.gff")
	}
	return parts, model1, model2, dust
}

// TestFollowPublishesArrivals: the follow pipeline on an empty folder;
// two partitions land and a version with exactly their stars appears; a
// third lands and one changes: the next version has the third, the changed
// one recomputed (new key) and the unchanged one reused (same key), and its
// counts reconcile. A new model file: the next version is all on it.
func TestFollowPublishesArrivals(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a streaming pipeline")
	}
	parts, model1, model2, dust := followFixture(t)
	dir := t.TempDir()
	in, cat := filepath.Join(dir, "in"), filepath.Join(dir, "catalog")
	os.MkdirAll(in, 0o755)
	model := filepath.Join(dir, "cmd.gff")
	copyFile(t, model1, model)
	f := startFollow(t, in, cat, model, dust)

	a, b, c := filepath.Base(parts[0]), filepath.Base(parts[1]), filepath.Base(parts[2])
	copyFile(t, parts[0], filepath.Join(in, a))
	copyFile(t, parts[1], filepath.Join(in, b))
	v1 := waitVersion(t, f, cat, func(m *release.Manifest) bool { return len(m.Inputs) == 2 })
	if got := paths(v1); got[0] != min(a, b) || got[1] != max(a, b) {
		t.Errorf("first version holds %v", got)
	}
	if err := v1.Counts.Reconcile(); err != nil || v1.Counts[star.RowsIn] != v1.Stars+v1.Counts.Cuts()+v1.Counts[star.Rejected] {
		t.Errorf("v1 counts %v: %v", v1.Counts, err)
	}

	copyFile(t, parts[2], filepath.Join(in, c))
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(in, a), later, later) // a changes (a new version of the file)
	v2 := waitVersion(t, f, cat, func(m *release.Manifest) bool {
		return len(m.Inputs) == 3 && keyOf(m, a) != keyOf(v1, a)
	})
	if keyOf(v2, b) != keyOf(v1, b) {
		t.Errorf("the unchanged partition %s was recomputed", b)
	}
	if v2.Follow == nil || v2.Follow.Added != 2 || v2.Follow.DelayMax <= 0 {
		t.Errorf("v2 follow stats %+v, want 2 added (the new and the changed one) with their delays", v2.Follow)
	}
	if _, err := release.Verify(context.Background(), cat, ""); err != nil {
		t.Errorf("v2: %v", err)
	}
	// Each followed version is a HATS catalog too; v2 copies the
	// partitions whose shards did not change.
	props, err := os.ReadFile(filepath.Join(cat, v2.Version, release.HATSDir, "hats.properties"))
	if err != nil || !strings.Contains(string(props), fmt.Sprintf("hats_nrows=%d\n", v2.Stars)) {
		t.Errorf("v2's HATS catalog: %v\n%s", err, props)
	}

	copyFile(t, model2, model) // a new model: one version, all on it
	sum := ""
	v3 := waitVersion(t, f, cat, func(m *release.Manifest) bool {
		if m.ModelSHA256 != v2.ModelSHA256 {
			sum = m.ModelSHA256
			return true
		}
		return false
	})
	for _, in := range v3.Inputs {
		sc, err := release.ReadSidecar(context.Background(), cat, in)
		if err != nil || len(v3.Inputs) != 3 || keyOf(v2, filepath.Base(in.Path)) == in.Key {
			t.Errorf("v3 input %s: key %s (v2 %s), %v", in.Path, in.Key, keyOf(v2, filepath.Base(in.Path)), err)
		}
		_ = sc
	}
	if sum == "" {
		t.Error("no version on the new model")
	}
	f.stop(t)
}

// TestFollowBrokenFile: a truncated gzip landing among good partitions is
// recorded as failed with its name, does not stop the pipeline or hold
// back the others, and once replaced by a good file it is published.
func TestFollowBrokenFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a streaming pipeline")
	}
	parts, model, _, dust := followFixture(t)
	dir := t.TempDir()
	in, cat := filepath.Join(dir, "in"), filepath.Join(dir, "catalog")
	os.MkdirAll(in, 0o755)
	f := startFollow(t, in, cat, model, dust)

	data, _ := os.ReadFile(parts[1])
	broken := filepath.Join(in, filepath.Base(parts[1]))
	os.WriteFile(broken, data[:len(data)/2], 0o644)
	copyFile(t, parts[0], filepath.Join(in, filepath.Base(parts[0])))
	v := waitVersion(t, f, cat, func(m *release.Manifest) bool {
		return len(m.Inputs) == 1 && m.Follow != nil && len(m.Follow.Failed) == 1
	})
	if fl := v.Follow.Failed[0]; fl.Path != broken || !strings.Contains(fl.Error, filepath.Base(broken)) {
		t.Errorf("failure %+v does not name %s", fl, broken)
	}
	if !strings.Contains(f.log(), filepath.Base(broken)) {
		t.Errorf("the log does not name the broken file:\n%s", f.log())
	}
	copyFile(t, parts[1], broken)
	waitVersion(t, f, cat, func(m *release.Manifest) bool { return len(m.Inputs) == 2 && len(m.Follow.Failed) == 0 })
	f.stop(t)
}

// TestFollowKill9: the follow pipeline killed with SIGKILL at random moments
// while partitions land (publications every half second): after every kill
// CURRENT names a complete version that verifies, and after the last
// restart every partition is published exactly once.
func TestFollowKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a streaming pipeline")
	}
	parts, model, _, dust := followFixture(t)
	dir := t.TempDir()
	in, cat := filepath.Join(dir, "in"), filepath.Join(dir, "catalog")
	os.MkdirAll(in, 0o755)
	rng := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	for i, p := range parts {
		f := startFollow(t, in, cat, model, dust)
		copyFile(t, p, filepath.Join(in, filepath.Base(p)))
		time.Sleep(time.Duration(300+rng.IntN(2500)) * time.Millisecond)
		f.cmd.Process.Kill()
		<-f.done
		if _, err := release.Current(ctx, cat); err == nil {
			if _, err := release.Verify(ctx, cat, ""); err != nil {
				t.Fatalf("after kill %d: CURRENT names a version that does not verify: %v", i, err)
			}
		}
	}
	f := startFollow(t, in, cat, model, dust)
	m := waitVersion(t, f, cat, func(m *release.Manifest) bool { return len(m.Inputs) == len(parts) })
	seen := map[string]int{}
	for _, in := range m.Inputs {
		seen[filepath.Base(in.Path)]++
	}
	for _, p := range parts {
		if seen[filepath.Base(p)] != 1 {
			t.Errorf("%s published %d times", filepath.Base(p), seen[filepath.Base(p)])
		}
	}
	if _, err := release.Verify(ctx, cat, ""); err != nil {
		t.Error(err)
	}
	f.stop(t)
}
