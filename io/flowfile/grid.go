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
	"slices"
	"strings"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/flow"
)

// GridMagic opens every grid file (a flow.Grid, the distilled density).
//
// Format, version 1, little-endian: magic "GFLOWGRD" (8 bytes), version
// uint32 (1), header length H uint32, H bytes of JSON header
//
//	{"format": "gaiaflow-grid", "version": 1, "lo": [...], "hi": [...], "n": [...],
//	 "outside": "-Inf" or a number, "floor": -1000,
//	 "max_err": 0.01, "mean_err": 0.001, "mean_err_weighted": 0.0005, "err_points": 100000,
//	 "shear": 0.49 (omitted when 0: flow.Grid.Shear),
//	 "tail": {"lo": [...], "hi": [...], "n": [...], "shear": 0} (omitted when none: flow.Grid.Tail),
//	 "notes": {...}}
//
// then prod(n) float64 node values (row-major, last dimension fastest),
// the tail's prod(tail n) values likewise, and the SHA-256 of every byte
// before it. The tail has the grid's outside value and floor. Errors wrap the same sentinels as
// model files.
const GridMagic = "GFLOWGRD"

type gridHeader struct {
	Format          string            `json:"format"`
	Version         int               `json:"version"`
	Lo              []float64         `json:"lo"`
	Hi              []float64         `json:"hi"`
	N               []int             `json:"n"`
	Outside         string            `json:"outside"`
	Floor           float64           `json:"floor"`
	MaxErr          float64           `json:"max_err"`
	MeanErr         float64           `json:"mean_err"`
	MeanErrWeighted float64           `json:"mean_err_weighted"`
	ErrPoints       int               `json:"err_points"`
	Shear           float64           `json:"shear,omitempty"`
	Tail            *gridTailHeader   `json:"tail,omitempty"`
	Notes           map[string]string `json:"notes,omitempty"`
}

// gridTailHeader is where a grid's tail (flow.Grid.Tail) is.
type gridTailHeader struct {
	Lo    []float64 `json:"lo"`
	Hi    []float64 `json:"hi"`
	N     []int     `json:"n"`
	Shear float64   `json:"shear,omitempty"`
}

// gridNodes is the number of nodes n describes, or -1 if a count is
// below 2 or the product exceeds what a file can hold.
func gridNodes(n []int) int {
	total := 1
	for _, v := range n {
		if v < 2 || v > maxFile {
			return -1
		}
		total *= v
		if total > maxFile/8 {
			return -1
		}
	}
	return total
}

// WriteGrid writes g to w in the grid file format; notes (may be nil) are
// stored in the header, e.g. the model file the grid was built from.
func WriteGrid(w io.Writer, g *flow.Grid, notes map[string]string) error {
	if err := g.Validate(); err != nil {
		return fmt.Errorf("flowfile: %w", err)
	}
	h := gridHeader{Format: "gaiaflow-grid", Version: Version, Lo: g.Lo, Hi: g.Hi, N: g.N,
		Outside: formatFloat(g.Outside), Floor: g.Floor, MaxErr: g.MaxErr, MeanErr: g.MeanErr,
		MeanErrWeighted: g.MeanErrWeighted, ErrPoints: g.ErrPoints, Shear: g.Shear, Notes: notes}
	values := g.Values
	if t := g.Tail; t != nil {
		h.Tail = &gridTailHeader{Lo: t.Lo, Hi: t.Hi, N: t.N, Shear: t.Shear}
		values = append(slices.Clip(values), t.Values...)
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("flowfile: grid header: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(GridMagic)
	buf.Write(binary.LittleEndian.AppendUint32(nil, Version))
	buf.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hj))))
	buf.Write(hj)
	var u8 [8]byte
	for _, v := range values {
		binary.LittleEndian.PutUint64(u8[:], math.Float64bits(v))
		buf.Write(u8[:])
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("flowfile: write grid: %w", err)
	}
	return nil
}

// ReadGrid reads a grid file and returns the grid and its notes.
func ReadGrid(r io.Reader) (*flow.Grid, map[string]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, nil, fmt.Errorf("flowfile: read grid: %w", err)
	}
	return DecodeGrid(b)
}

