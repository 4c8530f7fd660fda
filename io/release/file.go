package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	"github.com/gaiaflow/gaiaflow/io/store"
)

// File is one file of a catalog version, named relative to the catalog
// folder, with what a reader needs to verify it.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// FileWriter writes one file of a catalog and measures it on the way; see
// Create.
type FileWriter struct {
	w    store.Writer
	h    hash.Hash
	n    int64
	name string
}

// Create opens name (relative to the catalog folder dir) for writing. The
// file appears only when Close succeeds, which returns its File.
func Create(ctx context.Context, dir, name string) (*FileWriter, error) {
	w, err := store.Create(ctx, store.Join(dir, name))
	if err != nil {
		return nil, err
	}
	return &FileWriter{w: w, h: sha256.New(), name: name}, nil
}

func (f *FileWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	f.h.Write(p[:n])
	f.n += int64(n)
	return n, err
}

// Close publishes the file and returns its description.
func (f *FileWriter) Close() (File, error) {
	if err := f.w.Close(); err != nil {
		return File{}, err
	}
	return File{Name: f.name, Size: f.n, SHA256: hex.EncodeToString(f.h.Sum(nil))}, nil
}

// Abort discards the file.
func (f *FileWriter) Abort() { f.w.Abort() }

// WriteFile writes data as name under dir and returns its File.
func WriteFile(ctx context.Context, dir, name string, data []byte) (File, error) {
	w, err := Create(ctx, dir, name)
	if err != nil {
		return File{}, err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return File{}, fmt.Errorf("write %s: %w", name, err)
	}
	return w.Close()
}

// Check reads the file f describes under dir and returns an error if its
// size or checksum differ.
func (f File) Check(ctx context.Context, dir string) error {
	got, err := Describe(ctx, dir, f.Name)
	if err != nil {
		return err
	}
	if got != f {
		return fmt.Errorf("%s: %d bytes with SHA-256 %.16s…, the manifest says %d bytes, %.16s…", f.Name, got.Size, got.SHA256, f.Size, f.SHA256)
	}
	return nil
}

// Describe measures the existing file name under dir.
func Describe(ctx context.Context, dir, name string) (File, error) {
	r, err := store.Open(ctx, store.Join(dir, name))
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return File{}, fmt.Errorf("%s: %w", name, err)
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
