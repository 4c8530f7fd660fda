package streams

import (
	"context"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// stagedPatches keeps the staged patches a worker process read last (io/store's
// cache), so the regions of one patch that it trains share one copy
// (read-only: Score does not change a patch). A patch of 2 million stars
// takes about 110 MB.
var stagedPatches = store.Cache[*anode.Patch]{Max: 2}

// stagedPatch returns the patch staged at path, local or gs://.
func stagedPatch(ctx context.Context, path string) (*anode.Patch, error) {
	p, err := stagedPatches.Get(ctx, path, func(ctx context.Context) (*anode.Patch, error) {
		f, err := store.OpenFile(ctx, path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return streamio.ReadPatch(f, f.Size(), path)
	})
	if err != nil {
		return nil, fmt.Errorf("streams: staged patch: %w", err)
	}
	return p, nil
}
