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
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/gaiaflow/gaiaflow/io/flowfile"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/distances"
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
	// HATSMaxRows is the most rows a partition of the version's HATS
	// catalog holds (BuildHATS); 0 means 1,000,000. NoHATS: the follow
	// mode publishes none (a batch run simply does not run BuildHATS).
	HATSMaxRows int64
	NoHATS      bool
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

// Reused returns the inputs whose finished shards the run takes as they
// are: All but Todo.
func (p *Plan) Reused() []release.Input {
	todo := map[string]bool{} // by partition and key: a shard's name
	for _, in := range p.Todo {
		todo[in.Path+"\x00"+in.Key] = true
	}
	var out []release.Input
	for _, in := range p.All {
		if !todo[in.Path+"\x00"+in.Key] {
			out = append(out, in)
		}
	}
	return out
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
	cfg := opt.catalogConfig()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	keys, err := release.MakeKeys(ctx, opt.Model, opt.Dust, cfg, opt.Exact, opt.GridNodes)
	if err != nil {
		return nil, err
	}
	p := &Plan{ModelSum: keys.ModelSum, Options: keys.Options}
	if p.All, err = release.ListInputs(ctx, opt.Inputs, keys, false); err != nil {
		return nil, err
	}
	if p.Todo, err = release.Unfinished(ctx, opt.Out, p.All); err != nil {
		return nil, err
	}
	if p.Previous, err = release.Current(ctx, opt.Out); err != nil && !errors.Is(err, release.ErrNoRelease) {
		return nil, err
	}
	if p.Version, err = release.NextVersion(ctx, opt.Out); err != nil {
		return nil, err
	}
	if !opt.Exact && len(p.Todo) > 0 {
		p.Grid = distances.GridPath(opt.Out, p.ModelSum, opt.GridNodes)
		if !opt.DryRun {
			if err = distances.Distil(ctx, p.Grid, opt.Model, keys.Model, opt.GridNodes); err != nil {
				return nil, fmt.Errorf("model %s: %w", opt.Model, err)
			}
		}
	}
	return p, nil
}

