package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Catalog is a catalog run's configuration: the flags of `distances` and
// the JSON file of `regen` carry the same fields. The zero value of a field
// means its default (DefaultCatalog).
type Catalog struct {
	Inputs         []string `json:"inputs"`
	Out            string   `json:"out"`
	Model          string   `json:"model"`
	Dust           string   `json:"dust"`
	Prior          string   `json:"prior"` // auto, survey, flat-parallax (paper eq. 2), flat-distance, exp-decreasing:L_pc
	Seed           uint64   `json:"seed"`
	K              int      `json:"samples"`         // parallax samples per star
	T              int      `json:"iterations"`      // iterations of eq. 2
	Quantiles      int      `json:"quantiles"`       // extra posterior quantiles per row
	ParallaxOffset *float64 `json:"parallax_offset"` // mas; null: +0.029 (DR2)
	Exact          bool     `json:"exact"`           // the flow itself instead of the grid
	StopEarly      bool     `json:"stop_early"`      // end a star's iterations once d_best settles to 1e-3
	Converged      float64  `json:"converged"`       // relative change of d_best that ends eq. 2's iteration; 0: 1e-9, negative: all iterations
	RefineESS      float64  `json:"refine_ess"`      // re-estimate stars whose effective sample size is below it; 0: 8, negative: never
	RefineK        int      `json:"refine_samples"`  // samples of a re-estimate; 0: 32 K (distance.DefaultRefineSamples)
	// ObservedColours evaluates the CMD at the observed colours (the
	// paper), instead of integrating over their photometric errors.
	ObservedColours bool `json:"observed_colours"`
	// DustAtDBest dereddens every parallax sample with the dust at the
	// star's d_best and iterates eq. 2 (the paper), instead of with the
	// dust at each sample's own distance.
	DustAtDBest bool `json:"dust_at_dbest"`
	// IndependentSamples draws a star's parallax samples independently
	// (the paper), instead of one in each of K equal-probability strata
	// of the likelihood.
	IndependentSamples bool  `json:"independent_samples"`
	NoHATS             bool  `json:"no_hats"`       // do not write the version as a HATS catalog
	HATSMaxRows        int64 `json:"hats_max_rows"` // rows per HATS partition at most; 0: 1,000,000
	GridNodes          int   `json:"grid_nodes"`
	BlockSize          int   `json:"block_size"`
}

// DefaultCatalog holds the defaults: paper 000's K = 32 samples and T = 10
// iterations, no dust, a 128^3 grid, blocks of 4096 stars, and the prior
// "auto": the distance distribution the model's training measured on the
// catalogue (the survey prior) where the model holds one, else paper 000's
// flat-in-parallax prior (eq. 2). The flat-in-parallax prior places the
// stars whose parallaxes say little too near: on the demo's paper-000
// population it covers the true distance with [q16, q84] 65.7 % of the
// time, quantile-pull median -0.31, against 67.9 % and -0.07 with the
// survey prior, which costs about a fifth of the catalog's speed (more
// posteriors collapse and are refined); "flat-parallax" is the paper's.
var DefaultCatalog = Catalog{Dust: "none", Prior: "auto", K: 32, T: 10, GridNodes: 128, BlockSize: 4096}

// WithDefaults returns c with every unset field at its default.
func (c Catalog) WithDefaults() Catalog {
	d := DefaultCatalog
	if c.Dust == "" {
		c.Dust = d.Dust
	}
	if c.Prior == "" {
		c.Prior = d.Prior
	}
	if c.K == 0 {
		c.K = d.K
	}
	if c.T == 0 {
		c.T = d.T
	}
	if c.GridNodes == 0 {
		c.GridNodes = d.GridNodes
	}
	if c.BlockSize == 0 {
		c.BlockSize = d.BlockSize
	}
	return c
}

// Validate reports what a run could not start with.
func (c Catalog) Validate() error {
	var errs []error
	if len(c.Inputs) == 0 {
		errs = append(errs, errors.New("no inputs"))
	}
	for _, in := range c.Inputs {
		if in == "" {
			errs = append(errs, errors.New("an empty input"))
		}
	}
	if c.Out == "" {
		errs = append(errs, errors.New("no out folder"))
	}
	if c.Model == "" {
		errs = append(errs, errors.New("no model"))
	}
	if c.K < 0 || c.T < 0 || c.Quantiles < 0 || c.GridNodes < 0 || c.BlockSize < 0 {
		errs = append(errs, fmt.Errorf("negative counts: samples %d, iterations %d, quantiles %d, grid_nodes %d, block_size %d", c.K, c.T, c.Quantiles, c.GridNodes, c.BlockSize))
	}
	if c.GridNodes == 1 || c.GridNodes > 1024 || c.Quantiles > 1000 || c.K > 1<<16 || c.T > 1000 {
		errs = append(errs, fmt.Errorf("out of range: samples %d (at most 65536), iterations %d (1000), quantiles %d (1000), grid_nodes %d (2..1024)", c.K, c.T, c.Quantiles, c.GridNodes))
	}
	return errors.Join(errs...)
}

// ReadCatalog reads a catalog configuration (JSON, unknown fields refused)
// and returns it with its defaults filled in, validated.
func ReadCatalog(r io.Reader) (Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return Catalog{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return Catalog{}, fmt.Errorf("catalog configuration: %w", err)
	}
	if dec.More() {
		return Catalog{}, errors.New("catalog configuration: more than one JSON value")
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return Catalog{}, fmt.Errorf("catalog configuration: %w", err)
	}
	return c, nil
}
