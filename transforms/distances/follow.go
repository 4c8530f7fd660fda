package distances

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/state"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/pubsubio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/periodic"
	"github.com/gaiaflow/gaiaflow/io/plot"
	"github.com/gaiaflow/gaiaflow/io/release"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/transforms/stars"
)

// FollowOptions configure Follow: the catalog run's settings, and how often
// the inputs are listed and a version may be published.
type FollowOptions struct {
	Inputs       []string // partition globs, local or gs://; they may match nothing yet
	Out          string   // the catalog folder
	Model, Dust  string
	Exact        bool
	GridNodes    int
	Cfg          distance.Config // Mode Catalog
	BlockSize    int
	PollEvery    time.Duration // how often the inputs, the model and the dust map are listed
	PublishEvery time.Duration // how often a version may be published
	// Notifications, if not empty, is a Pub/Sub subscription
	// ("projects/P/subscriptions/S") of the input bucket's object
	// notifications: each message lists the inputs, instead of every
	// PollEvery, and a listing every PublishEvery still notices a new
	// model or dust map. Only Dataflow runs Pub/Sub reads.
	Notifications string
	// NoHATS publishes no HATS catalog; HATSMaxRows is its partition size
	// (0: 1,000,000). See WriteHATS.
	NoHATS      bool
	HATSMaxRows int64
}

// Work is one partition to make into a shard with a given model.
type Work struct {
	Input    release.Input
	ModelSum string
	Grid     string // the model's distilled grid ("" with Exact)
}

// Counter names of Follow (Beam metrics, for watching a long run).
const (
	PartitionsComputed = "follow.partitions_computed"
	PartitionsFailed   = "follow.partitions_failed"
	VersionsPublished  = "follow.versions_published"
)

// Follow is the unbounded pipeline of a followed catalog. Every PollEvery
// it lists the inputs and keys each partition with the current model, dust
// map and options (the keys of `gaiaflow regen`, so the two can take turns
// on one catalog folder); each partition without a shard under its key is
// made into one exactly once per run (a stateful de-duplication by key), on
// whichever worker, and a partition that cannot be read is recorded as
// failed, logged and left out, without stopping the pipeline. Every
// PublishEvery a publisher takes the catalog's lock and publishes a new
// version if and only if the finished shards differ from the published
// version's (release.Followed.Next), exactly as regen publishes, with what
// it added and the delay from each partition's arrival in its manifest.
//
// The shards on storage are the pipeline's only state: a restart, after a
// drain or a kill -9, lists again, makes the shards still missing and
// publishes.
func Follow(s beam.Scope, opt FollowOptions) {
	s = s.Scope("distances.Follow")
	if opt.Out == "" || opt.Model == "" || len(opt.Inputs) == 0 || opt.PollEvery <= 0 || opt.PublishEvery <= 0 {
		panic("distances: Follow needs inputs, an output folder, a model and positive intervals")
	}
	opt.Cfg.Mode = distance.Catalog
	if err := opt.Cfg.Validate(); err != nil {
		panic(fmt.Sprintf("distances: %v", err))
	}
	js, err := json.Marshal(opt)
	if err != nil {
		panic(err)
	}
	start, end := time.Now(), time.Now().AddDate(100, 0, 0)
	var polls beam.PCollection
	if opt.Notifications != "" {
		project, sub, ok := parseSubscription(opt.Notifications)
		if !ok {
			panic(fmt.Sprintf("distances: notifications %q: want projects/PROJECT/subscriptions/NAME", opt.Notifications))
		}
		msgs := pubsubio.Read(s, project, pubsubio.ReadOptions{Subscription: sub})
		polls = beam.Flatten(s, msgs, periodic.Impulse(s, start, end, opt.PublishEvery, false))
	} else {
		polls = periodic.Impulse(s, start, end, opt.PollEvery, false)
	}
	work := beam.ParDo(s, &listFn{Options: string(js)}, polls)
	fresh := beam.ParDo(s, &onceFn{Seen: state.MakeValueState[bool]("seen")}, work)
	stars.Sink(s, beam.ParDo(s, &computeFn{Options: string(js)}, beam.Reshuffle(s, fresh)))
	publishes := periodic.Impulse(s, start, end, opt.PublishEvery, false)
	stars.Sink(s, beam.ParDo(s, &publishFn{Options: string(js)}, publishes))
}

// ValidSubscription reports whether name is a Pub/Sub subscription's full
// name, projects/P/subscriptions/S.
func ValidSubscription(name string) bool {
	_, _, ok := parseSubscription(name)
	return ok
}

// parseSubscription splits projects/P/subscriptions/S.
func parseSubscription(name string) (project, sub string, ok bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "projects" || parts[2] != "subscriptions" || parts[1] == "" || parts[3] == "" {
		return "", "", false
	}
	return parts[1], parts[3], true
}

func decodeFollow(js string) (FollowOptions, error) {
	var o FollowOptions
	return o, json.Unmarshal([]byte(js), &o)
}

