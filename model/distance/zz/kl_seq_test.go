package zz

import (
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/model/mock"
	"gonum.org/v1/gonum/mat"
)

func TestKLPerSequence(t *testing.T) {
	for _, path := range strings.Split(os.Getenv("MODELS"), ",") {
		f, err := flowfile.Load(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		cmd := mock.DefaultCMD()
		r := rand.New(rand.NewPCG(9, 9))
		n := 20000
		x := mat.NewDense(n, 3, nil)
		seqs := make([]int, n)
		lt := make([]float64, n)
		for i := 0; i < n; i++ {
			g, c1, c2, s := cmd.Sample(r)
			x.SetRow(i, []float64{g, c1, c2})
			lt[i] = cmd.LogProb(g, c1, c2)
			seqs[i] = s
		}
		lp := f.LogProb(nil, x, nil)
		sum := map[int]float64{}
		cnt := map[int]int{}
		var tot float64
		for i := range lp {
			sum[seqs[i]] += lt[i] - lp[i]
			cnt[seqs[i]]++
			tot += lt[i] - lp[i]
		}
		t.Logf("%s: KL %.3f", path, tot/float64(n))
		for s := range cnt {
			t.Logf("  seq %d: frac %.3f, mean log ratio %.3f, contribution %.3f", s, float64(cnt[s])/float64(n), sum[s]/float64(cnt[s]), sum[s]/float64(n))
		}
	}
}
