package flowfile

import (
	"fmt"
	"math"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// header is the JSON header of a model file (doc.go).
type header struct {
	Format    string       `json:"format"`
	Version   int          `json:"version"`
	Created   string       `json:"created,omitempty"`
	Software  string       `json:"software,omitempty"`
	Config    configJSON   `json:"config"`
	Precision string       `json:"precision"`
	Meta      metaJSON     `json:"meta"`
	Tensors   []tensorJSON `json:"tensors"`
}

type configJSON struct {
	D          int     `json:"d"`
	C          int     `json:"c"`
	Blocks     int     `json:"blocks"`
	Hidden     []int   `json:"hidden"`
	Activation string  `json:"activation"`
	Momentum   float64 `json:"momentum"`
	Eps        float64 `json:"eps"`
	Ordered    bool    `json:"ordered"`
}

type metaJSON struct {
	XNames []string          `json:"x_names,omitempty"`
	CNames []string          `json:"c_names,omitempty"`
	Notes  map[string]string `json:"notes,omitempty"`
	Train  *trainJSON        `json:"train,omitempty"`
}

type trainJSON struct {
	Epochs      int      `json:"epochs"`
	Batch       int      `json:"batch"`
	LR          float64  `json:"lr"`
	Beta1       float64  `json:"beta1"`
	Beta2       float64  `json:"beta2"`
	AdamEps     float64  `json:"adam_eps"`
	WeightDecay float64  `json:"weight_decay"`
	Seed        uint64   `json:"seed"`
	Init        string   `json:"init"`
	Precision   string   `json:"precision"`
	HoldOut     float64  `json:"hold_out"`
	Patience    int      `json:"patience"`
	Standardize bool     `json:"standardize"`
	Rows        int      `json:"rows"`
	HeldOutRows int      `json:"held_out_rows"`
	EpochsRun   int      `json:"epochs_run"`
	BestEpoch   int      `json:"best_epoch"`
	Loss        *float64 `json:"loss"`
	HeldOutLoss *float64 `json:"held_out_loss"`
	Weighted    bool     `json:"weighted"`
}

type tensorJSON struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

const (
	formatName = "gaiaflow-maf"
	software   = "gaiaflow model/flow"
)

func finiteOrNil(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func configOf(c flow.Config) configJSON {
	return configJSON{D: c.D, C: c.C, Blocks: c.Blocks, Hidden: c.Hidden, Activation: c.Activation.String(),
		Momentum: c.Momentum, Eps: c.Eps, Ordered: c.Ordered}
}

func (c configJSON) config() (flow.Config, error) {
	act, err := flow.ParseActivation(c.Activation)
	if err != nil {
		return flow.Config{}, err
	}
	cfg := flow.Config{D: c.D, C: c.C, Blocks: c.Blocks, Hidden: c.Hidden, Activation: act,
		Momentum: c.Momentum, Eps: c.Eps, Ordered: c.Ordered}
	// Zero values would silently become defaults; a file states them all.
	if c.Blocks == 0 || len(c.Hidden) == 0 || c.Momentum == 0 || c.Eps == 0 {
		return cfg, fmt.Errorf("config %+v leaves a field unset", c)
	}
	return cfg, cfg.Validate()
}

func parsePrecision(s string) (flow.Precision, error) {
	if s == "" {
		return 0, fmt.Errorf("no precision")
	}
	return flow.ParsePrecision(s)
}

func metaOf(m flow.Meta) metaJSON {
	out := metaJSON{XNames: m.XNames, CNames: m.CNames, Notes: m.Notes}
	t := m.Train
	if t.Epochs > 0 {
		o := t.Options
		out.Train = &trainJSON{
			Epochs: o.Epochs, Batch: o.Batch, LR: o.LR, Beta1: o.Beta1, Beta2: o.Beta2,
			AdamEps: o.AdamEps, WeightDecay: o.WeightDecay, Seed: o.Seed, Init: o.Init.String(),
			Precision: o.Precision.String(), HoldOut: o.HoldOut, Patience: o.Patience,
			Standardize: !o.NoStandardize, Rows: t.Rows, HeldOutRows: t.HeldOutRows,
			EpochsRun: t.Epochs, BestEpoch: t.BestEpoch, Loss: finiteOrNil(t.Loss),
			HeldOutLoss: finiteOrNil(t.HeldOutLoss), Weighted: t.Weighted,
		}
	}
	return out
}

func (m metaJSON) meta() (flow.Meta, error) {
	out := flow.Meta{XNames: m.XNames, CNames: m.CNames, Notes: m.Notes}
	if t := m.Train; t != nil {
		init, err := flow.ParseInit(t.Init)
		if err != nil {
			return out, err
		}
		prec, err := parsePrecision(t.Precision)
		if err != nil {
			return out, err
		}
		out.Train = flow.TrainInfo{
			Options: flow.Train{Epochs: t.Epochs, Batch: t.Batch, LR: t.LR, Beta1: t.Beta1, Beta2: t.Beta2,
				AdamEps: t.AdamEps, WeightDecay: t.WeightDecay, Seed: t.Seed, Init: init, Precision: prec,
				HoldOut: t.HoldOut, Patience: t.Patience, NoStandardize: !t.Standardize},
			Rows: t.Rows, HeldOutRows: t.HeldOutRows, Epochs: t.EpochsRun, BestEpoch: t.BestEpoch,
			Loss: orNaN(t.Loss), HeldOutLoss: orNaN(t.HeldOutLoss), Weighted: t.Weighted,
		}
	}
	return out, nil
}
