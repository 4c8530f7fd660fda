package flowfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// Errors of Read, wrapped with the details.
var (
	ErrNotFlowFile = errors.New("flowfile: not a gaiaflow model file")
	ErrVersion     = errors.New("flowfile: unsupported format version")
	ErrTruncated   = errors.New("flowfile: truncated")
	ErrChecksum    = errors.New("flowfile: checksum mismatch (corrupt file)")
	ErrMismatch    = errors.New("flowfile: header and tensors do not agree")
)

// maxFile bounds the size of a model file a reader accepts (2 GiB).
const maxFile = 2 << 30

// Read reads a model file (doc.go) from r and returns its flow.
func Read(r io.Reader) (*flow.Flow, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("flowfile: read: %w", err)
	}
	if len(b) > maxFile {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrNotFlowFile, maxFile)
	}
	return decode(b)
}

// Load reads the model file at path, local or gs:// (io/store).
func Load(ctx context.Context, path string) (*flow.Flow, error) {
	fh, err := store.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("flowfile: %w", err)
	}
	defer fh.Close()
	f, err := Read(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

func decode(b []byte) (*flow.Flow, error) {
	const pre = 16
	if len(b) < len(Magic) || !bytes.Equal(b[:len(Magic)], []byte(Magic)) {
		if len(b) < len(Magic) && bytes.HasPrefix([]byte(Magic), b) {
			return nil, fmt.Errorf("%w: %d bytes, not even the magic number", ErrTruncated, len(b))
		}
		return nil, fmt.Errorf("%w: the file does not begin with %q", ErrNotFlowFile, Magic)
	}
	if len(b) < pre {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the fixed preamble", ErrTruncated, len(b))
	}
	if v := binary.LittleEndian.Uint32(b[8:12]); v != Version {
		return nil, fmt.Errorf("%w: the file is version %d, this build reads version %d", ErrVersion, v, Version)
	}
	hlen := int(binary.LittleEndian.Uint32(b[12:16]))
	if hlen > maxHeader {
		return nil, fmt.Errorf("%w: header length %d exceeds %d (corrupt preamble?)", ErrChecksum, hlen, maxHeader)
	}
	if len(b) < pre+hlen {
		return nil, fmt.Errorf("%w: %d bytes, the header alone needs %d", ErrTruncated, len(b), pre+hlen)
	}
	var h header
	herr := json.Unmarshal(b[pre:pre+hlen], &h)
	if herr != nil {
		// A damaged header: say whether the checksum explains it.
		if len(b) >= pre+hlen+sha256.Size && !checksumOK(b) {
			return nil, fmt.Errorf("%w: and the header is not valid JSON (%v)", ErrChecksum, herr)
		}
		return nil, fmt.Errorf("%w: header is not valid JSON: %v", ErrMismatch, herr)
	}
	n := 0
	for _, t := range h.Tensors {
		size := 1
		for _, s := range t.Shape {
			if s < 0 || s > maxFile {
				return nil, fmt.Errorf("%w: tensor %s has shape %v", ErrMismatch, t.Name, t.Shape)
			}
			size *= s
			if size > maxFile {
				return nil, fmt.Errorf("%w: tensor %s has shape %v", ErrMismatch, t.Name, t.Shape)
			}
		}
		n += size
		if n > maxFile/8 {
			return nil, fmt.Errorf("%w: tensors of more than %d values", ErrMismatch, maxFile/8)
		}
	}
	want := pre + hlen + 8*n + sha256.Size
	if len(b) < want {
		return nil, fmt.Errorf("%w: %d bytes, the header describes %d (%d tensor values and the checksum)", ErrTruncated, len(b), want, n)
	}
	if len(b) > want {
		return nil, fmt.Errorf("%w: %d bytes after the checksum", ErrMismatch, len(b)-want)
	}
	if !checksumOK(b) {
		return nil, fmt.Errorf("%w: the SHA-256 of the first %d bytes differs from the one stored", ErrChecksum, len(b)-sha256.Size)
	}
	if h.Format != formatName || h.Version != Version {
		return nil, fmt.Errorf("%w: header says format %q version %d", ErrMismatch, h.Format, h.Version)
	}
	cfg, err := h.Config.config()
	if err != nil {
		return nil, fmt.Errorf("%w: architecture: %v", ErrMismatch, err)
	}
	// A flow is made for the architecture before its tensors are checked
	// one by one (which names what differs): it must not need far more
	// values than the file holds, or a header could ask for any memory.
	if need, ok := cfg.NumValues(); !ok || need > 2*n+1024 {
		return nil, fmt.Errorf("%w: the architecture %+v needs %d tensor values, the file holds %d", ErrMismatch, h.Config, need, n)
	}
	f, err := flow.New(cfg, flow.Orthogonal, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: architecture: %v", ErrMismatch, err)
	}
	if f.Precision, err = parsePrecision(h.Precision); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMismatch, err)
	}
	if f.Meta, err = h.Meta.meta(); err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrMismatch, err)
	}
	need := map[string]bool{}
	for _, t := range f.Tensors() {
		need[t.Name] = true
	}
	data := b[pre+hlen:]
	for _, t := range h.Tensors {
		if !need[t.Name] {
			return nil, fmt.Errorf("%w: tensor %s is not part of the architecture %+v (or appears twice)", ErrMismatch, t.Name, h.Config)
		}
		delete(need, t.Name)
		size := 1
		for _, s := range t.Shape {
			size *= s
		}
		vals := make([]float64, size)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		data = data[8*size:]
		if err := f.SetTensor(t.Name, t.Shape, vals); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMismatch, err)
		}
	}
	for _, t := range f.Tensors() {
		if need[t.Name] {
			return nil, fmt.Errorf("%w: tensor %s is missing", ErrMismatch, t.Name)
		}
	}
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMismatch, err)
	}
	return f, nil
}

func checksumOK(b []byte) bool {
	if len(b) < sha256.Size {
		return false
	}
	body := b[:len(b)-sha256.Size]
	sum := sha256.Sum256(body)
	return bytes.Equal(sum[:], b[len(b)-sha256.Size:])
}