// DecodeGrid decodes a grid file held in b: ReadGrid without its copy of
// the bytes.
func DecodeGrid(b []byte) (*flow.Grid, map[string]string, error) {
	const pre = 16
	switch {
	case len(b) > maxFile:
		return nil, nil, fmt.Errorf("%w: larger than %d bytes", ErrNotFlowFile, maxFile)
	case len(b) < len(GridMagic) && bytes.HasPrefix([]byte(GridMagic), b):
		return nil, nil, fmt.Errorf("%w: %d bytes, not even the magic number", ErrTruncated, len(b))
	case !bytes.HasPrefix(b, []byte(GridMagic)):
		return nil, nil, fmt.Errorf("%w: the file does not begin with %q", ErrNotFlowFile, GridMagic)
	case len(b) < pre:
		return nil, nil, fmt.Errorf("%w: %d bytes, shorter than the fixed preamble", ErrTruncated, len(b))
	}
	if v := binary.LittleEndian.Uint32(b[8:12]); v != Version {
		return nil, nil, fmt.Errorf("%w: the grid file is version %d, this build reads version %d", ErrVersion, v, Version)
	}
	hlen := int(binary.LittleEndian.Uint32(b[12:16]))
	if hlen > maxHeader {
		return nil, nil, fmt.Errorf("%w: header length %d exceeds %d", ErrChecksum, hlen, maxHeader)
	}
	if len(b) < pre+hlen {
		return nil, nil, fmt.Errorf("%w: %d bytes, the header alone needs %d", ErrTruncated, len(b), pre+hlen)
	}
	var h gridHeader
	if err := json.Unmarshal(b[pre:pre+hlen], &h); err != nil {
		if !checksumOK(b) {
			return nil, nil, fmt.Errorf("%w: and the header is not valid JSON (%v)", ErrChecksum, err)
		}
		return nil, nil, fmt.Errorf("%w: grid header is not valid JSON: %v", ErrMismatch, err)
	}
	n := gridNodes(h.N)
	if n < 0 {
		return nil, nil, fmt.Errorf("%w: grid nodes %v", ErrMismatch, h.N)
	}
	var nt int
	if h.Tail != nil {
		if nt = gridNodes(h.Tail.N); nt < 0 || n+nt > maxFile/8 {
			return nil, nil, fmt.Errorf("%w: grid tail nodes %v", ErrMismatch, h.Tail.N)
		}
	}
	want := pre + hlen + 8*(n+nt) + sha256.Size
	switch {
	case len(b) < want:
		return nil, nil, fmt.Errorf("%w: %d bytes, the header describes %d", ErrTruncated, len(b), want)
	case len(b) > want:
		return nil, nil, fmt.Errorf("%w: %d bytes after the checksum", ErrMismatch, len(b)-want)
	case !checksumOK(b):
		return nil, nil, fmt.Errorf("%w: the SHA-256 of the first %d bytes differs from the one stored", ErrChecksum, len(b)-sha256.Size)
	case h.Format != "gaiaflow-grid" || len(h.Lo) != len(h.N) || len(h.Hi) != len(h.N) || len(h.N) < 1 || len(h.N) > 3:
		return nil, nil, fmt.Errorf("%w: grid header: format %q, box %v..%v, nodes %v", ErrMismatch, h.Format, h.Lo, h.Hi, h.N)
	}
	outside, err := parseFloat(h.Outside)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: grid outside value: %v", ErrMismatch, err)
	}
	g := &flow.Grid{Lo: h.Lo, Hi: h.Hi, N: h.N, Outside: outside, Floor: h.Floor, Values: make([]float64, n),
		MaxErr: h.MaxErr, MeanErr: h.MeanErr, MeanErrWeighted: h.MeanErrWeighted, ErrPoints: h.ErrPoints, Shear: h.Shear}
	data := b[pre+hlen:]
	for i := range g.Values {
		g.Values[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
	if t := h.Tail; t != nil {
		g.Tail = &flow.Grid{Lo: t.Lo, Hi: t.Hi, N: t.N, Outside: outside, Floor: h.Floor, Values: make([]float64, nt), Shear: t.Shear}
		data = data[8*n:]
		for i := range g.Tail.Values {
			g.Tail.Values[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
	}
	if err := g.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrMismatch, err)
	}
	return g, h.Notes, nil
}

// StoreGrid writes g, distilled from the model whose SHA-256 is modelSum
// (hex), to path, local or gs://, published whole (io/store).
func StoreGrid(ctx context.Context, path string, g *flow.Grid, modelSum string) error {
	var buf bytes.Buffer
	if err := WriteGrid(&buf, g, map[string]string{ModelSumNote: modelSum}); err != nil {
		return err
	}
	return store.WriteFile(ctx, path, buf.Bytes())
}

// FetchGrid reads the grid file at path, local or gs://, and the SHA-256 of
// the model it was distilled from ("" if the file does not say).
func FetchGrid(ctx context.Context, path string) (*flow.Grid, string, error) {
	data, err := store.ReadFile(ctx, path)
	if err != nil {
		return nil, "", err
	}
	g, notes, err := DecodeGrid(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return g, notes[ModelSumNote], nil
}

// ModelSumNote is the grid file's note that holds the SHA-256 (hex) of the
// model file the grid was distilled from.
const ModelSumNote = "model_sha256"

// GridBeside is where traincmd leaves the grid of nodes per dimension
// distilled from the model file at model: beside it, cmd.gff ->
// cmd.128.grid, so that a catalog run need not distil it again.
func GridBeside(model string, nodes int) string {
	return strings.TrimSuffix(model, ".gff") + fmt.Sprintf(".%d.grid", nodes)
}

// formatFloat and parseFloat carry ±Inf and NaN through JSON as strings.
func formatFloat(v float64) string {
	return fmt.Sprint(v)
}

func parseFloat(s string) (float64, error) {
	var v float64
	_, err := fmt.Sscan(s, &v)
	return v, err
}
