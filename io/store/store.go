package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Info describes one file.
type Info struct {
	Path string
	Size int64
	// Version changes whenever the content may have changed: the object
	// generation in Cloud Storage, the modification time (ns) on local disk.
	Version int64
	// Modified is when the content was last written.
	Modified time.Time
}

// ErrNotExist is returned (wrapped) for a file or object that does not exist.
var ErrNotExist = fs.ErrNotExist

// Open opens the file or object at p for reading.
func Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if IsGCS(p) {
		return gcsOpen(ctx, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return f, nil
}

// File is a file opened for random access, as Parquet readers need.
type File interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// OpenFile opens p for random access.
func OpenFile(ctx context.Context, p string) (File, error) {
	if IsGCS(p) {
		return gcsOpenFile(ctx, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	return &localFile{File: f, size: st.Size()}, nil
}

type localFile struct {
	*os.File
	size int64
}

func (f *localFile) Size() int64 { return f.size }

// ReadFile returns the whole content of p.
func ReadFile(ctx context.Context, p string) ([]byte, error) {
	if !IsGCS(p) {
		// Sized from the file's length: no growing copies of a 16 MB grid.
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		return b, nil
	}
	r, err := Open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", p, err)
	}
	return b, nil
}

// Create opens p for writing. The file appears under its name only when Close
// returns nil; Abort discards it. Parent directories are created as needed.
func Create(ctx context.Context, p string) (Writer, error) {
	if IsGCS(p) {
		return gcsCreate(ctx, p)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+tempMark+"*")
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// CreateTemp makes the file 0600; a published file gets the mode any
	// other file of this user would (0666 less the umask).
	if err := f.Chmod(0o666 &^ umask); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("store: %w", err)
	}
	return &localWriter{f: f, buf: bufio.NewWriterSize(f, localBuffer), final: p}, nil
}

// WriteFile writes data to p atomically.
func WriteFile(ctx context.Context, p string, data []byte) error {
	w, err := Create(ctx, p)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return fmt.Errorf("store: write %s: %w", p, err)
	}
	return w.Close()
}

// Writer is a file being written; see Create.
type Writer interface {
	io.WriteCloser
	// Abort discards what was written; the destination is left untouched.
	Abort()
}

// localBuffer is the write buffer of a local file. Compressors write in
// small pieces (the gzip of a catalog shard in blocks of 240 bytes), and
// unbuffered each piece was a system call: 4 % of a whole distances run.
const localBuffer = 256 << 10

type localWriter struct {
	f     *os.File
	buf   *bufio.Writer
	final string
}

func (w *localWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *localWriter) Close() error {
	err := w.buf.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("store: close %s: %w", w.final, err)
	}
	if err := os.Rename(w.f.Name(), w.final); err != nil {
		os.Remove(w.f.Name())
		return fmt.Errorf("store: publish %s: %w", w.final, err)
	}
	return nil
}

func (w *localWriter) Abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

// Stat describes p.
func Stat(ctx context.Context, p string) (Info, error) {
	if IsGCS(p) {
		return gcsStat(ctx, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		return Info{}, fmt.Errorf("store: %w", err)
	}
	return Info{Path: p, Size: st.Size(), Version: st.ModTime().UnixNano(), Modified: st.ModTime()}, nil
}

// Glob returns the files matching pattern, sorted by path. A pattern
// without metacharacters names one file, which must exist; a directory is
// taken as every file in it. `*` does not cross a '/'.
func Glob(ctx context.Context, pattern string) ([]Info, error) {
	if IsGCS(pattern) {
		return gcsGlob(ctx, pattern)
	}
	if !hasMeta(pattern) {
		st, err := os.Stat(pattern)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if st.IsDir() {
			return Glob(ctx, filepath.Join(pattern, "*"))
		}
		return []Info{{Path: pattern, Size: st.Size(), Version: st.ModTime().UnixNano(), Modified: st.ModTime()}}, nil
	}
	names, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("store: glob %q: %w", pattern, err)
	}
	var out []Info
	for _, n := range names {
		st, err := os.Stat(n)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if st.IsDir() || strings.HasPrefix(filepath.Base(n), ".") {
			continue
		}
		out = append(out, Info{Path: n, Size: st.Size(), Version: st.ModTime().UnixNano(), Modified: st.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Remove deletes p. Removing a file that does not exist is not an error.
func Remove(ctx context.Context, p string) error {
	if IsGCS(p) {
		return gcsRemove(ctx, p)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
