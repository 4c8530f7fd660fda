package dustfile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/gaiaflow/gaiaflow/io/hdf5"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/dust"
)

// Kind is the kind of a dust-map file.
type Kind int

const (
	KindUnknown  Kind = iota
	KindCompact       // our compact format
	KindHDF5          // a Bayestar file as distributed
	KindGaussian      // the JSON of the analytic Gaussian map
)

func (k Kind) String() string {
	return [...]string{"unknown", "compact", "Bayestar HDF5", "Gaussian JSON"}[k]
}

// Detect tells the kind of the file at path (local or gs://) from its first
// bytes.
func Detect(ctx context.Context, path string) (Kind, error) {
	f, err := store.OpenFile(ctx, path)
	if err != nil {
		return KindUnknown, err
	}
	defer f.Close()
	head := make([]byte, min(f.Size(), 1024))
	if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
		return KindUnknown, fmt.Errorf("dustfile: %s: %w", path, err)
	}
	return detect(head), nil
}

func detect(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte(Magic[:6])):
		return KindCompact
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		return KindHDF5
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		return KindGaussian
	}
	return KindUnknown
}

// Open loads the dust map at path (local or gs://): a compact file, a
// Bayestar HDF5 file (opt applies; the compact form loads much faster), or
// the JSON of a Gaussian map. The whole map is read into memory.
func Open(ctx context.Context, path string, opt Options) (dust.Map, error) {
	kind, err := Detect(ctx, path)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindCompact:
		g, err := ReadFile(ctx, path)
		if err != nil {
			return nil, err
		}
		return newMap(g, path)
	case KindHDF5:
		rf, err := openReaderAt(ctx, path)
		if err != nil {
			return nil, err
		}
		defer rf.Close()
		f, err := hdf5.Open(rf, rf.Size())
		if err != nil {
			return nil, fmt.Errorf("dustfile: %s: %w", path, err)
		}
		g, err := ReadBayestar(f, path, opt)
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, path)
		}
		return newMap(g, path)
	case KindGaussian:
		b, err := store.ReadFile(ctx, path)
		if err != nil {
			return nil, err
		}
		var g dust.Gaussian
		if err := json.Unmarshal(b, &g); err != nil {
			return nil, fmt.Errorf("dustfile: %s: %w", path, err)
		}
		return dust.NewExact(&g), nil
	}
	return nil, fmt.Errorf("dustfile: %s is neither a compact dust map, a Bayestar HDF5 file nor a Gaussian map JSON", path)
}

func newMap(g *dust.Grid, path string) (dust.Map, error) {
	m, err := dust.NewBayestar(*g)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, nil
}

// ReadFile reads the compact file at path (local or gs://), checking its
// size against its header before reading the arrays.
func ReadFile(ctx context.Context, path string) (*dust.Grid, error) {
	info, err := store.Stat(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	g, err := Read(sizedReader{r, info.Size})
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return g, nil
}

// sizedReader is a stream that knows its length, which Read checks.
type sizedReader struct {
	io.Reader
	size int64
}

func (s sizedReader) Size() int64 { return s.size }

// WriteFile writes g to path (local or gs://) in the compact format; the file
// appears only if the whole write succeeds.
func WriteFile(ctx context.Context, path string, g *dust.Grid, source string) error {
	w, err := store.Create(ctx, path)
	if err != nil {
		return err
	}
	if err := Write(w, g, source); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

type sharedEntry struct {
	once sync.Once
	m    dust.Map
	err  error
}

var (
	sharedMu   sync.Mutex
	sharedMaps = map[string]*sharedEntry{}
)

// Shared returns the map at path, loading it once per process however many
// goroutines (DoFn instances of a worker) ask: every caller gets the same
// read-only map. A failed load is not kept, so a later call tries again.
func Shared(ctx context.Context, path string, opt Options) (dust.Map, error) {
	key := fmt.Sprintf("%s\x00%s\x00%d", path, opt.Version, opt.MaxSamples)
	sharedMu.Lock()
	e := sharedMaps[key]
	if e == nil {
		e = &sharedEntry{}
		sharedMaps[key] = e
	}
	sharedMu.Unlock()
	e.once.Do(func() { e.m, e.err = Open(ctx, path, opt) })
	if e.err != nil {
		sharedMu.Lock()
		if sharedMaps[key] == e {
			delete(sharedMaps, key)
		}
		sharedMu.Unlock()
		return nil, e.err
	}
	return e.m, nil
}

// openReaderAt opens path for random access; a gs:// object is read through
// a cache of large blocks, so that the many small reads of HDF5 metadata
// become a few range requests.
func openReaderAt(ctx context.Context, path string) (store.File, error) {
	f, err := store.OpenFile(ctx, path)
	if err != nil {
		return nil, err
	}
	if store.IsGCS(path) {
		return newBlockCache(f, 4<<20, 32), nil
	}
	return f, nil
}

// blockCache is a store.File that reads whole aligned blocks and keeps the
// most recently used ones.
type blockCache struct {
	f     store.File
	bs    int64
	max   int
	mu    sync.Mutex
	clock int64
	data  map[int64]*cached
}

type cached struct {
	b    []byte
	used int64
}

func newBlockCache(f store.File, blockSize int64, blocks int) *blockCache {
	return &blockCache{f: f, bs: blockSize, max: blocks, data: map[int64]*cached{}}
}

func (c *blockCache) Size() int64  { return c.f.Size() }
func (c *blockCache) Close() error { return c.f.Close() }

func (c *blockCache) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		if off >= c.f.Size() {
			return n, io.EOF
		}
		k := off / c.bs
		b, err := c.block(k)
		if err != nil {
			return n, err
		}
		m := copy(p[n:], b[off-k*c.bs:])
		n += m
		off += int64(m)
		if m == 0 {
			return n, io.EOF
		}
	}
	return n, nil
}

func (c *blockCache) block(k int64) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clock++
	if e := c.data[k]; e != nil {
		e.used = c.clock
		return e.b, nil
	}
	size := min(c.bs, c.f.Size()-k*c.bs)
	b := make([]byte, size)
	if _, err := c.f.ReadAt(b, k*c.bs); err != nil && err != io.EOF {
		return nil, err
	}
	if len(c.data) >= c.max {
		var oldK int64
		old := int64(-1)
		for kk, e := range c.data {
			if old < 0 || e.used < old {
				oldK, old = kk, e.used
			}
		}
		delete(c.data, oldK)
	}
	c.data[k] = &cached{b: b, used: c.clock}
	return b, nil
}
