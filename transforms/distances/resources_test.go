package distances

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// cmdModel writes a small random 3-D flow as a model file and returns its
// path, its bytes and the flow.
func cmdModel(t testing.TB, dir string, seed uint64) (string, []byte, *flow.Flow) {
	t.Helper()
	f, err := flow.New(flow.Config{D: 3, Blocks: 2, Hidden: []int{8}}, flow.Orthogonal, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := flowfile.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cmd.gff")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes(), f
}

// TestDistilUsesTheGridBesideItsModel: a catalog run copies the grid that
// traincmd left beside the model, and distils the model itself when that
// grid belongs to another model (a model replaced in place).
func TestDistilUsesTheGridBesideItsModel(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const nodes = 6
	model, data, f := cmdModel(t, dir, 1)
	want, err := distance.DistilCMD(f, nodes)
	if err != nil {
		t.Fatal(err)
	}

	// A grid beside the model that is marked as this model's but holds
	// other values: copying it, not distilling, is what the test sees.
	marked := *want
	marked.Values = append([]float64(nil), want.Values...)
	marked.Values[0] = -1234.5
	sum := sha256Hex(data)
	if err := flowfile.StoreGrid(ctx, flowfile.GridBeside(model, nodes), &marked, sum); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "catalog", "a.grid")
	if err := Distil(ctx, out, model, data, nodes); err != nil {
		t.Fatal(err)
	}
	got, gotSum, err := flowfile.FetchGrid(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if gotSum != sum || got.Values[0] != -1234.5 {
		t.Errorf("the grid beside the model was not used: sum %s, first value %v", gotSum, got.Values[0])
	}

	// The model replaced in place: the grid beside it is stale and ignored.
	_, data2, f2 := cmdModel(t, dir, 2)
	out2 := filepath.Join(dir, "catalog", "b.grid")
	if err := Distil(ctx, out2, model, data2, nodes); err != nil {
		t.Fatal(err)
	}
	got2, sum2, err := flowfile.FetchGrid(ctx, out2)
	if err != nil {
		t.Fatal(err)
	}
	want2, err := distance.DistilCMD(f2, nodes)
	if err != nil {
		t.Fatal(err)
	}
	if sum2 != sha256Hex(data2) || got2.Values[0] == -1234.5 {
		t.Fatalf("a stale grid beside the model was copied (sum %s)", sum2)
	}
	for i := range want2.Values {
		if got2.Values[i] != want2.Values[i] {
			t.Fatalf("node %d: %v, the model's own distillation gives %v", i, got2.Values[i], want2.Values[i])
		}
	}
}

// TestDistilRemakesAGridOfAnotherLayout: a grid in the catalog's grids
// folder, or beside the model, made by a build before the sheared grids
// (nodes^3 on the colours' own axes) is made again, not reused.
func TestDistilRemakesAGridOfAnotherLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const nodes = 6
	model, data, f := cmdModel(t, dir, 1)
	spec := distance.CMDGridSpec(f, nodes)
	old, err := flow.NewGrid(f, spec.Lo, spec.Hi, []int{nodes, nodes, nodes}, flow.GridOptions{ErrPoints: -1})
	if err != nil {
		t.Fatal(err)
	}
	if spec.Matches(old) {
		t.Fatal("the old layout is the spec's")
	}
	out := filepath.Join(dir, "catalog", "grids", "a.grid")
	for _, p := range []string{out, flowfile.GridBeside(model, nodes)} {
		if err := flowfile.StoreGrid(ctx, p, old, sha256Hex(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := Distil(ctx, out, model, data, nodes); err != nil {
		t.Fatal(err)
	}
	got, _, err := flowfile.FetchGrid(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	if !spec.Matches(got) {
		t.Errorf("the grid after Distil is %v nodes, shear %v; want the spec's %v, %v", got.N, got.Shear, spec.N, spec.Shear)
	}
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
