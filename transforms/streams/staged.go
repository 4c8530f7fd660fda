package streams

import (
	"context"
	"fmt"
	"sync"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/io/streamio"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// stagedPatches keeps the staged patches a worker process read last, so the
// regions of one patch that it trains share one copy (read-only: Score does
// not change a patch). A patch of 2 million stars takes about 110 MB.
var stagedPatches = patchCache{max: 2}

type patchCache struct {
	mu      sync.Mutex
	max     int
	entries []*patchEntry // most recently used last
}

type patchEntry struct {
	path  string
	once  sync.Once
	patch *anode.Patch
	err   error
}

// get returns the patch staged at path, reading it once while it is cached.
func (c *patchCache) get(ctx context.Context, path string) (*anode.Patch, error) {
	c.mu.Lock()
	var e *patchEntry
	for i, x := range c.entries {
		if x.path == path {
			e = x
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			break
		}
	}
	if e == nil {
		e = &patchEntry{path: path}
		c.entries = append(c.entries, e)
		if len(c.entries) > c.max {
			c.entries = c.entries[1:]
		}
	}
	c.mu.Unlock()
	e.once.Do(func() {
		f, err := store.OpenFile(ctx, path)
		if err != nil {
			e.err = err
			return
		}
		defer f.Close()
		e.patch, e.err = streamio.ReadPatch(f, f.Size(), path)
	})
	if e.err != nil {
		return nil, fmt.Errorf("streams: staged patch: %w", e.err)
	}
	return e.patch, nil
}
