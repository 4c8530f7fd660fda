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
	r, err := o.NewReader(ctx)
	if err != nil {
		return nil, gcsErr(p, err)
	}
	return r, nil
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
	attrs, err := o.Attrs(ctx)
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
	r, err := f.o.NewRangeReader(f.ctx, off, n)
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
	return &gcsWriter{Writer: o.NewWriter(ctx), cancel: cancel, p: p}, nil
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
	a, err := o.Attrs(ctx)
	if err != nil {
		return Info{}, gcsErr(p, err)
	}
	return Info{Path: p, Size: a.Size, Version: a.Generation}, nil
}

func gcsRemove(ctx context.Context, p string) error {
	o, err := object(ctx, p)
	if err != nil {
		return err
	}
	if err := o.Delete(ctx); err != nil && !errors.Is(err, storage.ErrObjectNotExist) {
		return gcsErr(p, err)
	}
	return nil
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
	c, err := client(ctx)
	if err != nil {
		return nil, err
	}
	it := c.Bucket(bucket).Objects(ctx, &storage.Query{Prefix: prefix})
	var out []Info
	for {
		a, err := it.Next()
		if err == iterator.Done {
			break
		}
		if err != nil {
			return nil, gcsErr(pattern, err)
		}
		ok, err := path.Match(name, a.Name)
		if err != nil {
			return nil, fmt.Errorf("store: glob %q: %w", pattern, err)
		}
		if ok {
			out = append(out, Info{Path: gsScheme + bucket + "/" + a.Name, Size: a.Size, Version: a.Generation})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
