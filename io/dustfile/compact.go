package dustfile

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"unsafe"

	"github.com/gaiaflow/gaiaflow/model/dust"
)

// Magic starts every compact dust-map file: "GFDUST", 0, and the format
// version (2).
const Magic = "GFDUST\x00\x02"

// Format version 1 had no checksum over its header, so a damaged unit or
// distance modulus went unnoticed; it is refused with a note to re-import.
const magicV1 = "GFDUST\x00\x01"

// Limits on a header's sizes, far above the Bayestar maps (3.1 million
// pixels, 120 distance moduli, 20 samples), so that the byte counts of the
// arrays cannot overflow.
const (
	maxPixels = 1 << 31
	maxDM     = 1 << 16
)

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
// after a header of hdrLen bytes and its checksum.
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
	off := align8(int64(len(Magic) + 4 + hdrLen + 4))
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
	binary.LittleEndian.PutUint32(n[:], cw.crc) // of magic, length and header
	cw.write(n[:])
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
// and returns its grid, checksums checked and the grid validated
// (dust.Grid.Validate). If r has a Size method (bytes.Reader,
// io.SectionReader), the header must describe exactly that many bytes;
// otherwise arrays grow as their bytes arrive, so that a header cannot make
// room for more than the stream holds.
func Read(r io.Reader) (*dust.Grid, error) {
	size := int64(-1)
	if s, ok := r.(interface{ Size() int64 }); ok {
		size = s.Size()
	}
	bufSize := 1 << 20
	if size >= 0 {
		bufSize = int(min(int64(bufSize), size))
	}
	br := &countReader{r: bufio.NewReaderSize(r, bufSize)}
	var head [12]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	switch {
	case string(head[:8]) == magicV1:
		return nil, fmt.Errorf("%w: format version 1, which has no checksum over its header (units, distance moduli); "+
			"rewrite it with this program: gaiaflow dust import --input <the Bayestar .h5 file> --out <this file>", ErrFormat)
	case string(head[:6]) == Magic[:6] && string(head[:8]) != Magic:
		return nil, fmt.Errorf("%w: format version %d (this program reads %d)", ErrFormat, int(head[7]), int(Magic[7]))
	case string(head[:8]) != Magic:
		return nil, fmt.Errorf("%w: no magic", ErrFormat)
	}
	n := binary.LittleEndian.Uint32(head[8:])
	if n > 1<<24 || size >= 0 && int64(n) > size {
		return nil, fmt.Errorf("%w: header of %d bytes", ErrFormat, n)
	}
	hb, err := io.ReadAll(io.LimitReader(br, int64(n)+4))
	if err != nil || len(hb) != int(n)+4 {
		return nil, fmt.Errorf("%w: header: %d of %d bytes (truncated file): %v", ErrFormat, len(hb), n+4, err)
	}
	crc := crc32.Update(crc32.Update(0, castagnoli, head[:]), castagnoli, hb[:n])
	if stored := binary.LittleEndian.Uint32(hb[n:]); crc != stored {
		return nil, fmt.Errorf("%w: header checksum %08x, stored %08x (damaged file)", ErrFormat, crc, stored)
	}
	var h header
	if err := json.Unmarshal(hb[:n], &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if h.Format != formatName {
		return nil, fmt.Errorf("%w: header format %q", ErrFormat, h.Format)
	}
	if h.NumPixels < 0 || h.NumPixels > maxPixels || h.NumDM < 1 || h.NumDM > maxDM || h.NumSamples < 1 || h.NumSamples > dust.MaxSamples ||
		len(h.DM) != h.NumDM || len(h.Arrays) != 8 {
		return nil, fmt.Errorf("%w: header sizes (npix %d, ndm %d, nsamp %d, %d DM, %d arrays)", ErrFormat,
			h.NumPixels, h.NumDM, h.NumSamples, len(h.DM), len(h.Arrays))
	}
	want := layout(h.NumPixels, h.NumDM, h.NumSamples, int(n))
	for i := range want {
		if h.Arrays[i] != want[i] {
			return nil, fmt.Errorf("%w: array table %+v, want %+v", ErrFormat, h.Arrays[i], want[i])
		}
	}
	last := want[len(want)-1]
	total := align8(last.Offset+last.Length*elemSize[last.Type]) + int64(4*len(want)+len(trailerMagic))
	if size >= 0 && size != total {
		return nil, fmt.Errorf("%w: %d bytes, the header describes %d (truncated or damaged file)", ErrFormat, size, total)
	}
	g := &dust.Grid{Version: h.Map, Units: h.Units, DM: h.DM, NumSamples: h.NumSamples}
	var conv []uint8
	crcs := make([]uint32, len(want))
	for i, a := range h.Arrays {
		if err := br.skipTo(a.Offset); err != nil {
			return nil, fmt.Errorf("%w: before %s: %v", ErrFormat, a.Name, err)
		}
		var err error
		switch i {
		case 0:
			g.NSide, crcs[i], err = readArray[int32](br, a.Length, size >= 0)
		case 1:
			g.Pixel, crcs[i], err = readArray[int64](br, a.Length, size >= 0)
		case 2:
			g.DMReliableMin, crcs[i], err = readArray[float32](br, a.Length, size >= 0)
		case 3:
			g.DMReliableMax, crcs[i], err = readArray[float32](br, a.Length, size >= 0)
		case 4:
			conv, crcs[i], err = readArray[uint8](br, a.Length, size >= 0)
		case 5:
			g.Order, crcs[i], err = readArray[int32](br, a.Length, size >= 0)
		case 6:
			g.Best, crcs[i], err = readArray[float32](br, a.Length, size >= 0)
		case 7:
			g.Samples, crcs[i], err = readArray[float32](br, a.Length, size >= 0)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: array %s: %v", ErrFormat, a.Name, err)
		}
	}
	tail := make([]byte, 4*len(want)+len(trailerMagic))
	if _, err := io.ReadFull(br, tail); err != nil {
		return nil, fmt.Errorf("%w: trailer: %v", ErrFormat, err)
	}
	if string(tail[4*len(want):]) != trailerMagic {
		return nil, fmt.Errorf("%w: bad trailer", ErrFormat)
	}
	for i, a := range h.Arrays {
		if got, want := crcs[i], binary.LittleEndian.Uint32(tail[4*i:]); got != want {
			return nil, fmt.Errorf("%w: array %s: checksum %08x, stored %08x (damaged or truncated file)", ErrFormat, a.Name, got, want)
		}
	}
	g.Converged = make([]bool, len(conv))
	for i, c := range conv {
		if c > 1 {
			return nil, fmt.Errorf("%w: converged flag %d", ErrFormat, c)
		}
		g.Converged[i] = c == 1
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return g, nil
}

// readStep is how many bytes of an array readArray reads at a time.
const readStep = 8 << 20

// readArray reads n little-endian elements of T from r and returns them
// with their CRC-32C. When sized (the stream's length has been checked
// against the header) it makes room for all n at once; otherwise the slice
// grows as the bytes arrive, so that the memory is at most about twice
// what the stream held.
func readArray[T int32 | int64 | float32 | uint8](r io.Reader, n int64, sized bool) ([]T, uint32, error) {
	var zero T
	es := int64(unsafe.Sizeof(zero))
	var s []T
	if sized {
		s = make([]T, 0, n)
	}
	var c uint32
	for int64(len(s)) < n {
		k := int(min(n-int64(len(s)), readStep/es))
		s = slices.Grow(s, k)[:len(s)+k]
		b := bytesOf(s[len(s)-k:])
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, 0, err
		}
		c = crc32.Update(c, castagnoli, b)
	}
	if !littleEndian {
		swapInPlace(bytesOf(s), int(es))
	}
	return s, c, nil
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
func bytesOf[T int32 | int64 | float32 | uint8](s []T) []byte {
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
