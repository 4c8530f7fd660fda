package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"
)

var (
	gcsMu     sync.Mutex
	gcsClient *storage.Client
)

// client returns the process's Cloud Storage client, made on first use so a
// run that touches no gs:// path needs no credentials.
func client(ctx context.Context) (*storage.Client, error) {
	gcsMu.Lock()
	defer gcsMu.Unlock()
	if gcsClient != nil {
		return gcsClient, nil
	}
	// The client is shared by all later calls, so it must not die with the
	// first caller's context.
	c, err := storage.NewClient(context.WithoutCancel(ctx))
	if err != nil {
		return nil, fmt.Errorf("store: cloud storage client: %w", err)
	}
	// Retries end: by default they go on while the context lives.
	c.SetRetry(storage.WithMaxAttempts(MaxAttempts))
	gcsClient = c
	return c, nil
}

// ResetClient drops the cached Cloud Storage client, so the next call makes a
// new one (tests point STORAGE_EMULATOR_HOST at a fresh emulator).
func ResetClient() {
	gcsMu.Lock()
	defer gcsMu.Unlock()
	if gcsClient != nil {
		gcsClient.Close()
	}
	gcsClient = nil
}

func object(ctx context.Context, p string) (*storage.ObjectHandle, error) {
	bucket, name, err := splitGCS(p)
	if err != nil {
		return nil, err
	}
	c, err := client(ctx)
	if err != nil {
		return nil, err
	}
	return c.Bucket(bucket).Object(name), nil
}

func gcsErr(p string, err error) error {
	if errors.Is(err, storage.ErrObjectNotExist) || errors.Is(err, storage.ErrBucketNotExist) {
		return fmt.Errorf("store: %s: %w", p, ErrNotExist)
	}
	return fmt.Errorf("store: %s: %w", p, err)
}

func gcsOpen(ctx context.Context, p string) (io.ReadCloser, error) {
	o, err := object(ctx, p)
	if err != nil {
		return nil, err
	}
	// The transfer lives as long as the reader; opening it must be quick
	// and every read must make progress.
	ctx, cancel := context.WithCancel(ctx)
	opened := make(chan struct{})
	go func() {
		select {
		case <-opened:
		case <-time.After(Timeout):
			cancel()
		}
	}()
	r, err := o.NewReader(ctx)
	close(opened)
	if err != nil {
		cancel()
		return nil, gcsErr(p, err)
	}
	return newStallReader(r, p, cancel), nil
}

type gcsFile struct {
	ctx  context.Context
	p    string
	o    *storage.ObjectHandle
	size int64
}

func gcsOpenFile(ctx context.Context, p string) (File, error) {
	o, err := object(ctx, p)
	if err != nil {
		return nil, err
	}
	qctx, cancel := quick(ctx)
	defer cancel()
	attrs, err := o.Attrs(qctx)
	if err != nil {
		return nil, gcsErr(p, err)
	}
	// Pin the generation so every range read sees the same bytes.
	return &gcsFile{ctx: ctx, p: p, o: o.Generation(attrs.Generation), size: attrs.Size}, nil
}

func (f *gcsFile) Size() int64  { return f.size }
func (f *gcsFile) Close() error { return nil }

// ReadAt reads one byte range with a ranged GET.
func (f *gcsFile) ReadAt(b []byte, off int64) (int, error) {
	if off >= f.size {
		return 0, io.EOF
	}
	n := int64(len(b))
	if off+n > f.size {
		n = f.size - off
	}
	// A range is at most a Parquet column chunk: bounded like a quick call.
	ctx, cancel := context.WithTimeout(f.ctx, Timeout+time.Duration(n>>20)*time.Second)
	defer cancel()
	r, err := f.o.NewRangeReader(ctx, off, n)
	if err != nil {
		return 0, gcsErr(f.p, err)
	}
	defer r.Close()
	got, err := io.ReadFull(r, b[:n])
	if err != nil {
		return got, gcsErr(f.p, err)
	}
	if got < len(b) {
		return got, io.EOF
	}
	return got, nil
}

type gcsWriter struct {
	*storage.Writer
	cancel context.CancelFunc
	p      string
}

func gcsCreate(ctx context.Context, p string) (Writer, error) {
	o, err := object(ctx, p)
	if err != nil {
		return nil, err
	}
	// Cancelling the context is how an upload is abandoned without
	// creating the object.
	ctx, cancel := context.WithCancel(ctx)
	w := o.NewWriter(ctx)
	w.ChunkRetryDeadline = Timeout
	return &gcsWriter{Writer: w, cancel: cancel, p: p}, nil
}

func (w *gcsWriter) Close() error {
	defer w.cancel()
	if err := w.Writer.Close(); err != nil {
		return gcsErr(w.p, err)
	}
	return nil
}

func (w *gcsWriter) Abort() {
	w.cancel()
	w.Writer.Close()
}

func gcsStat(ctx context.Context, p string) (Info, error) {
	o, err := object(ctx, p)
	if err != nil {
		return Info{}, err
	}
	ctx, cancel := quick(ctx)
	defer cancel()
	a, err := o.Attrs(ctx)
	if err != nil {
		return Info{}, gcsErr(p, err)
	}
	return Info{Path: p, Size: a.Size, Version: a.Generation, Modified: a.Updated}, nil
}

func gcsRemove(ctx context.Context, p string) error {
	o, err := object(ctx, p)
	if err != nil {
		return err
	}
	ctx, cancel := quick(ctx)
	defer cancel()
	if err := o.Delete(ctx); err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return gcsErr(p, err)
	}
	return nil
}

// gcsList lists every object whose path starts with prefix (gs://b/p).
func gcsList(ctx context.Context, prefix string) ([]Info, error) {
	bucket, name, err := splitGCS(prefix)
	if err != nil {
		return nil, err
	}
	c, err := client(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := quick(ctx)
	defer cancel()
	it := c.Bucket(bucket).Objects(ctx, &storage.Query{Prefix: name})
	var out []Info
	for {
		a, err := it.Next()
		if err == iterator.Done {
			return out, nil
		}
		if err != nil {
			return nil, gcsErr(prefix, err)
		}
		out = append(out, Info{Path: gsScheme + bucket + "/" + a.Name, Size: a.Size, Version: a.Generation, Modified: a.Updated})
	}
}

// gcsGlob lists the objects under the pattern's literal prefix and keeps
// those whose names match it.
func gcsGlob(ctx context.Context, pattern string) ([]Info, error) {
	bucket, name, err := splitGCS(pattern)
	if err != nil {
		return nil, err
	}
	if !hasMeta(name) {
		info, err := gcsStat(ctx, pattern)
		if err == nil {
			return []Info{info}, nil
		}
		if !errors.Is(err, ErrNotExist) {
			return nil, err
		}
		// Not an object: take it as a folder.
		name = strings.TrimSuffix(name, "/") + "/*"
	}
	prefix := name
	if i := strings.IndexAny(name, `*?[\`); i >= 0 {
		prefix = name[:i]
	}
	all, err := gcsList(ctx, gsScheme+bucket+"/"+prefix)
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, in := range all {
		ok, err := path.Match(name, strings.TrimPrefix(in.Path, gsScheme+bucket+"/"))
		if err != nil {
			return nil, fmt.Errorf("store: glob %q: %w", pattern, err)
		}
		if ok {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
