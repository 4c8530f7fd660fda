package distances

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/gaiaflow/gaiaflow/io/dustfile"
	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// OpenDust opens the dust map named by spec: "constant:E" (a foreground
// screen of E in the extinction coefficients' units, e.g. constant:0.037),
// "none" (no dust), or a map file (gaiaflow compact, Bayestar HDF5, or the
// JSON of an analytic map), local or gs://, loaded once per process.
func OpenDust(ctx context.Context, spec string) (dust.Map, error) {
	switch {
	case spec == "" || spec == "none":
		return dust.NewExact(dust.Constant{}), nil
	case strings.HasPrefix(spec, "constant:"):
		v, err := strconv.ParseFloat(strings.TrimPrefix(spec, "constant:"), 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("dust %q: want constant:E with E >= 0", spec)
		}
		return dust.NewExact(dust.Constant{Value: v}), nil
	}
	return dustfile.Shared(ctx, spec, dustfile.Options{})
}

// WriteGrid stores g, distilled from the model whose checksum is modelSum,
// in the grid file format of io/flowfile (local or gs://).
func WriteGrid(ctx context.Context, path string, g *flow.Grid, modelSum string) error {
	var buf bytes.Buffer
	if err := flowfile.WriteGrid(&buf, g, map[string]string{"model_sha256": modelSum}); err != nil {
		return err
	}
	return store.WriteFile(ctx, path, buf.Bytes())
}

// ReadGrid loads a grid written by WriteGrid and the checksum of its model.
func ReadGrid(ctx context.Context, path string) (*flow.Grid, string, error) {
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, "", err
	}
	g, notes, err := flowfile.ReadGrid(bytes.NewReader(data))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return g, notes["model_sha256"], nil
}

// density is loaded once per worker process and shared by every DoFn
// instance: a grid is read-only, so concurrent bundles may use it.
var densities sync.Map // path -> *densityEntry

type densityEntry struct {
	once sync.Once
	grid *flow.Grid
	fl   *flow.Flow
	err  error
}

// loadDensity returns the CMD density: the distilled grid at gridPath, or,
// when gridPath is empty, the exact flow at modelPath (one per caller, since
// the flow's scratch is not shared).
func loadDensity(ctx context.Context, gridPath, modelPath string) (distance.Density, error) {
	key := gridPath
	if key == "" {
		key = "model:" + modelPath
	}
	v, _ := densities.LoadOrStore(key, &densityEntry{})
	e := v.(*densityEntry)
	e.once.Do(func() {
		if gridPath != "" {
			e.grid, _, e.err = ReadGrid(ctx, gridPath)
			return
		}
		data, err := store.ReadFile(ctx, modelPath)
		if err != nil {
			e.err = err
			return
		}
		e.fl, e.err = flowfile.Read(bytes.NewReader(data))
	})
	if e.err != nil {
		return nil, fmt.Errorf("CMD density: %w", e.err)
	}
	if e.grid != nil {
		return distance.GridDensity{Grid: e.grid}, nil
	}
	return distance.FlowDensity{Flow: e.fl}, nil
}

// GridPath is where the distilled grid of a model (by checksum) with nodes
// per dimension (0: 128) lives in the catalog folder dir.
func GridPath(dir, modelSum string, nodes int) string {
	if nodes == 0 {
		nodes = 128
	}
	return store.Join(dir, "grids", fmt.Sprintf("%s-%d.grid", modelSum[:16], nodes))
}

// Distil writes the grid of the CMD model's log density (model, the file's
// bytes) at path, unless it exists: nodes (0: 128) per dimension over mean
// ± 5 standard deviations of the training data.
func Distil(ctx context.Context, path string, model []byte, nodes int) error {
	if _, err := store.Stat(ctx, path); err == nil {
		return nil
	}
	if nodes == 0 {
		nodes = 128
	}
	f, err := flowfile.Read(bytes.NewReader(model))
	if err != nil {
		return err
	}
	if f.D() != 3 || f.C() != 0 {
		return fmt.Errorf("a CMD model has 3 data columns (g, bp-rp, bp-g) and no condition, this one %d and %d", f.D(), f.C())
	}
	st := f.Standardization()
	lo, hi, n := make([]float64, 3), make([]float64, 3), []int{nodes, nodes, nodes}
	for j := range lo {
		lo[j], hi[j] = st.XMean[j]-5*st.XScale[j], st.XMean[j]+5*st.XScale[j]
	}
	g, err := flow.NewGrid(f, lo, hi, n, flow.GridOptions{Outside: math.Inf(-1)})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(model)
	return WriteGrid(ctx, path, g, hex.EncodeToString(sum[:]))
}
