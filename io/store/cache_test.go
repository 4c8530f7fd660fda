package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestCacheLoadsOnce: many concurrent callers of one key share one load.
func TestCacheLoadsOnce(t *testing.T) {
	var c Cache[int]
	var loads atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Get(context.Background(), "k", func(context.Context) (int, error) {
				loads.Add(1)
				return 42, nil
			})
			if v != 42 || err != nil {
				t.Errorf("%d, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Errorf("%d loads", n)
	}
}

// TestCacheRetriesFailures: a failed load is returned to its callers but
// not kept.
func TestCacheRetriesFailures(t *testing.T) {
	var c Cache[string]
	calls := 0
	load := func(context.Context) (string, error) {
		calls++
		if calls == 1 {
			return "", errors.New("transient")
		}
		return "ok", nil
	}
	if _, err := c.Get(context.Background(), "gs://b/x", load); err == nil {
		t.Fatal("first load should fail")
	}
	if v, err := c.Get(context.Background(), "gs://b/x", load); v != "ok" || err != nil {
		t.Fatalf("%q, %v", v, err)
	}
	if v, _ := c.Get(context.Background(), "gs://b/x", load); v != "ok" || calls != 2 {
		t.Errorf("%q after %d loads", v, calls)
	}
}

// TestCacheDropsLeastRecentlyUsed: with Max 2, the entry not asked for
// longest is loaded again.
func TestCacheDropsLeastRecentlyUsed(t *testing.T) {
	c := Cache[string]{Max: 2}
	loads := map[string]int{}
	get := func(k string) {
		c.Get(context.Background(), k, func(context.Context) (string, error) {
			loads[k]++
			return k, nil
		})
	}
	for _, k := range []string{"a", "b", "a", "c", "a", "b"} {
		get(k)
	}
	if got := fmt.Sprint(loads); got != "map[a:1 b:2 c:1]" {
		t.Errorf("loads %s", got)
	}
}
