package distances

import (
	"runtime"
	"sync"

	"github.com/gaiaflow/gaiaflow/model/distance"
)

// freeList keeps values of type T between the shards a worker process
// computes, by key (e.g. the options an estimator was made with): an
// estimator and a partition's rows hold tens of megabytes of scratch,
// which a new one would allocate and first touch again. It keeps at most
// as many values per key as the process has CPUs, the most that run at
// once.
type freeList[T any] struct {
	mu   sync.Mutex
	free map[string][]T
}

// get returns a kept value of key, if there is one.
func (l *freeList[T]) get(key string) (v T, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	vs := l.free[key]
	if len(vs) == 0 {
		return v, false
	}
	v = vs[len(vs)-1]
	l.free[key] = vs[:len(vs)-1]
	return v, true
}

// put keeps v for the next get of key, unless enough are kept.
func (l *freeList[T]) put(key string, v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.free == nil {
		l.free = map[string][]T{}
	}
	if len(l.free[key]) < runtime.GOMAXPROCS(0) {
		l.free[key] = append(l.free[key], v)
	}
}

var (
	// estimators holds the shard DoFns' estimators by options (JSON).
	estimators freeList[*distance.Estimator]
	// shardRows holds the storage of partitions' rows (ComputeShard).
	shardRows freeList[*distance.Rows]
)
