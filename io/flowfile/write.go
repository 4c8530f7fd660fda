package flowfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// Magic opens every model file; Version is the format version this package
// writes.
const (
	Magic   = "GFLOWMAF"
	Version = 1
)

// maxHeader bounds the header length a reader accepts.
const maxHeader = 16 << 20

// Write writes f to w in the model file format (doc.go).
func Write(w io.Writer, f *flow.Flow) error {
	ts := f.Tensors()
	h := header{
		Format: formatName, Version: Version,
		Created:   time.Now().UTC().Format(time.RFC3339),
		Software:  software,
		Config:    configOf(f.Config()),
		Precision: f.Precision.String(),
		Meta:      metaOf(f.Meta),
	}
	n := 0
	for _, t := range ts {
		h.Tensors = append(h.Tensors, tensorJSON{Name: t.Name, Shape: t.Shape})
		n += len(t.Data)
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("flowfile: header: %w", err)
	}
	if len(hj) > maxHeader {
		return fmt.Errorf("flowfile: header of %d bytes is too long", len(hj))
	}
	var buf bytes.Buffer
	buf.Grow(16 + len(hj) + 8*n + sha256.Size)
	buf.WriteString(Magic)
	var u4 [4]byte
	binary.LittleEndian.PutUint32(u4[:], Version)
	buf.Write(u4[:])
	binary.LittleEndian.PutUint32(u4[:], uint32(len(hj)))
	buf.Write(u4[:])
	buf.Write(hj)
	var u8 [8]byte
	for _, t := range ts {
		for _, v := range t.Data {
			binary.LittleEndian.PutUint64(u8[:], math.Float64bits(v))
			buf.Write(u8[:])
		}
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("flowfile: write: %w", err)
	}
	return nil
}

// Save writes f to path, local or gs://, published whole (io/store: a
// reader never sees half a model).
func Save(ctx context.Context, path string, f *flow.Flow) error {
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		return fmt.Errorf("flowfile: %s: %w", path, err)
	}
	return store.WriteFile(ctx, path, buf.Bytes())
}
