package mockio

import (
	"bufio"
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/mock"
)

// ReadTruthFile reads a truth table (ReadTruth) from a file, local or
// gs://, gzipped (as simulate writes it) or not.
func ReadTruthFile(ctx context.Context, path string) ([]mock.Truth, error) {
	r, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	text, _, err := gz.Open(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("mockio: %s: %w", path, err)
	}
	rows, _, err := ReadTruth(text, path)
	return rows, err
}
