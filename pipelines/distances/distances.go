// Package distances is the pipeline behind `gaiaflow distances` and
// `gaiaflow regen`: the photometric-distance catalog of paper 000 over Gaia
// partitions, published as a new version of a catalog folder (io/release).
//
// A run has three steps. Plan (in the launcher) lists the inputs, keys each
// partition's shard by (input version, model checksum, options), finds the
// shards a previous run already finished, and distils the CMD flow into a
// grid once. Build makes the Beam pipeline over the partitions still to do.
// Publish (in the launcher, after the job succeeded) merges the shards'
// Table 1, writes the version's summaries and manifest, and moves CURRENT.
package distances

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"bytes"
	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/distances"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// Options configure a catalog run.
type Options struct {
	Inputs []string // partition paths or globs, local or gs://
	Out    string   // the catalog folder
	Model  string   // the CMD flow (.gff)
	Dust   string   // dust map spec (see distances.OpenDust)
	// Exact evaluates the flow itself for every sample instead of the
	// distilled grid (slow; for checking the grid).
	Exact bool
	// GridNodes is the number of grid nodes per dimension; 0 means 128.
	GridNodes int
	Cfg       distance.Config
	BlockSize int
	// DryRun plans without writing anything: no lock, no grid, no shards.
	DryRun bool
}

// Plan is what a run will do.
type Plan struct {
	Version  string
	ModelSum string
	Grid     string          // the distilled grid file ("" with Exact)
	Options  json.RawMessage // the estimator's configuration, as keyed
	All      []release.Input // every input partition, keyed
	Todo     []release.Input // those without a finished shard
	Previous *release.Manifest
	Cleaned  []string // what Begin removed that a killed run had left

	lock *store.Lock
}

// Fresh reports whether the published version is already what this run
// would publish.
func (p *Plan) Fresh() bool {
	if len(p.Todo) > 0 || p.Previous == nil || len(p.Previous.Inputs) != len(p.All) {
		return false
	}
	for i, in := range p.All {
		if p.Previous.Inputs[i].Key != in.Key || p.Previous.Inputs[i].Path != in.Path {
			return false
		}
	}
	return true
}

// Begin starts a run on the catalog folder: it takes the folder's lock (a
// second run on the same catalog fails here, saying who holds it), removes
// what a killed run left there, and makes the plan. End releases the lock.
// With opt.DryRun it only plans.
func Begin(ctx context.Context, opt Options) (*Plan, error) {
	if opt.DryRun {
		return MakePlan(ctx, opt)
	}
	if opt.Out == "" {
		return nil, errors.New("distances: an output folder is required")
	}
	lock, err := release.Lock(ctx, opt.Out)
	if err != nil {
		return nil, err
	}
	cleaned, err := release.Clean(ctx, opt.Out)
	if err != nil {
		lock.Unlock(ctx)
		return nil, err
	}
	p, err := MakePlan(ctx, opt)
	if err != nil {
		lock.Unlock(ctx)
		return nil, err
	}
	p.lock, p.Cleaned = lock, cleaned
	return p, nil
}

// End releases what Begin took.
func (p *Plan) End(ctx context.Context) error {
	if p.lock == nil {
		return nil
	}
	err := p.lock.Unlock(ctx)
	p.lock = nil
	return err
}

