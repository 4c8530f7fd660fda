package dustfile

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"unsafe"

	"github.com/gaiaflow/gaiaflow/model/dust"
)

// Magic starts every compact dust-map file.
const Magic = "GFDUST\x00\x01"

const trailerMagic = "GFDUSTEND"

// ErrFormat is wrapped by errors about a compact file that is damaged or not
// one.
var ErrFormat = errors.New("dustfile: not a valid compact dust map")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// header is the JSON header of a compact file.
type header struct {
	Format     string      `json:"format"`
	Map        string      `json:"map"`
	Units      dust.Units  `json:"units"`
	NumPixels  int         `json:"npix"`
	NumDM      int         `json:"ndm"`
	NumSamples int         `json:"nsamp"`
	DM         []float64   `json:"dm"`
	Source     string      `json:"source,omitempty"`
	Arrays     []arrayDesc `json:"arrays"`
}

type arrayDesc struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Offset int64  `json:"offset"` // from the start of the file
	Length int64  `json:"length"` // elements
}

const formatName = "gaiaflow dust map (compact)"

var elemSize = map[string]int64{"int32": 4, "int64": 8, "float32": 4, "uint8": 1}

// layout returns the array table for a map of these sizes, arrays placed
// after a header of hdrLen bytes.
func layout(npix, ndm, nsamp int, hdrLen int) []arrayDesc {
	n := int64(npix)
	arrays := []arrayDesc{
		{Name: "nside", Type: "int32", Length: n},
		{Name: "pixel", Type: "int64", Length: n},
		{Name: "dm_min", Type: "float32", Length: n},
		{Name: "dm_max", Type: "float32", Length: n},
		{Name: "converged", Type: "uint8", Length: n},
		{Name: "order", Type: "int32", Length: n},
		{Name: "best", Type: "float32", Length: n * int64(ndm)},
		{Name: "samples", Type: "float32", Length: n * int64(ndm) * int64(nsamp)},
	}
	off := align8(int64(len(Magic) + 4 + hdrLen))
	for i := range arrays {
		arrays[i].Offset = off
		off = align8(off + arrays[i].Length*elemSize[arrays[i].Type])
	}
	return arrays
}

func align8(n int64) int64 { return (n + 7) &^ 7 }

// encodeHeader returns the header bytes; the array offsets depend on the
// header's own length, so it is encoded until that length is stable.
func encodeHeader(h *header) ([]byte, error) {
	n := 0
	for range 4 {
		h.Arrays = layout(h.NumPixels, h.NumDM, h.NumSamples, n)
		b, err := json.Marshal(h)
		if err != nil {
			return nil, err
		}
		if len(b) == n {
			return b, nil
		}
		n = len(b)
	}
	// Pad with spaces to the length used for the offsets.
	h.Arrays = layout(h.NumPixels, h.NumDM, h.NumSamples, n+16)
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(b) > n+16 {
		return nil, errors.New("dustfile: header length does not settle")
	}
	for len(b) < n+16 {
		b = append(b, ' ')
	}
	return b, nil
}

// writer writes a compact file array by array, with padding and checksums.
type writer struct {
	w    *bufio.Writer
	off  int64
	crcs []uint32
	crc  uint32
	err  error
}

func (w *writer) write(b []byte) {
	if w.err != nil {
		return
	}
	_, w.err = w.w.Write(b)
	w.off += int64(len(b))
	w.crc = crc32.Update(w.crc, castagnoli, b)
}

func (w *writer) pad(to int64) {
	if w.err == nil && w.off < to {
		_, w.err = w.w.Write(make([]byte, to-w.off))
		w.off = to
	}
}

func (w *writer) begin(a arrayDesc) {
	w.pad(a.Offset)
	w.crc = 0
}

func (w *writer) end() { w.crcs = append(w.crcs, w.crc) }

