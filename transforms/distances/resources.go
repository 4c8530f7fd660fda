package distances

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/gaiaflow/gaiaflow/io/flowfile"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// densities holds the CMD densities a worker process loaded (io/store's
// cache): a grid is read-only, so every DoFn instance and bundle shares it.
var densities store.Cache[distance.Density]

// distilled holds the grids Distil wrote in this process, by path, for
// its workers (the local runners): loadDensity need not read and decode
// the file again; workers elsewhere read the file. A grid's values are the
// file's bit for bit (it stores float64s as they are).
var distilled sync.Map

// loadDensity returns the CMD density: the distilled grid at gridPath, or,
// when gridPath is empty, the exact flow at modelPath.
func loadDensity(ctx context.Context, gridPath, modelPath string) (distance.Density, error) {
	key := gridPath
	if key == "" {
		key = "model:" + modelPath
	}
	d, err := densities.Get(ctx, key, func(ctx context.Context) (distance.Density, error) {
		if gridPath != "" {
			if g, ok := distilled.Load(gridPath); ok {
				return distance.NewGridDensity(g.(*flow.Grid))
			}
			g, _, err := flowfile.FetchGrid(ctx, gridPath)
			if err != nil {
				return nil, err
			}
			return distance.NewGridDensity(g)
		}
		f, err := flowfile.Load(ctx, modelPath)
		if err != nil {
			return nil, err
		}
		return distance.FlowDensity{Flow: f}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("CMD density: %w", err)
	}
	return d, nil
}

// GridPath is where the distilled grid of a model (by checksum) with nodes
// per dimension (0: distance.DefaultGridNodes) lives in the catalog folder
// dir.
func GridPath(dir, modelSum string, nodes int) string {
	if nodes == 0 {
		nodes = distance.DefaultGridNodes
	}
	return store.Join(dir, "grids", fmt.Sprintf("%s-%d.grid", modelSum[:16], nodes))
}

// Distil makes the grid of the CMD model's log density (model: the bytes of
// the file at modelPath) at path, unless it exists, with nodes (0:
// distance.DefaultGridNodes) per dimension (distance.DistilCMD). A grid
// that traincmd left beside the model (flowfile.GridBeside) and that names
// this model's checksum is copied instead of distilled again.
func Distil(ctx context.Context, path, modelPath string, model []byte, nodes int) error {
	if nodes == 0 {
		nodes = distance.DefaultGridNodes
	}
	f, err := flowfile.Read(bytes.NewReader(model))
	if err != nil {
		return err
	}
	// A grid made otherwise (by an earlier build: before the sheared grids
	// of 2026-12-07 every grid was nodes^3 on the colours' own axes) is
	// made again, not reused.
	spec := distance.CMDGridSpec(f, nodes)
	if g, ok := distilled.Load(path); ok && spec.Matches(g.(*flow.Grid)) {
		return nil // a followed catalog's later polls
	}
	if g, _, err := flowfile.FetchGrid(ctx, path); err == nil && spec.Matches(g) {
		distilled.Store(path, g)
		return nil
	}
	sum := sha256.Sum256(model)
	modelSum := hex.EncodeToString(sum[:])
	if modelPath != "" {
		// Copied as it is, once its checksums and its model's are right.
		if data, err := store.ReadFile(ctx, flowfile.GridBeside(modelPath, nodes)); err == nil {
			if g, notes, err := flowfile.DecodeGrid(data); err == nil && notes[flowfile.ModelSumNote] == modelSum && spec.Matches(g) {
				if err := store.WriteFile(ctx, path, data); err != nil {
					return err
				}
				distilled.Store(path, g)
				return nil
			}
		}
	}
	g, err := distance.DistilCMD(f, nodes)
	if err != nil {
		return err
	}
	if err := flowfile.StoreGrid(ctx, path, g, modelSum); err != nil {
		return err
	}
	distilled.Store(path, g)
	return nil
}
