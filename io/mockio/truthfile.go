package mockio

import (
	"context"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/model/mock"
)

// ReadTruthFile reads a truth table (ReadTruth) from a file, local or
// gs://, gzipped (as simulate writes it) or not.
func ReadTruthFile(ctx context.Context, path string) ([]mock.Truth, error) {
	r, err := gz.OpenFile(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rows, _, err := ReadTruth(r, path)
	return rows, err
}