// Write writes g to w in the compact format. If g.Order is nil it is
// computed. source names where the map came from (kept in the header).
func Write(w io.Writer, g *dust.Grid, source string) error {
	u := g.Units
	if u == (dust.Units{}) {
		var err error
		if u, err = dust.UnitsOf(g.Version); err != nil {
			return err
		}
	}
	order := g.Order
	if order == nil {
		var err error
		if order, err = dust.Index(g.NSide, g.Pixel); err != nil {
			return err
		}
	}
	h := header{Format: formatName, Map: g.Version, Units: u, NumPixels: len(g.NSide), NumDM: len(g.DM),
		NumSamples: g.NumSamples, DM: g.DM, Source: source}
	cw, err := beginWrite(w, &h)
	if err != nil {
		return err
	}
	conv := make([]uint8, len(g.Converged))
	for i, c := range g.Converged {
		if c {
			conv[i] = 1
		}
	}
	parts := [][]byte{bytesOf(g.NSide), bytesOf(g.Pixel), bytesOf(g.DMReliableMin), bytesOf(g.DMReliableMax),
		conv, bytesOf(order), bytesOf(g.Best), bytesOf(g.Samples)}
	for i, a := range h.Arrays {
		if int64(len(parts[i])) != a.Length*elemSize[a.Type] {
			return fmt.Errorf("dustfile: array %s has %d bytes, want %d", a.Name, len(parts[i]), a.Length*elemSize[a.Type])
		}
		cw.begin(a)
		cw.writeLE(parts[i], int(elemSize[a.Type]))
		cw.end()
	}
	return cw.finish()
}

func beginWrite(w io.Writer, h *header) (*writer, error) {
	hb, err := encodeHeader(h)
	if err != nil {
		return nil, err
	}
	cw := &writer{w: bufio.NewWriterSize(w, 1<<20)}
	cw.write([]byte(Magic))
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(hb)))
	cw.write(n[:])
	cw.write(hb)
	return cw, cw.err
}

// writeLE writes native-order elements of size es as little-endian.
func (w *writer) writeLE(b []byte, es int) {
	if littleEndian || es == 1 {
		w.write(b)
		return
	}
	buf := make([]byte, 1<<16)
	for len(b) > 0 {
		n := min(len(b), len(buf)) / es * es
		swapCopy(buf[:n], b[:n], es)
		w.write(buf[:n])
		b = b[n:]
	}
}

func (w *writer) finish() error {
	for _, c := range w.crcs {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], c)
		w.write(b[:])
	}
	w.write([]byte(trailerMagic))
	if w.err == nil {
		w.err = w.w.Flush()
	}
	if w.err != nil {
		return fmt.Errorf("dustfile: write: %w", w.err)
	}
	return nil
}

