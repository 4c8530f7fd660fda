package mockio

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/mock"
)

// ReadManifest reads the manifest of the simulated sky in folder dir, local
// or gs://.
func ReadManifest(ctx context.Context, dir string) (*Manifest, error) {
	path := store.Join(dir, ManifestName)
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("simulated sky: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// ReadSkyTruth calls each with every row of the truth tables of the
// simulated sky in folder dir, whose manifest is m (ReadManifest).
func ReadSkyTruth(ctx context.Context, dir string, m *Manifest, each func(*mock.Truth)) error {
	for _, f := range m.Files {
		rows, err := ReadTruthFile(ctx, store.Join(dir, f.Truth))
		if err != nil {
			return err
		}
		for i := range rows {
			each(&rows[i])
		}
	}
	return nil
}