// MakePlan lists the inputs and finds what is left to compute. It takes no
// lock (see Begin).
func MakePlan(ctx context.Context, opt Options) (*Plan, error) {
	if len(opt.Inputs) == 0 || opt.Out == "" || opt.Model == "" {
		return nil, errors.New("distances: inputs, an output folder and a model are required")
	}
	cfg := opt.Cfg
	cfg.Mode = distance.Catalog
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	modelBytes, err := store.ReadFile(ctx, opt.Model)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	sum := sha256.Sum256(modelBytes)
	p := &Plan{ModelSum: hex.EncodeToString(sum[:])}
	dustKey, err := dustContent(ctx, opt.Dust)
	if err != nil {
		return nil, err
	}
	// The key covers everything a shard depends on besides the input, each
	// by content: the model by its checksum, the dust map by its own (a map
	// rewritten in place under the same name makes new shards).
	keyed := struct {
		Cfg   distance.Config
		Dust  string
		Exact bool
		Nodes int
	}{cfg.WithDefaults(), dustKey, opt.Exact, opt.GridNodes}
	if p.Options, err = json.Marshal(keyed); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, pat := range opt.Inputs {
		infos, err := store.Glob(ctx, pat)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", pat, err)
		}
		if len(infos) == 0 {
			return nil, fmt.Errorf("input %s: no partition files match", pat)
		}
		for _, in := range infos {
			if seen[in.Path] || !stars.IsDataFile(in.Path) {
				continue
			}
			seen[in.Path] = true
			key := release.ShardKey(in, p.ModelSum, p.Options)
			p.All = append(p.All, release.Input{Path: in.Path, Size: in.Size, Version: in.Version, Key: key})
		}
	}
	for _, in := range p.All {
		if _, err := release.ReadSidecar(ctx, opt.Out, in); err != nil {
			p.Todo = append(p.Todo, in)
		}
	}
	if p.Previous, err = release.Current(ctx, opt.Out); err != nil && !errors.Is(err, release.ErrNoRelease) {
		return nil, err
	}
	if p.Version, err = release.NextVersion(ctx, opt.Out); err != nil {
		return nil, err
	}
	if !opt.Exact && len(p.Todo) > 0 {
		p.Grid = gridPath(opt, p.ModelSum)
		if !opt.DryRun {
			if err = distil(ctx, opt, p.Grid, modelBytes); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// dustContent names the dust map spec by content: the spec itself for the
// analytic ones ("none", "constant:E"), the file's checksum otherwise.
func dustContent(ctx context.Context, spec string) (string, error) {
	if spec == "" || spec == "none" || strings.HasPrefix(spec, "constant:") {
		return spec, nil
	}
	sum, err := store.Checksum(ctx, spec)
	if err != nil {
		return "", fmt.Errorf("dust map: %w", err)
	}
	return sum, nil
}

// gridPath is where the distilled grid of a model (by checksum) and node
// count lives in the catalog folder.
func gridPath(opt Options, sum string) string {
	n := opt.GridNodes
	if n == 0 {
		n = 128
	}
	return store.Join(opt.Out, "grids", fmt.Sprintf("%s-%d.grid", sum[:16], n))
}

// distil builds the grid of the model's log density at path once per model
// and node count, over mean ± 5 standard deviations of the training data.
func distil(ctx context.Context, opt Options, path string, model []byte) error {
	if _, err := store.Stat(ctx, path); err == nil {
		return nil
	}
	n := opt.GridNodes
	if n == 0 {
		n = 128
	}
	f, err := flowfile.Read(bytes.NewReader(model))
	if err != nil {
		return fmt.Errorf("model %s: %w", opt.Model, err)
	}
	if f.D() != 3 || f.C() != 0 {
		return fmt.Errorf("model %s: a CMD model has 3 data columns (g, bp-rp, bp-g) and no condition, this one %d and %d", opt.Model, f.D(), f.C())
	}
	st := f.Standardization()
	lo, hi, nodes := make([]float64, 3), make([]float64, 3), []int{n, n, n}
	for j := range lo {
		lo[j], hi[j] = st.XMean[j]-5*st.XScale[j], st.XMean[j]+5*st.XScale[j]
	}
	g, err := flow.NewGrid(f, lo, hi, nodes, flow.GridOptions{Outside: math.Inf(-1)})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(model)
	return distances.WriteGrid(ctx, path, g, hex.EncodeToString(sum[:]))
}

// Build returns the pipeline that computes the shards of plan.Todo.
func Build(plan *Plan, opt Options) (*beam.Pipeline, error) {
	if len(plan.Todo) == 0 {
		return nil, errors.New("distances: nothing to compute")
	}
	cfg := opt.Cfg
	cfg.Mode = distance.Catalog
	paths := make([]string, len(plan.Todo))
	for i, in := range plan.Todo {
		paths[i] = in.Path
	}
	p, s := beam.NewPipelineWithRoot()
	blocks, rej, read := stars.Read(s, paths, stars.ReadOptions{BlockSize: opt.BlockSize})
	rows, cuts := distances.Estimate(s, distances.Options{Grid: plan.Grid, Model: opt.Model, Dust: opt.Dust, Cfg: cfg}, blocks)
	distances.WriteShards(s, opt.Out, plan.Todo, rows, rej, read, cuts)
	distances.Fig4(s, store.Join(opt.Out, plan.Version, release.Fig4Name), rows)
	return p, nil
}

// RunCounts sums the counts of the shards this run computed (plan.Todo),
// read back from their sidecars: the numbers its summary prints and checks.
func RunCounts(ctx context.Context, plan *Plan, opt Options) (star.Tally, error) {
	t := star.Tally{}
	for _, in := range plan.Todo {
		sc, err := release.ReadSidecar(ctx, opt.Out, in)
		if err != nil {
			return nil, fmt.Errorf("no finished shard for %s: %w", in.Path, err)
		}
		t.Merge(sc.Input.Counts)
	}
	return t, t.Reconcile()
}