// Read reads a compact file from r (as a stream: each array once, in order)
// and returns its grid, checksums checked.
func Read(r io.Reader) (*dust.Grid, error) {
	br := &countReader{r: bufio.NewReaderSize(r, 1<<20)}
	var head [12]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if string(head[:8]) != Magic {
		if string(head[:6]) == Magic[:6] {
			return nil, fmt.Errorf("%w: format version %d (this program reads 1)", ErrFormat, int(head[7]))
		}
		return nil, fmt.Errorf("%w: no magic", ErrFormat)
	}
	n := binary.LittleEndian.Uint32(head[8:])
	if n > 1<<24 {
		return nil, fmt.Errorf("%w: header of %d bytes", ErrFormat, n)
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(br, hb); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	var h header
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if h.Format != formatName {
		return nil, fmt.Errorf("%w: header format %q", ErrFormat, h.Format)
	}
	want := layout(h.NumPixels, h.NumDM, h.NumSamples, int(n))
	if h.NumPixels < 0 || h.NumDM < 1 || h.NumSamples < 1 || len(h.DM) != h.NumDM || len(h.Arrays) != len(want) {
		return nil, fmt.Errorf("%w: header sizes (npix %d, ndm %d, nsamp %d, %d DM, %d arrays)", ErrFormat,
			h.NumPixels, h.NumDM, h.NumSamples, len(h.DM), len(h.Arrays))
	}
	for i := range want {
		if h.Arrays[i] != want[i] {
			return nil, fmt.Errorf("%w: array table %+v, want %+v", ErrFormat, h.Arrays[i], want[i])
		}
	}
	g := &dust.Grid{Version: h.Map, Units: h.Units, DM: h.DM, NumSamples: h.NumSamples}
	np := h.NumPixels
	g.NSide = make([]int32, np)
	g.Pixel = make([]int64, np)
	g.DMReliableMin = make([]float32, np)
	g.DMReliableMax = make([]float32, np)
	conv := make([]uint8, np)
	g.Order = make([]int32, np)
	g.Best = make([]float32, np*h.NumDM)
	g.Samples = make([]float32, np*h.NumDM*h.NumSamples)
	parts := [][]byte{bytesOf(g.NSide), bytesOf(g.Pixel), bytesOf(g.DMReliableMin), bytesOf(g.DMReliableMax),
		conv, bytesOf(g.Order), bytesOf(g.Best), bytesOf(g.Samples)}
	crcs := make([]uint32, len(parts))
	for i, a := range h.Arrays {
		if err := br.skipTo(a.Offset); err != nil {
			return nil, fmt.Errorf("%w: before %s: %v", ErrFormat, a.Name, err)
		}
		c, err := readChecked(br, parts[i])
		if err != nil {
			return nil, fmt.Errorf("%w: array %s: %v", ErrFormat, a.Name, err)
		}
		crcs[i] = c
		if !littleEndian {
			swapInPlace(parts[i], int(elemSize[a.Type]))
		}
	}
	tail := make([]byte, 4*len(parts)+len(trailerMagic))
	if _, err := io.ReadFull(br, tail); err != nil {
		return nil, fmt.Errorf("%w: trailer: %v", ErrFormat, err)
	}
	if string(tail[4*len(parts):]) != trailerMagic {
		return nil, fmt.Errorf("%w: bad trailer", ErrFormat)
	}
	for i, a := range h.Arrays {
		if got, want := crcs[i], binary.LittleEndian.Uint32(tail[4*i:]); got != want {
			return nil, fmt.Errorf("%w: array %s: checksum %08x, stored %08x (damaged or truncated file)", ErrFormat, a.Name, got, want)
		}
	}
	g.Converged = make([]bool, np)
	for i, c := range conv {
		if c > 1 {
			return nil, fmt.Errorf("%w: converged flag %d", ErrFormat, c)
		}
		g.Converged[i] = c == 1
	}
	return g, nil
}

// readChecked fills b from r in large reads and returns its CRC-32C.
func readChecked(r io.Reader, b []byte) (uint32, error) {
	var c uint32
	for len(b) > 0 {
		n := min(len(b), 8<<20)
		if _, err := io.ReadFull(r, b[:n]); err != nil {
			return 0, err
		}
		c = crc32.Update(c, castagnoli, b[:n])
		b = b[n:]
	}
	return c, nil
}

type countReader struct {
	r   io.Reader
	off int64
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.off += int64(n)
	return n, err
}

func (c *countReader) skipTo(off int64) error {
	if off < c.off {
		return fmt.Errorf("offset %d behind %d", off, c.off)
	}
	_, err := io.CopyN(io.Discard, c, off-c.off)
	return err
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// bytesOf views a slice of fixed-size numbers as its bytes (native order).
func bytesOf[T int32 | int64 | float32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

func swapCopy(dst, src []byte, es int) {
	for i := 0; i+es <= len(src); i += es {
		for k := 0; k < es; k++ {
			dst[i+k] = src[i+es-1-k]
		}
	}
}

func swapInPlace(b []byte, es int) {
	for i := 0; i+es <= len(b); i += es {
		for k := 0; k < es/2; k++ {
			b[i+k], b[i+es-1-k] = b[i+es-1-k], b[i+k]
		}
	}
}
