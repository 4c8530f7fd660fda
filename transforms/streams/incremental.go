package streams

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
	"github.com/gaiaflow/gaiaflow/transforms/internal/gobcoder"
)

// Files of a search's output folder that a later incremental search
// (Options.Since) builds on.
const (
	RunJSON   = "run.json"       // the inputs, the patches each touched, the options
	ResultsGB = "sr_results.gob" // every search region's result, as Merge took them
	runFormat = "gaiaflow-streams-run/1"
)

// RunInput is one input partition of a search and the patches its stars
// fell in.
type RunInput struct {
	Path    string  `json:"path"`
	Size    int64   `json:"size"`
	Version int64   `json:"version"` // object generation or modification time (ns)
	Patches []int64 `json:"patches"`
}

// Run is run.json: what a search read and searched.
type Run struct {
	Format     string     `json:"format"`
	OptionsKey string     `json:"options_key"` // a hash of the search's options; a later search builds on it only with the same
	Inputs     []RunInput `json:"inputs"`
	Searched   []int64    `json:"searched"` // patches whose regions this run trained on
	Reused     []int64    `json:"reused"`   // patches whose results came from the search it built on
}

// Touch says that stars of an input partition fell in a patch.
type Touch struct {
	File  string
	Patch int64
}

// Touches maps an input partition to the patches its stars fell in.
type Touches map[string][]int64

func (t Touches) add(file string, patch int64) {
	if !slices.Contains(t[file], patch) {
		t[file] = append(t[file], patch)
	}
}

// touchesFn combines Touch elements into Touches.
type touchesFn struct{}

func (*touchesFn) CreateAccumulator() Touches { return Touches{} }

func (*touchesFn) AddInput(t Touches, x Touch) Touches {
	t.add(x.File, x.Patch)
	return t
}

func (*touchesFn) MergeAccumulators(a, b Touches) Touches {
	for f, ps := range b {
		for _, p := range ps {
			a.add(f, p)
		}
	}
	return a
}

func (*touchesFn) ExtractOutput(t Touches) Touches {
	for _, ps := range t {
		slices.Sort(ps)
	}
	return t
}

// Affected returns, from the Touch elements of Assign (PCollection<Touch>),
// which patches the search trains on (singleton PCollection<Affected>: all
// of them, or with opt.Since those Touches.Affected names) and which
// patches each input's stars fell in (singleton PCollection<Touches>), for
// Regions and Merge.
func Affected(s beam.Scope, opt Options, touched beam.PCollection) (affected, touches beam.PCollection) {
	s = s.Scope("streams.Affected")
	touches = beam.Combine(s, &touchesFn{}, touched)
	return beam.ParDo(s, &affectedFn{Options: opt.encode()}, touches), touches
}

// Affected returns the patches to search again: those the inputs of changed
// (new, rewritten) touch now, and before, those they or removed inputs
// touched in the previous run prev.
func (t Touches) Affected(prev *Run, changed []string) []int64 {
	var out []int64
	add := func(ps []int64) {
		for _, p := range ps {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	for _, f := range changed {
		add(t[f])
	}
	now := map[string]bool{}
	for f := range t {
		now[f] = true
	}
	for _, in := range prev.Inputs {
		if !now[in.Path] || slices.Contains(changed, in.Path) {
			add(in.Patches)
		}
	}
	slices.Sort(out)
	return out
}

// Searched is the patches a search trains on: all of them, or those listed.
type Searched struct {
	All     bool
	Patches []int64
}

// Has reports whether patch p is searched.
func (a Searched) Has(p int64) bool { return a.All || slices.Contains(a.Patches, p) }

type affectedFn struct{ Options string }

func (fn *affectedFn) ProcessElement(ctx context.Context, t Touches) (Searched, error) {
	o, err := decodeOptions(fn.Options)
	if err != nil {
		return Searched{}, err
	}
	if o.Since == "" {
		return Searched{All: true}, nil
	}
	prev, _, err := ReadRun(ctx, o.Since)
	if err != nil {
		return Searched{}, fmt.Errorf("streams: the search to build on: %w", err)
	}
	return Searched{Patches: t.Affected(prev, o.Changed)}, nil
}

// OptionsKey is a hash of what a search's results depend on besides its
// inputs, so that a search builds only on one made the same way.
func (o Options) OptionsKey() string {
	n := o.normalized()
	n.Out, n.WriteR, n.Plots, n.Since, n.Changed, n.Listing, n.Stage = "", false, false, "", nil, "", ""
	js, err := json.Marshal(n)
	if err != nil {
		panic(fmt.Sprintf("streams: options: %v", err))
	}
	sum := sha256.Sum256(js)
	return hex.EncodeToString(sum[:8])
}

// WriteListing writes the inputs a search begins with, for run.json.
func WriteListing(ctx context.Context, path string, inputs []RunInput) error {
	js, err := json.Marshal(inputs)
	if err != nil {
		return err
	}
	return store.WriteFile(ctx, path, js)
}

// ReadListing reads what WriteListing wrote.
func ReadListing(ctx context.Context, path string) ([]RunInput, error) {
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("streams: the inputs' listing: %w", err)
	}
	var ins []RunInput
	if err := json.Unmarshal(data, &ins); err != nil {
		return nil, fmt.Errorf("streams: the inputs' listing %s: %w", path, err)
	}
	return ins, nil
}

// ReadRun reads a search's run.json and its regions' results.
func ReadRun(ctx context.Context, dir string) (*Run, []search.SRResult, error) {
	data, err := store.ReadFile(ctx, store.Join(dir, RunJSON))
	if err != nil {
		return nil, nil, err
	}
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", store.Join(dir, RunJSON), err)
	}
	if r.Format != runFormat {
		return nil, nil, fmt.Errorf("%s: format %q, want %q", store.Join(dir, RunJSON), r.Format, runFormat)
	}
	data, err = store.ReadFile(ctx, store.Join(dir, ResultsGB))
	if err != nil {
		return nil, nil, err
	}
	var res []search.SRResult
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&res); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", store.Join(dir, ResultsGB), err)
	}
	return &r, res, nil
}

// writeRun writes run.json and the results a later search builds on.
func writeRun(ctx context.Context, dir string, r *Run, results []search.SRResult) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(results); err != nil {
		return err
	}
	if err := store.WriteFile(ctx, store.Join(dir, ResultsGB), buf.Bytes()); err != nil {
		return err
	}
	r.Format = runFormat
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return store.WriteFile(ctx, store.Join(dir, RunJSON), js)
}

func encodeTouches(t Touches) ([]byte, error) { return gobcoder.Marshal(&t) }
func decodeTouches(b []byte) (t Touches, err error) {
	return t, gobcoder.Unmarshal(b, &t)
}

func init() {
	beam.RegisterCoder(reflect.TypeOf(Touches{}), encodeTouches, decodeTouches)
	beam.RegisterType(reflect.TypeOf(Touch{}))
	beam.RegisterType(reflect.TypeOf(Searched{}))
	register.DoFn2x2[context.Context, Touches, Searched, error](&affectedFn{})
	register.Combiner3[Touches, Touch, Touches](&touchesFn{})
	register.Emitter1[Touch]()
}
