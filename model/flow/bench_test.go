package flow

import (
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchConfigs are the configurations of the speed targets, with the
// reference PyTorch 1.13 throughput on one core of these machines (OpenBLAS,
// float32; ../shared/reference/README.md), in samples/s.
var benchConfigs = []struct {
	name       string
	cfg        Config
	batch      int
	torchTrain float64
	torchLogp  float64
}{
	{"paper004_D5C1_20x64_b512", Config{D: 5, C: 1, Blocks: 20, Hidden: []int{64, 64}}, 512, 10340, 53800},
	{"paper000sim_D3_8x256_b2048", Config{D: 3, Blocks: 8, Hidden: []int{256, 256}}, 2048, 11150, 57600},
	{"paper000_D3_35x500_b2048", Config{D: 3, Blocks: 35, Hidden: []int{500, 500}}, 2048, 1330, 4030},
}

var sinkF float64

// GAIAFLOW_FLOW_ISA=avx2 (or none) runs the benchmarks on a lesser
// instruction set, to measure the fallbacks on this machine.
func init() {
	switch os.Getenv("GAIAFLOW_FLOW_ISA") {
	case "avx2":
		if isa >= isaAVX2 {
			isa = isaAVX2
		}
	case "none":
		isa, useAsm = isaNone, false
	}
}

func benchData(cfg Config, n int, seed uint64) (x, c *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x = mat.NewDense(n, cfg.D, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	if cfg.C > 0 {
		c = mat.NewDense(n, cfg.C, nil)
		for i := range c.RawMatrix().Data {
			c.RawMatrix().Data[i] = rng.NormFloat64()
		}
	}
	return x, c
}

// BenchmarkTrainStep measures one training step (forward, backward, Adam,
// weight re-layout) on one mini-batch, in samples/s on one goroutine.
func BenchmarkTrainStep(b *testing.B) {
	for _, bc := range benchConfigs {
		b.Run(bc.name+"/f32", func(b *testing.B) { benchTrain[float32](b, bc.cfg, bc.batch, bc.torchTrain) })
		b.Run(bc.name+"/f64", func(b *testing.B) { benchTrain[float64](b, bc.cfg, bc.batch, bc.torchTrain) })
		b.Run(bc.name+"/f32_2workers", func(b *testing.B) { benchTrainPar[float32](b, bc.cfg, bc.batch, bc.torchTrain, 2) })
	}
}

func benchTrain[T float](b *testing.B, cfg Config, batch int, torch float64) {
	benchTrainPar[T](b, cfg, batch, torch, 1)
}

func benchTrainPar[T float](b *testing.B, cfg Config, batch int, torch float64, workers int) {
	f, err := New(cfg, Orthogonal, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	x, c := benchData(cfg, batch, 2)
	tr := newTrainer[T](f, batch)
	tr.net.par = workers
	for i := 0; i < batch; i++ {
		var ci []float64
		if c != nil {
			ci = c.RawRowView(i)
		}
		tr.setRow(i, x.RawRowView(i), ci)
	}
	opt := newAdam(len(f.params), 1e-3, 0.9, 0.999, 1e-8, 0)
	// One step first: a training run takes thousands, and the first one
	// touches every page of the activations (for 35 x 500, 290 MB).
	tr.step(batch, nil)
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for b.Loop() {
		sinkF = tr.step(batch, nil)
		opt.step(f.params, tr.grad)
		tr.net.sync(f)
	}
	reportThroughput(b, batch, torch, cpuSeconds()-cpu0)
}

// BenchmarkLogProb measures LogProb on batch rows, in samples/s on one
// goroutine.
func BenchmarkLogProb(b *testing.B) {
	for _, bc := range benchConfigs {
		for _, p := range []Precision{Float32, Float64} {
			b.Run(bc.name+"/"+"f"+p.String()[5:], func(b *testing.B) {
				f, err := New(bc.cfg, Orthogonal, rand.New(rand.NewPCG(1, 1)))
				if err != nil {
					b.Fatal(err)
				}
				f.Precision = p
				x, c := benchData(bc.cfg, bc.batch, 2)
				dst := make([]float64, bc.batch)
				f.LogProb(dst, x, c)
				b.ReportAllocs()
				cpu0 := cpuSeconds()
				for b.Loop() {
					f.LogProb(dst, x, c)
				}
				reportThroughput(b, bc.batch, bc.torchLogp, cpuSeconds()-cpu0)
			})
		}
	}
}

// reportThroughput reports samples/s of wall time and its ratio to
// PyTorch's, and samples per CPU second (of all goroutines: for one
// goroutine, the rate a core gives when other processes share it).
func reportThroughput(b *testing.B, batch int, torch, cpu float64) {
	sps := float64(batch*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(sps, "samples/s")
	b.ReportMetric(sps/torch, "x_torch")
	if cpu > 0 {
		b.ReportMetric(float64(batch*b.N)/cpu, "samples/cpu-s")
	}
}
