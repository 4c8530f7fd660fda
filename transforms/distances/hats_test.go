package distances

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/gaiaflow/gaiaflow/io/release"
)

func TestMain(m *testing.M) { ptest.Main(m) }

// TestHATSOnARunnerMatchesTheSequentialBuild: shards of real DR2 rows (the
// M67 cone, io/partition/testdata) computed with a small model; the HATS
// transform on a runner (counts combined, partitions planned and written
// by separate DoFns), counting from the shard's sidecar or, for a sidecar
// without counts, from the shard itself, writes the same files, byte for
// byte, as WriteHATS doing the steps one after another in this process
// (counting from the shard); partitions are split so that none holds more than MaxRows, and
// hats_nrows counts every star.
func TestHATSOnARunnerMatchesTheSequentialBuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	est, in, _, _ := m67Partition(t, dir, 1, 16)
	cat := filepath.Join(dir, "catalog")
	sc, err := ComputeShard(ctx, cat, in, est, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.HEALPix) == 0 {
		t.Fatal("the sidecar holds no HEALPix counts")
	}
	older := sc // a sidecar of a build before the counts: the shard is read
	older.HEALPix = nil

	const maxRows = 200
	opt := HATSOptions{MaxRows: maxRows, Collection: "test", Builder: "test"}
	onRunner, inProcess, fromShards := opt, opt, opt
	onRunner.Root, inProcess.Root = filepath.Join(dir, "hats-beam"), filepath.Join(dir, "hats-seq")
	fromShards.Root = filepath.Join(dir, "hats-shards")
	p, s := beam.NewPipelineWithRoot()
	HATSOfShards(s, onRunner, cat, beam.Create(s, sc))
	HATSOfShards(s, fromShards, cat, beam.Create(s, older))
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	n, err := WriteHATS(ctx, inProcess, cat, []release.Sidecar{older})
	if err != nil {
		t.Fatal(err)
	}
	if n < 2 {
		t.Fatalf("%d partitions of %d stars at most %d rows each", n, sc.Input.Stars, maxRows)
	}
	files := 0
	filepath.WalkDir(inProcess.Root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(inProcess.Root, path)
		want, _ := os.ReadFile(path)
		for _, root := range []string{onRunner.Root, fromShards.Root} {
			got, err := os.ReadFile(filepath.Join(root, rel))
			w := want
			if rel == "hats.properties" { // written a moment apart
				got, w = dropLine(got, "hats_creation_date="), dropLine(want, "hats_creation_date=")
			}
			if err != nil || string(got) != string(w) {
				t.Errorf("%s: differs between %s and the sequential build (%v)", rel, filepath.Base(root), err)
			}
		}
		files++
		return nil
	})
	props, err := os.ReadFile(filepath.Join(onRunner.Root, "hats.properties"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "hats_nrows=" + strconv.FormatInt(sc.Input.Stars, 10); !strings.Contains(string(props), want) {
		t.Errorf("hats.properties lacks %s:\n%s", want, props)
	}
	t.Logf("%d stars, %d partitions, %d files identical", sc.Input.Stars, n, files)
}

// dropLine returns text without its lines that begin with prefix.
func dropLine(text []byte, prefix string) []byte {
	var out []string
	for _, l := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// TestHATSCountsMerge: merging sorted (pixel, count) lists gives the sums
// a map gives, sorted, in any order of merging.
func TestHATSCountsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	want := map[int64]int64{}
	var lists [][]int64
	for range 6 {
		n := map[int64]int64{}
		for range 200 {
			p, c := rng.Int64N(300), 1+rng.Int64N(9)
			n[p] += c
			want[p] += c
		}
		lists = append(lists, pairs(n))
	}
	var fn hatsCountsFn
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5}, {5, 3, 1, 0, 2, 4}} {
		var acc []int64
		for _, k := range order {
			acc = fn.MergeAccumulators(acc, lists[k])
		}
		if got, w := acc, pairs(want); !slices.Equal(got, w) {
			t.Fatalf("order %v: %d values, want %d", order, len(got), len(w))
		}
	}
}
