package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/table"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/keyrand"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(&command{
		name:    "flow fit",
		summary: "fit a masked autoregressive flow to columns of a CSV table",
		usage: `Fits a Masked Autoregressive Flow (MADE -> BatchNorm -> Reverse blocks, as in both
papers) to the named columns of a CSV table (gzipped or not, local or gs://), optionally
conditioned on other columns and with per-row weights (the loss is the weighted mean negative
log-likelihood). Columns are standardised; the model file keeps the names, the
standardisation, the architecture, the training options and a checksum. Prints the
learning curve.`,
		example: "gaiaflow flow fit --input table.csv --cols a,b,c --cond m --weight w --blocks 5 --hidden 64 --epochs 40 --batch 256 --lr 1e-3 --seed 0 --out model.gff",
		setup:   setupFlowFit,
	})
	register(&command{
		name:    "flow score",
		summary: "mean log-likelihood of a table under a flow model",
		usage: `Evaluates log p(x | c) of every row of a CSV table under a model written by
'gaiaflow flow fit' (the columns are found by the names stored in the model), prints the
mean, and writes the per-row values with --out.`,
		example: "gaiaflow flow score --model model.gff --input test.csv --out logp.csv",
		setup:   setupFlowScore,
	})
	register(&command{
		name:    "flow sample",
		summary: "draw samples from a flow model",
		usage: `Draws n samples from a model written by 'gaiaflow flow fit' by the inverse pass,
conditioned on the given values for a conditional model, and writes them as CSV with the
model's column names (to stdout, or --out).`,
		example: "gaiaflow flow sample --model model.gff -n 10000 --cond 1.5 --seed 3 --out samples.csv",
		setup:   setupFlowSample,
	})
}

func setupFlowFit(fs *flag.FlagSet) func(context.Context, []string) error {
	var (
		in, out, weight, act, prec, initName string
		cols, cond                           listFlag
		hidden                               int
		layers, workers                      int
		cfg                                  flow.Config
		opt                                  flow.Train
	)
	fs.StringVar(&in, "input", "", "input CSV table with a header (gzipped or not, local or gs://)")
	alias(fs, "in", "input")
	fs.Var(&cols, "cols", "data columns, comma-separated")
	fs.Var(&cond, "cond", "conditioning columns, comma-separated (optional)")
	fs.StringVar(&weight, "weight", "", "per-row weight column (optional)")
	fs.StringVar(&out, "out", "model.gff", "model file to write")
	fs.IntVar(&cfg.Blocks, "blocks", 5, "MADE -> BatchNorm -> Reverse blocks")
	fs.IntVar(&hidden, "hidden", 64, "hidden units per MADE layer")
	fs.IntVar(&layers, "layers", 2, "hidden layers per MADE")
	fs.StringVar(&act, "activation", "relu", "relu or tanh")
	fs.BoolVar(&cfg.Ordered, "ordered", false, "no Reverse layers, so leading marginals are exact")
	fs.IntVar(&opt.Epochs, "epochs", 40, "passes over the data")
	fs.IntVar(&opt.Batch, "batch", 256, "mini-batch size")
	fs.Float64Var(&opt.LR, "lr", 1e-3, "Adam learning rate")
	fs.Float64Var(&opt.WeightDecay, "weight-decay", 0, "Adam weight decay")
	fs.Uint64Var(&opt.Seed, "seed", 0, "seed of the initial weights, hold-out split and shuffling")
	fs.StringVar(&initName, "init", "orthogonal", "initial weights: orthogonal or xavier")
	fs.StringVar(&prec, "precision", "float32", "arithmetic: float32 or float64")
	fs.Float64Var(&opt.HoldOut, "holdout", 0, "fraction held out for early stopping (0: none)")
	fs.IntVar(&opt.Patience, "patience", 10, "epochs without a better held-out loss before stopping")
	fs.IntVar(&workers, "workers", 1, "goroutines per matrix product")
	return func(ctx context.Context, _ []string) error {
		if in == "" || len(cols) == 0 {
			return fmt.Errorf("--input and --cols are required")
		}
		var err error
		if cfg.Activation, err = flow.ParseActivation(act); err != nil {
			return err
		}
		if opt.Init, err = flow.ParseInit(initName); err != nil {
			return err
		}
		if opt.Precision, err = parsePrecision(prec); err != nil {
			return err
		}
		opt.Workers = workers
		cfg.D, cfg.C = len(cols), len(cond)
		for range layers {
			cfg.Hidden = append(cfg.Hidden, hidden)
		}
		var wcol []string
		if weight != "" {
			wcol = []string{weight}
		}
		t, err := table.Read(ctx, in, cols, cond, wcol)
		if err != nil {
			return err
		}
		var w []float64
		if t.Data[2] != nil {
			w = mat.Col(nil, 0, t.Data[2])
		}
		fmt.Printf("fitting %d rows of %v", t.Rows, []string(cols))
		if len(cond) > 0 {
			fmt.Printf(" given %v", []string(cond))
		}
		fmt.Printf(": %d blocks x %v hidden, %d epochs, batch %d, lr %g\n", cfg.Blocks, cfg.Hidden, opt.Epochs, opt.Batch, opt.LR)
		fmt.Println("epoch  train_nll  heldout_nll")
		opt.OnEpoch = func(e flow.Epoch) error {
			fmt.Printf("%5d  %9.4f  %11.4f\n", e.Epoch, e.Loss, e.HeldOutLoss)
			return nil
		}
		f, err := flow.Fit(t.Data[0], t.Data[1], w, cfg, opt)
		if err != nil {
			return err
		}
		f.Meta.XNames, f.Meta.CNames = cols, cond
		if f.Meta.Notes == nil {
			f.Meta.Notes = map[string]string{}
		}
		f.Meta.Notes["source"] = in
		if err := flowfile.Save(ctx, out, f); err != nil {
			return err
		}
		lp := f.LogProb(nil, t.Data[0], t.Data[1])
		fmt.Printf("mean log p on the training table: %.4f\nmodel written to %s\n", weightedMean(lp, w), out)
		return nil
	}
}

