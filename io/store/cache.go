package store

import (
	"context"
	"sync"
)

// Cache keeps what a worker process loaded from paths (a CMD model's grid, a
// staged patch), so that the bundles and DoFn instances of one process share
// one read-only copy. Concurrent callers of one key wait for a single load.
// A load that fails is not kept: the next call tries again, so a transient
// Cloud Storage error does not poison the worker for its lifetime. With Max
// > 0 the least recently used entries beyond Max are dropped.
type Cache[V any] struct {
	Max int

	mu      sync.Mutex
	entries []*cacheEntry[V] // most recently used last
}

type cacheEntry[V any] struct {
	key  string
	done chan struct{}
	v    V
	err  error
}

// Get returns the value of key, calling load once for all the callers that
// ask while it runs, and keeping its value (not its error).
func (c *Cache[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	var e *cacheEntry[V]
	for i, x := range c.entries {
		if x.key == key {
			e = x
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			break
		}
	}
	if e != nil {
		c.mu.Unlock()
		<-e.done
		return e.v, e.err
	}
	e = &cacheEntry[V]{key: key, done: make(chan struct{})}
	c.entries = append(c.entries, e)
	if c.Max > 0 && len(c.entries) > c.Max {
		c.entries = c.entries[len(c.entries)-c.Max:]
	}
	c.mu.Unlock()

	e.v, e.err = load(ctx)
	close(e.done)
	if e.err != nil {
		c.mu.Lock()
		for i, x := range c.entries {
			if x == e {
				c.entries = append(c.entries[:i:i], c.entries[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
	}
	return e.v, e.err
}
