package streamio

import (
	"bufio"
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// ReadDevFile reads a development patch (anode.ReadDev) from a CSV file,
// local or gs://, gzipped or not.
func ReadDevFile(ctx context.Context, path string) (*anode.Dev, error) {
	r, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	text, _, err := gz.Open(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("streamio: %s: %w", path, err)
	}
	d, err := anode.ReadDev(text)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return d, nil
}
