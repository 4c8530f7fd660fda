package release

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// The test of eq. 2's convergence keys the shards of a catalog only where
// it changes their rows: with the dust at d_best. A catalog made in one
// pass keeps the key it had before the test existed, so that a followed or
// regenerated catalog is not computed again for nothing: the key of the
// default configuration below is the one gaiaflow gave before (a1c76fe),
// and the shard files of a one-pass catalog keep their names. (Its rows
// version is 4 since refined stars draw colours from the CMD, which changed
// their rows; a1c76fe wrote 3. Its RefineK is 1024 since a refined star
// draws 32 K samples, not 4 K, which changed their rows too: a1c76fe wrote
// 128.)
func TestConvergedKeysOnlyTheIteration(t *testing.T) {
	ctx := context.Background()
	model := filepath.Join(t.TempDir(), "cmd.gff")
	if err := os.WriteFile(model, []byte("not a model: the keys only hash it"), 0o644); err != nil {
		t.Fatal(err)
	}
	key := func(cfg distance.Config) string {
		k, err := MakeKeys(ctx, model, "constant:0.03", cfg, false, 128)
		if err != nil {
			t.Fatal(err)
		}
		return string(k.Options)
	}
	one := distance.Config{Seed: 1}
	if a, b := key(one), key(distance.Config{Seed: 1, Converged: -1}); a != b {
		t.Errorf("one pass: the key moves with Converged:\n%s\n%s", a, b)
	}
	// The options the key hashes, as gaiaflow a1c76fe wrote them for this
	// configuration (its test run at that commit), with rows version 7
	// (the grid over the draws' box, with its tail) and 32 K refined
	// samples.
	const before = `{"Cfg":{"Mode":0,"Seed":1,"K":32,"T":10,"ParallaxOffset":0.029,"NoParallaxOffset":false,"Extinction":{"AG":2.71,"BPRP":0.85,"BPG":0.39},"Prior":{"Kind":0,"L":0,"LogD0":0,"DLogD":0,"LogNu":null},"MaxRUWE":1.4,"KeepNoRUWE":false,"MinParallaxSNR":0,"MaxColourError":0,"U0":null,"Tol":0.001,"StopEarly":false,"DustAtDBest":false,"Stratified":false,"Quantiles":0,"MinSigmaP":0.001,"SigmaCMD":0.2,"ObservedColours":false,"RefineESS":8,"RefineK":1024,"MinESS":2,"Chunk":256},"Dust":"constant:0.03","Exact":false,"Nodes":128,"Rows":7}`
	if got := key(one); got != before {
		t.Errorf("one pass: the key's options changed:\n got %s\nwant %s", got, before)
	}
	paper := distance.Config{Seed: 1, DustAtDBest: true}
	if a, b := key(paper), key(distance.Config{Seed: 1, DustAtDBest: true, Converged: -1}); a == b {
		t.Error("dust at d_best: all iterations and iterations to convergence share a key")
	}
}