// followLog is where a followed catalog's workers say what they did (its
// own handler: the launcher quiets the embedded runner's default logger).
// On a cluster it lands in the workers' logs.
var followLog = slog.New(slog.NewTextHandler(os.Stderr, nil))

// Process-wide state of the followed catalog's workers, for a local drain:
// on prism and with LOOPBACK the workers are the launcher's own process.
var (
	draining atomic.Bool
	inFlight atomic.Int64
)

// Drain stops this process's workers from starting new partitions; those
// already taken are finished (see InFlight).
func Drain() { draining.Store(true) }

// InFlight returns the number of partitions this process's workers have
// taken and not yet made into a shard (or recorded as failed).
func InFlight() int64 { return inFlight.Load() }

type listFn struct {
	Options string

	opt  FollowOptions
	keys release.KeyCache
}

func (fn *listFn) Setup() (err error) {
	fn.opt, err = decodeFollow(fn.Options)
	return err
}

// ProcessElement lists the inputs and emits, keyed by shard key, the
// partitions without a shard or a failure under the current keys. A model
// or dust map that cannot be read is logged, and listing goes on at the next
// poll.
func (fn *listFn) ProcessElement(ctx context.Context, _ []byte, emit func(string, Work)) {
	if draining.Load() {
		return
	}
	o := fn.opt
	keys, err := fn.keys.Keys(ctx, o.Model, o.Dust, o.Cfg, o.Exact, o.GridNodes)
	if err != nil {
		followLog.Error("follow: cannot key the inputs; trying again at the next poll", "error", err)
		return
	}
	f, err := release.Observe(ctx, o.Out, o.Inputs, keys)
	if err != nil {
		followLog.Error("follow: cannot list the inputs; trying again at the next poll", "error", err)
		return
	}
	if len(f.Pending) == 0 {
		return
	}
	grid := ""
	if !o.Exact {
		grid = GridPath(o.Out, keys.ModelSum, o.GridNodes)
		if err := Distil(ctx, grid, o.Model, keys.Model, o.GridNodes); err != nil {
			followLog.Error("follow: cannot distil the model; trying again at the next poll", "model", o.Model, "error", err)
			return
		}
	}
	for _, in := range f.Pending {
		emit(in.Key, Work{Input: in, ModelSum: keys.ModelSum, Grid: grid})
	}
}

// onceFn passes each key's first Work and drops the repeats that later
// polls list while its shard is being made.
type onceFn struct {
	Seen state.Value[bool]
}

func (fn *onceFn) ProcessElement(sp state.Provider, key string, w Work, emit func(Work)) error {
	if seen, ok, err := fn.Seen.Read(sp); err != nil {
		return err
	} else if ok && seen {
		return nil
	}
	if err := fn.Seen.Write(sp, true); err != nil {
		return err
	}
	inFlight.Add(1)
	emit(w)
	return nil
}

type computeFn struct {
	Options string

	opt FollowOptions
}

func (fn *computeFn) Setup() (err error) {
	fn.opt, err = decodeFollow(fn.Options)
	return err
}

// ProcessElement makes one partition into its shard; a partition that
// cannot be read gets a failure record instead, and the pipeline goes on.
// It emits the partition's path (for stars.Sink).
func (fn *computeFn) ProcessElement(ctx context.Context, w Work) string {
	defer inFlight.Add(-1)
	o := fn.opt
	sc, err := fn.compute(ctx, w)
	if err != nil {
		stars.Counter(PartitionsFailed).Inc(ctx, 1)
		followLog.Error("follow: partition left out", "file", w.Input.Path, "error", err)
		if err := release.WriteFailure(ctx, o.Out, w.Input, err); err != nil {
			followLog.Error("follow: cannot record the failure; the partition will be tried again after a restart", "file", w.Input.Path, "error", err)
		}
		return w.Input.Path
	}
	stars.Counter(PartitionsComputed).Inc(ctx, 1)
	stars.Monitor(ctx, sc.Input.Counts)
	stars.Progress("partitions made into shards", 1)
	return w.Input.Path
}

func (fn *computeFn) compute(ctx context.Context, w Work) (release.Sidecar, error) {
	o := fn.opt
	est, err := newEstimator(ctx, Options{Grid: w.Grid, Model: o.Model, Dust: o.Dust, Cfg: o.Cfg})
	if err != nil {
		return release.Sidecar{}, err
	}
	return ComputeShard(ctx, o.Out, w.Input, est, o.BlockSize, nil)
}

type publishFn struct {
	Options string

	opt  FollowOptions
	keys release.KeyCache
}

func (fn *publishFn) Setup() (err error) {
	fn.opt, err = decodeFollow(fn.Options)
	return err
}

// ProcessElement publishes a version if there is one to publish, and emits
// the version's name ("" if none; for stars.Sink).
func (fn *publishFn) ProcessElement(ctx context.Context, _ []byte) string {
	m, err := PublishFollowed(ctx, fn.opt, &fn.keys)
	switch {
	case err != nil:
		followLog.Error("follow: no version published at this tick; trying again at the next", "error", err)
	case m != nil:
		stars.Counter(VersionsPublished).Inc(ctx, 1)
		return m.Version
	}
	return ""
}