func parsePrecision(s string) (flow.Precision, error) {
	switch strings.ToLower(s) {
	case "float32", "f32":
		return flow.Float32, nil
	case "float64", "f64":
		return flow.Float64, nil
	}
	return 0, fmt.Errorf("--precision %q: want float32 or float64", s)
}

func weightedMean(v, w []float64) float64 {
	var s, sw float64
	for i, x := range v {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		s += wi * x
		sw += wi
	}
	return s / sw
}

func setupFlowScore(fs *flag.FlagSet) func(context.Context, []string) error {
	var model, in, out string
	fs.StringVar(&model, "model", "", "model file from 'gaiaflow flow fit'")
	fs.StringVar(&in, "input", "", "CSV table with the model's columns")
	alias(fs, "in", "input")
	fs.StringVar(&out, "out", "", "write per-row log p here (CSV, column logp)")
	return func(ctx context.Context, _ []string) error {
		if model == "" || in == "" {
			return fmt.Errorf("--model and --input are required")
		}
		f, err := flowfile.Load(ctx, model)
		if err != nil {
			return err
		}
		if len(f.Meta.XNames) == 0 {
			return fmt.Errorf("%s: the model does not name its columns", model)
		}
		t, err := table.Read(ctx, in, f.Meta.XNames, f.Meta.CNames)
		if err != nil {
			return err
		}
		lp := f.LogProb(nil, t.Data[0], t.Data[1])
		fmt.Printf("rows %d\nmean log p %.6f\n", t.Rows, weightedMean(lp, nil))
		if out == "" {
			return nil
		}
		return writeCSV(out, []string{"logp"}, t.Rows, func(i int) []float64 { return lp[i : i+1] })
	}
}

func setupFlowSample(fs *flag.FlagSet) func(context.Context, []string) error {
	var (
		model, out string
		n          int
		seed       uint64
		cond       listFlag
	)
	fs.StringVar(&model, "model", "", "model file from 'gaiaflow flow fit'")
	fs.IntVar(&n, "n", 1000, "number of samples")
	fs.Var(&cond, "cond", "values of the condition columns, comma-separated (conditional models)")
	fs.Uint64Var(&seed, "seed", 0, "random seed")
	fs.StringVar(&out, "out", "", "output CSV (default: standard output)")
	return func(ctx context.Context, _ []string) error {
		if model == "" || n <= 0 {
			return fmt.Errorf("--model and a positive -n are required")
		}
		f, err := flowfile.Load(ctx, model)
		if err != nil {
			return err
		}
		var c *mat.Dense
		if nc := f.Config().C; nc > 0 {
			if len(cond) != nc {
				return fmt.Errorf("the model is conditioned on %d columns %v: give --cond with %d values", nc, f.Meta.CNames, nc)
			}
			c = mat.NewDense(n, nc, nil)
			for k, s := range cond {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsNaN(v) {
					return fmt.Errorf("--cond value %q is not a number", s)
				}
				for i := 0; i < n; i++ {
					c.Set(i, k, v)
				}
			}
		}
		x := f.Sample(nil, n, c, keyrand.New(seed, 0x5a3b1e))
		names := f.Meta.XNames
		if len(names) == 0 {
			for k := range f.Config().D {
				names = append(names, fmt.Sprintf("x%d", k))
			}
		}
		return writeCSV(out, names, n, func(i int) []float64 { return x.RawRowView(i) })
	}
}

// writeCSV writes rows to path, or to standard output when path is "".
func writeCSV(path string, head []string, n int, row func(int) []float64) error {
	var w io.Writer = os.Stdout
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	cw := csv.NewWriter(w)
	cw.Write(head)
	rec := make([]string, len(head))
	for i := 0; i < n; i++ {
		for k, v := range row(i) {
			rec[k] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
