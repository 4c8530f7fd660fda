package streamio

import (
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// ReadDevFile reads a development patch (anode.ReadDev) from a CSV file,
// local or gs://, gzipped or not.
func ReadDevFile(ctx context.Context, path string) (*anode.Dev, error) {
	r, err := gz.OpenFile(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d, err := anode.ReadDev(r)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return d, nil
}