// PublishFollowed publishes the next version of the followed catalog if its
// finished shards differ from the published version's (see
// release.Followed.Next), under the catalog's lock, and returns its
// manifest (nil when nothing was published). The version's fig. 4 shows the
// stars it added. A lock held by another run (a regen) is not an error:
// nothing is published and the next call tries again.
func PublishFollowed(ctx context.Context, opt FollowOptions, keys *release.KeyCache) (*release.Manifest, error) {
	lock, err := release.Lock(ctx, opt.Out)
	if err != nil {
		followLog.Info("follow: the catalog is locked by another run; publishing at a later tick", "error", err)
		return nil, nil
	}
	defer lock.Unlock(ctx)
	k, err := keys.Keys(ctx, opt.Model, opt.Dust, opt.Cfg, opt.Exact, opt.GridNodes)
	if err != nil {
		return nil, err
	}
	f, err := release.Observe(ctx, opt.Out, opt.Inputs, k)
	if err != nil {
		return nil, err
	}
	prev, err := release.Current(ctx, opt.Out)
	if err != nil && !errors.Is(err, release.ErrNoRelease) {
		return nil, err
	}
	inputs, ok := f.Next(prev)
	if !ok {
		return nil, nil
	}
	if _, err := release.Clean(ctx, opt.Out); err != nil {
		return nil, err
	}
	v, err := release.NextVersion(ctx, opt.Out)
	if err != nil {
		return nil, err
	}
	previous := ""
	if prev != nil {
		previous = prev.Version
	}
	now := time.Now()
	st := f.Stats(inputs, prev, now)
	added, err := addedStars(ctx, opt.Out, v, inputs, prev)
	if err != nil {
		return nil, err
	}
	st.AddedStars = added
	cfg := opt.Cfg
	cfg.Mode = distance.Catalog
	meta := release.Meta{Model: opt.Model, ModelSHA256: k.ModelSum, Prior: cfg.WithDefaults().Prior.String(), Options: k.Options, Dust: opt.Dust, Follow: &st}
	if !opt.NoHATS {
		var sidecars []release.Sidecar
		for _, in := range inputs {
			sc, err := release.ReadSidecar(ctx, opt.Out, in)
			if err != nil {
				return nil, fmt.Errorf("follow: the finished shard of %s: %w", in.Path, err)
			}
			sidecars = append(sidecars, sc)
		}
		ho := HATSOptions{Root: store.Join(opt.Out, v, release.HATSDir), MaxRows: opt.HATSMaxRows,
			Collection: "gaiaflow_distances_" + v, Builder: "gaiaflow distances --follow",
			Provenance: map[string]string{"gaiaflow_catalog_version": v, "gaiaflow_model_sha256": k.ModelSum, "gaiaflow_dust": opt.Dust}}
		if previous != "" {
			ho.Previous = store.Join(opt.Out, previous, release.HATSDir)
		}
		if _, err := WriteHATS(ctx, ho, opt.Out, sidecars); err != nil {
			return nil, fmt.Errorf("follow: HATS catalog of %s: %w", v, err)
		}
	}
	m, _, err := release.Assemble(ctx, opt.Out, v, previous, inputs, meta)
	if err != nil {
		return nil, err
	}
	followLog.Info("follow: published", "version", v, "partitions", len(m.Inputs), "stars", m.Stars,
		"partitions_added", st.Added, "stars_added", st.AddedStars, "removed", st.Removed, "failed", len(st.Failed),
		"delay_median_s", st.DelayMed, "delay_max_s", st.DelayMax)
	return m, nil
}

// addedStars draws the version's fig. 4 from the shards new in it (those
// not in prev) and returns their number of stars.
func addedStars(ctx context.Context, dir, v string, inputs []release.Input, prev *release.Manifest) (int64, error) {
	old := map[string]bool{}
	if prev != nil {
		for _, in := range prev.Inputs {
			old[in.Key] = true
		}
	}
	h := distance.NewCMDHists()
	var n int64
	for _, in := range inputs {
		if old[in.Key] {
			continue
		}
		sc, err := release.ReadSidecar(ctx, dir, in)
		if err != nil {
			return 0, err
		}
		rows, err := release.ReadShard(ctx, dir, sc.Input)
		if err != nil {
			return 0, err
		}
		h.AddRows(rows)
		n += int64(rows.Len())
	}
	return n, plot.Fig4(&h.InverseParallax, &h.Model).Save(ctx, store.Join(dir, v, release.Fig4Name))
}

func init() {
	beam.RegisterType(reflect.TypeOf(Work{}))
	register.DoFn3x0[context.Context, []byte, func(string, Work)](&listFn{})
	register.DoFn4x1[state.Provider, string, Work, func(Work), error](&onceFn{})
	register.DoFn2x1[context.Context, Work, string](&computeFn{})
	register.DoFn2x1[context.Context, []byte, string](&publishFn{})
	register.Emitter2[string, Work]()
	register.Emitter1[Work]()
}