// Build returns the pipeline that computes the shards of plan.Todo and,
// unless opt.NoHATS, writes the version's HATS catalog from them and from
// the shards it reuses, in the same job (see BuildHATS).
func Build(plan *Plan, opt Options) (*beam.Pipeline, error) {
	if len(plan.Todo) == 0 {
		return nil, errors.New("distances: nothing to compute")
	}
	cfg := opt.catalogConfig()
	p, s := beam.NewPipelineWithRoot()
	sidecars, hists := distances.Shards(s, distances.Options{Grid: plan.Grid, Model: opt.Model, Dust: opt.Dust, Cfg: cfg, BlockSize: opt.BlockSize}, opt.Out, plan.Todo)
	distances.Fig4(s, store.Join(opt.Out, plan.Version, release.Fig4Name), hists)
	if !opt.NoHATS {
		if reused := plan.Reused(); len(reused) > 0 {
			sidecars = beam.Flatten(s, sidecars, distances.ReadSidecars(s, opt.Out, reused))
		}
		distances.HATSOfShards(s, hatsOptions(plan, opt), opt.Out, sidecars)
	}
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

// BuildFollow returns the unbounded pipeline of a followed catalog
// (distances.Follow): it lists opt.Inputs every pollEvery (or at every
// notification of the Pub/Sub subscription notifications), makes each new
// or changed partition into its shard, and publishes a version at most
// every publishEvery when finished shards differ from the published
// version's.
func BuildFollow(opt Options, pollEvery, publishEvery time.Duration, notifications string) (*beam.Pipeline, error) {
	fo, err := FollowOptions(opt, pollEvery, publishEvery, notifications)
	if err != nil {
		return nil, err
	}
	p, s := beam.NewPipelineWithRoot()
	distances.Follow(s, fo)
	return p, nil
}

// CheckFollow checks the follow mode's own settings: positive intervals and
// a well-formed Pub/Sub subscription, if any.
func CheckFollow(pollEvery, publishEvery time.Duration, notifications string) error {
	if pollEvery <= 0 || publishEvery <= 0 {
		return fmt.Errorf("distances: poll and publication intervals must be positive, got %v and %v", pollEvery, publishEvery)
	}
	if notifications != "" && !distances.ValidSubscription(notifications) {
		return fmt.Errorf("distances: notifications %q: want a Pub/Sub subscription, projects/PROJECT/subscriptions/NAME", notifications)
	}
	return nil
}

// FollowOptions returns the options of distances.Follow for a catalog run's
// options; notifications, if not empty, is the Pub/Sub subscription of the
// input bucket's notifications (Dataflow only).
func FollowOptions(opt Options, pollEvery, publishEvery time.Duration, notifications string) (distances.FollowOptions, error) {
	if len(opt.Inputs) == 0 || opt.Out == "" || opt.Model == "" {
		return distances.FollowOptions{}, errors.New("distances: inputs, an output folder and a model are required")
	}
	if err := CheckFollow(pollEvery, publishEvery, notifications); err != nil {
		return distances.FollowOptions{}, err
	}
	cfg := opt.catalogConfig()
	if err := cfg.Validate(); err != nil {
		return distances.FollowOptions{}, err
	}
	return distances.FollowOptions{Inputs: opt.Inputs, Out: opt.Out, Model: opt.Model, Dust: opt.Dust, Exact: opt.Exact,
		GridNodes: opt.GridNodes, Cfg: cfg, BlockSize: opt.BlockSize, PollEvery: pollEvery, PublishEvery: publishEvery,
		NoHATS: opt.NoHATS, HATSMaxRows: opt.HATSMaxRows,
		Notifications: notifications}, nil
}

// BuildHATS returns the pipeline that writes the planned version's HATS
// catalog (distances.HATSOfShards) into <out>/<version>/hats from every
// input's shard, counted from its sidecar: for a version whose shards are
// all reused (Build writes the catalog itself otherwise). Run it before
// Publish, which lists its files in the manifest.
func BuildHATS(plan *Plan, opt Options) *beam.Pipeline {
	p, s := beam.NewPipelineWithRoot()
	distances.HATSOfShards(s, hatsOptions(plan, opt), opt.Out, distances.ReadSidecars(s, opt.Out, plan.All))
	return p
}

// hatsOptions are the options of the planned version's HATS catalog.
func hatsOptions(plan *Plan, opt Options) distances.HATSOptions {
	previous := ""
	if plan.Previous != nil {
		previous = store.Join(opt.Out, plan.Previous.Version, release.HATSDir)
	}
	return distances.HATSOptions{
		Previous:   previous,
		Root:       store.Join(opt.Out, plan.Version, release.HATSDir),
		MaxRows:    opt.HATSMaxRows,
		Collection: "gaiaflow_distances_" + plan.Version,
		Builder:    "gaiaflow distances",
		Provenance: map[string]string{"gaiaflow_catalog_version": plan.Version, "gaiaflow_model_sha256": plan.ModelSum,
			"gaiaflow_dust": opt.Dust},
	}
}

// catalogConfig is the estimator's configuration of a catalog run: o.Cfg in
// Catalog mode, whatever the caller set (the mode is the pipeline's, not an
// option).
// ResolvePrior fills in the table of the survey prior (--prior survey, or
// auto) from the model's notes: the distance distribution its training
// measured on the catalogue. Where the model holds none, auto becomes
// flat-parallax and survey is an error. Other priors are left as they are.
// A followed catalog keeps the table it started with. A dry run that cannot
// read the model (a gs:// model without credentials) plans with
// flat-parallax and says so on stderr.
func ResolvePrior(ctx context.Context, opt *Options) error {
	if !opt.Cfg.Prior.NeedsTable() {
		return nil
	}
	f, err := flowfile.Load(ctx, opt.Model)
	if err != nil && opt.DryRun {
		fmt.Fprintf(os.Stderr, "dry run: model %s not read (%v); planned with the flat-parallax prior instead of %s\n", opt.Model, err, opt.Cfg.Prior)
		opt.Cfg.Prior = distance.Prior{Kind: distance.FlatParallax}
		return nil
	}
	if err != nil {
		return fmt.Errorf("prior survey: model %s: %w", opt.Model, err)
	}
	note, ok := f.Meta.Notes[distance.SurveyPriorNote]
	if !ok && opt.Cfg.Prior.OrFlat {
		opt.Cfg.Prior = distance.Prior{Kind: distance.FlatParallax}
		return nil
	}
	if !ok {
		return fmt.Errorf("prior survey: model %s holds no survey prior (train it with traincmd --survey-stars > 0)", opt.Model)
	}
	p, err := distance.ParsePrior(note)
	if err != nil {
		return fmt.Errorf("prior survey: model %s: %w", opt.Model, err)
	}
	opt.Cfg.Prior = p
	return nil
}

func (o Options) catalogConfig() distance.Config {
	cfg := o.Cfg
	cfg.Mode = distance.Catalog
	return cfg
}

// Drain makes the followed catalog running in this process start no new
// partition (the local runners' graceful stop); InFlight says how many are
// still being computed.
func Drain() { distances.Drain() }

// InFlight returns the number of partitions a followed catalog running in
// this process is computing.
func InFlight() int64 { return distances.InFlight() }

// PublishFollowed publishes, after a drain, the shards a followed catalog
// finished since its last version (nil if there were none).
func PublishFollowed(ctx context.Context, opt Options, pollEvery, publishEvery time.Duration, notifications string) (*release.Manifest, error) {
	fo, err := FollowOptions(opt, pollEvery, publishEvery, notifications)
	if err != nil {
		return nil, err
	}
	return distances.PublishFollowed(ctx, fo, &release.KeyCache{})
}
