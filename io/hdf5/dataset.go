package hdf5

import (
	"fmt"
	"sync"
)

// Dataset is an HDF5 dataset: its shape, element type and storage. Values are
// read on request with ReadRaw and the typed Read methods.
type Dataset struct {
	f    *File
	path string
	obj  *object

	shape   []uint64 // current dimensions; empty for a scalar
	maxDims []uint64 // maximum dimensions (undef = unlimited), or nil
	dtype   *Datatype
	lay     *layout
	filters []filter
	fill    []byte // fill value of one element, or nil for zeros
	readErr error  // why values cannot be read (an unsupported filter)

	idxOnce sync.Once
	idx     chunkIndex
	idxErr  error

	cacheMu  sync.Mutex
	cacheKey uint64
	cacheBuf []byte
}

func (f *File) newDataset(path string, o *object) (*Dataset, error) {
	d := &Dataset{f: f, path: path, obj: o, cacheKey: undef}
	ms, mt, ml := o.first(msgDataspace), o.first(msgDatatype), o.first(msgLayout)
	if ms == nil || mt == nil || ml == nil {
		if o.isGroup() {
			return nil, fmt.Errorf("hdf5: %s is a group, not a dataset", path)
		}
		return nil, malformed("%s: object without dataspace, datatype or layout", path)
	}
	if mt.flags&msgFlagShared != 0 {
		return nil, unsupported("%s: shared (committed) datatype", path)
	}
	if ms.flags&msgFlagShared != 0 {
		return nil, unsupported("%s: shared dataspace", path)
	}
	if o.first(msgExternal) != nil {
		return nil, unsupported("%s: external storage", path)
	}
	var err error
	if d.shape, d.maxDims, err = parseDataspace(f.cursor(ms.data, path+" dataspace")); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.dtype, err = parseDatatype(f.cursor(mt.data, path+" datatype")); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.lay, err = f.parseLayout(ml.data, len(d.shape)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m := o.first(msgFilters); m != nil {
		if d.filters, err = f.parseFilters(m.data, path); err != nil {
			return nil, err
		}
		d.readErr = checkFilters(d.filters)
		if d.readErr != nil {
			d.readErr = fmt.Errorf("%s: %w", path, d.readErr)
		}
	}
	if err := d.checkSizes(); err != nil {
		return nil, err
	}
	d.fill = parseFill(o, d.dtype.Size)
	if d.lay.class == layoutContiguous && d.lay.size == undef {
		d.lay.size = uint64(d.dtype.Size) * d.Len()
	}
	return d, nil
}

// checkSizes checks that the sizes of d fit 64 bits: its elements, its
// bytes, its chunks (at most 4 GiB each, as HDF5 requires) and its chunk
// grid, so that arithmetic on them cannot wrap around.
func (d *Dataset) checkSizes() error {
	es := uint64(d.dtype.Size)
	if es < 1 {
		return malformed("%s: datatype of %d bytes", d.path, es)
	}
	if _, ok := product(es, d.shape); !ok {
		return malformed("%s: shape %v of %d-byte elements overflows 64 bits", d.path, d.shape, es)
	}
	if d.lay.class != layoutChunked {
		return nil
	}
	if cs, ok := product(es, d.lay.chunk); !ok || cs > maxChunkBytes {
		return malformed("%s: chunks of %v elements of %d bytes are larger than 4 GiB", d.path, d.lay.chunk, es)
	}
	if _, ok := product(1, gridDims(d)); !ok {
		return malformed("%s: a grid of %v chunks overflows 64 bits", d.path, gridDims(d))
	}
	return nil
}

// MaxRead returns the largest box of d, in bytes, that ReadRaw and the typed
// reads accept: what the file can hold (see MaxReadBytes). A compact
// dataset holds its values in its header, a contiguous one in the file (or
// nowhere when it was never written: then fill values, at most FillSlack).
func (d *Dataset) MaxRead() uint64 {
	switch d.lay.class {
	case layoutCompact:
		return uint64(len(d.lay.compact))
	case layoutContiguous:
		if d.lay.addr == undef {
			return FillSlack
		}
		return uint64(d.f.size)
	}
	deflate := false
	for _, fl := range d.filters {
		deflate = deflate || fl.id == filterDeflate
	}
	return MaxReadBytes(d.f.size, deflate)
}

// parseFill returns the fill value of one element, or nil if none is defined.
func parseFill(o *object, size int) []byte {
	var v []byte
	if m := o.first(msgFill); m != nil {
		c := &cursor{b: m.data, what: "fill value"}
		switch c.u8() {
		case 1, 2:
			c.skip(2)
			if c.u8() != 0 {
				n := c.u32()
				v = c.bytes(int(n))
			}
		case 3:
			if c.u8()&0x20 != 0 {
				n := c.u32()
				v = c.bytes(int(n))
			}
		}
		if c.err != nil {
			v = nil
		}
	} else if m := o.first(msgFillOld); m != nil {
		c := &cursor{b: m.data, what: "fill value"}
		n := c.u32()
		v = c.bytes(int(n))
		if c.err != nil {
			v = nil
		}
	}
	if len(v) != size {
		return nil
	}
	for _, b := range v {
		if b != 0 {
			return v
		}
	}
	return nil
}

// Path returns the absolute path of d.
func (d *Dataset) Path() string { return d.path }

// Shape returns the dimensions of d (empty for a scalar).
func (d *Dataset) Shape() []uint64 { return append([]uint64(nil), d.shape...) }

// Type returns the element type of d.
func (d *Dataset) Type() *Datatype { return d.dtype }

// Chunks returns the chunk dimensions of a chunked dataset, or nil.
func (d *Dataset) Chunks() []uint64 {
	if d.lay.class != layoutChunked {
		return nil
	}
	return append([]uint64(nil), d.lay.chunk...)
}

// Filters returns the names of the filters of d, in the order they were
// applied when writing ("shuffle", "deflate", ...).
func (d *Dataset) Filters() []string {
	var out []string
	for _, fl := range d.filters {
		out = append(out, filterName(fl.id, fl.name))
	}
	return out
}

// Len returns the number of elements of d.
func (d *Dataset) Len() uint64 {
	n := uint64(1)
	for _, s := range d.shape {
		n *= s
	}
	return n
}

// Attr returns the attribute of d called name.
func (d *Dataset) Attr(name string) (*Attribute, error) { return d.f.attr(d.obj, name, d.path) }

// Attrs returns all attributes of d.
func (d *Dataset) Attrs() ([]*Attribute, error) { return d.f.attrs(d.obj, d.path) }

// box checks a hyperslab and fills in defaults: nil start is the origin, nil
// count reaches the end of each dimension.
func (d *Dataset) box(start, count []uint64) ([]uint64, []uint64, error) {
	rank := len(d.shape)
	if start == nil {
		start = make([]uint64, rank)
	}
	if len(start) != rank {
		return nil, nil, fmt.Errorf("hdf5: %s: selection of rank %d for a dataset of rank %d", d.path, len(start), rank)
	}
	if count == nil {
		count = make([]uint64, rank)
		for i := range count {
			if start[i] <= d.shape[i] {
				count[i] = d.shape[i] - start[i]
			}
		}
	}
	if len(start) != rank || len(count) != rank {
		return nil, nil, fmt.Errorf("hdf5: %s: selection of rank %d/%d for a dataset of rank %d", d.path, len(start), len(count), rank)
	}
	for i := range start {
		if start[i] > d.shape[i] || count[i] > d.shape[i]-start[i] {
			return nil, nil, fmt.Errorf("hdf5: %s: selection [%d, %d) outside dimension %d of size %d", d.path, start[i], start[i]+count[i], i, d.shape[i])
		}
	}
	return start, count, nil
}

// ReadRaw returns the elements of the box start, count (nil start: the
// origin; nil count: to the end) in row-major order, each d.Type().Size bytes
// as stored in the file (the file's byte order).
func (d *Dataset) ReadRaw(start, count []uint64) ([]byte, error) {
	start, count, err := d.box(start, count)
	if err != nil {
		return nil, err
	}
	n, ok := product(uint64(d.dtype.Size), count)
	if !ok || n > d.MaxRead() {
		return nil, malformed("%s: a read of %v elements of %d bytes is more than a file of %d bytes holds (at most %d bytes)",
			d.path, count, d.dtype.Size, d.f.size, d.MaxRead())
	}
	dst := make([]byte, n)
	if n == 0 {
		return dst, nil
	}
	if err := d.read(dst, start, count); err != nil {
		return nil, err
	}
	return dst, nil
}

func (d *Dataset) read(dst []byte, start, count []uint64) error {
	shape := d.shape
	if len(shape) == 0 { // scalar: one element
		shape, start, count = []uint64{1}, []uint64{0}, []uint64{1}
	}
	es := uint64(d.dtype.Size)
	switch d.lay.class {
	case layoutCompact:
		if need, _ := product(es, shape); uint64(len(d.lay.compact)) < need {
			return malformed("%s: compact data of %d bytes for %d elements", d.path, len(d.lay.compact), prod(shape))
		}
		copyBox(dst, count, make([]uint64, len(count)), d.lay.compact, shape, start, count, es)
		return nil
	case layoutContiguous:
		if d.lay.addr == undef { // never written
			fillBytes(dst, d.fill, es)
			return nil
		}
		if need, _ := product(es, shape); d.lay.size < need {
			return malformed("%s: contiguous data of %d bytes for %d elements", d.path, d.lay.size, prod(shape))
		}
		return d.readContiguous(dst, shape, start, count, es)
	case layoutChunked:
		if d.readErr != nil {
			return d.readErr
		}
		return d.readChunked(dst, shape, start, count, es)
	}
	return unsupported("%s: layout class %d", d.path, d.lay.class)
}

func prod(s []uint64) uint64 {
	n := uint64(1)
	for _, v := range s {
		n *= v
	}
	return n
}

func fillBytes(dst, fill []byte, es uint64) {
	if fill == nil {
		clear(dst)
		return
	}
	for i := uint64(0); i+es <= uint64(len(dst)); i += es {
		copy(dst[i:i+es], fill)
	}
}

// readContiguous reads each contiguous run of the box straight from the file.
func (d *Dataset) readContiguous(dst []byte, shape, start, count []uint64, es uint64) error {
	var ferr error
	forRuns(shape, start, count, make([]uint64, len(count)), count, es, func(srcOff, dstOff, n uint64) bool {
		b := dst[dstOff : dstOff+n]
		a := d.lay.addr + srcOff + d.f.base
		if a+n > uint64(d.f.size) {
			ferr = malformed("%s: data at %d+%d outside the file", d.path, a, n)
			return false
		}
		if _, err := d.f.r.ReadAt(b, int64(a)); err != nil {
			ferr = fmt.Errorf("hdf5: read %s: %w", d.path, err)
			return false
		}
		return true
	})
	return ferr
}

// forRuns calls fn for each maximal contiguous run of a box of extent n that
// sits at srcAt in a row-major array of shape srcShape and goes to dstAt in
// one of shape dstShape: the byte offsets of the run in both and its length
// in bytes. fn returns false to stop.
func forRuns(srcShape, srcAt, dstShape, dstAt, n []uint64, es uint64, fn func(srcOff, dstOff, m uint64) bool) {
	rank := len(n)
	for _, v := range n {
		if v == 0 {
			return
		}
	}
	srcSt := make([]uint64, rank)
	dstSt := make([]uint64, rank)
	s, t := es, es
	for i := rank - 1; i >= 0; i-- {
		srcSt[i], dstSt[i] = s, t
		s *= srcShape[i]
		t *= dstShape[i]
	}
	// Merge trailing dimensions that the box covers whole in both arrays.
	k := rank - 1
	for k > 0 && n[k] == srcShape[k] && n[k] == dstShape[k] {
		k--
	}
	run := n[k] * srcSt[k]
	idx := make([]uint64, k) // position in the outer dimensions 0..k-1
	for {
		src := srcAt[k] * srcSt[k]
		dst := dstAt[k] * dstSt[k]
		for i := 0; i < k; i++ {
			src += (srcAt[i] + idx[i]) * srcSt[i]
			dst += (dstAt[i] + idx[i]) * dstSt[i]
		}
		if !fn(src, dst, run) {
			return
		}
		i := k - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < n[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// copyBox copies the box of extent n at srcAt in src (shape srcShape) to
// dstAt in dst (shape dstShape).
func copyBox(dst []byte, dstShape, dstAt []uint64, src []byte, srcShape, srcAt, n []uint64, es uint64) {
	forRuns(srcShape, srcAt, dstShape, dstAt, n, es, func(so, do, m uint64) bool {
		copy(dst[do:do+m], src[so:so+m])
		return true
	})
}

// readChunked reads the box from the chunks that intersect it.
func (d *Dataset) readChunked(dst []byte, shape, start, count []uint64, es uint64) error {
	d.idxOnce.Do(func() { d.idx, d.idxErr = d.f.chunkIndex(d) })
	if d.idxErr != nil {
		return d.idxErr
	}
	chunk := d.lay.chunk
	rank := len(shape)
	if len(d.shape) == 0 {
		chunk = []uint64{1}
	}
	lo := make([]uint64, rank)
	hi := make([]uint64, rank)
	for i := range lo {
		lo[i] = start[i] / chunk[i]
		hi[i] = (start[i] + count[i] - 1) / chunk[i]
	}
	c := append([]uint64(nil), lo...)
	cs := prod(chunk) * es
	origin := make([]uint64, rank)
	at := make([]uint64, rank)
	n := make([]uint64, rank)
	dstAt := make([]uint64, rank)
	for {
		for i := range c {
			origin[i] = c[i] * chunk[i]
			a := max(start[i], origin[i])
			b := min(start[i]+count[i], origin[i]+chunk[i])
			at[i] = a - origin[i]
			n[i] = b - a
			dstAt[i] = a - start[i]
		}
		buf, err := d.chunk(c, origin, cs, es)
		if err != nil {
			return err
		}
		if buf == nil { // never written: fill values
			forRuns(count, dstAt, count, dstAt, n, es, func(_, do, m uint64) bool {
				fillBytes(dst[do:do+m], d.fill, es)
				return true
			})
		} else {
			copyBox(dst, count, dstAt, buf, chunk, at, n, es)
		}
		i := rank - 1
		for ; i >= 0; i-- {
			c[i]++
			if c[i] <= hi[i] {
				break
			}
			c[i] = lo[i]
		}
		if i < 0 {
			return nil
		}
	}
}

// chunk returns the decoded bytes of the chunk at grid position c (origin
// in elements), cs bytes long, or nil for a chunk never written.
func (d *Dataset) chunk(c, origin []uint64, cs, es uint64) ([]byte, error) {
	key := linearChunk(d, c)
	d.cacheMu.Lock()
	if d.cacheKey == key {
		b := d.cacheBuf
		d.cacheMu.Unlock()
		return b, nil
	}
	d.cacheMu.Unlock()
	ref, ok, err := d.idx.lookup(c, key)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.path, err)
	}
	if !ok {
		return nil, nil
	}
	if cs > maxDecoded(ref, d.filters) {
		return nil, malformed("%s: chunk %v of %d bytes stored cannot decode to %d bytes", d.path, c, ref.size, cs)
	}
	raw, err := d.f.readAt(ref.addr, ref.size, d.path+" chunk")
	if err != nil {
		return nil, err
	}
	skipFilters := false
	if d.lay.noEdgeFilt {
		for i := range origin {
			if origin[i]+d.lay.chunk[i] > d.shape[i] {
				skipFilters = true
			}
		}
	}
	buf := raw
	if !skipFilters {
		if buf, err = unfilter(raw, d.filters, ref.mask, cs); err != nil {
			return nil, fmt.Errorf("hdf5: %s: chunk %v: %w", d.path, c, err)
		}
	}
	if uint64(len(buf)) != cs {
		return nil, malformed("%s: chunk %v decodes to %d bytes, want %d", d.path, c, len(buf), cs)
	}
	d.cacheMu.Lock()
	d.cacheKey, d.cacheBuf = key, buf
	d.cacheMu.Unlock()
	return buf, nil
}

// maxDecoded returns the most bytes a stored chunk can decode to through
// the filters its mask leaves on: deflate expands at most DeflateMaxRatio
// times (plus its few bytes of header), shuffle and Fletcher-32 keep the
// size. A chunk that claims more is damaged, and its buffer is not made.
func maxDecoded(ref chunkRef, fs []filter) uint64 {
	n := ref.size
	for i, fl := range fs {
		if ref.mask&(1<<uint(i)) == 0 && fl.id == filterDeflate {
			n = mulSat(n, DeflateMaxRatio)
		}
	}
	return addSat(n, 64)
}

// gridDims is the number of chunks along each dimension, over the maximum
// dimensions when they are fixed (fixed-array and implicit indexes count
// chunks that way) and the current ones otherwise.
func gridDims(d *Dataset) []uint64 {
	if len(d.shape) == 0 {
		return []uint64{1}
	}
	g := make([]uint64, len(d.shape))
	for i, s := range d.shape {
		if d.maxDims != nil && d.maxDims[i] != undef && d.maxDims[i] > s {
			s = d.maxDims[i]
		}
		if s > 0 {
			g[i] = (s-1)/d.lay.chunk[i] + 1
		}
	}
	return g
}

func linearChunk(d *Dataset, c []uint64) uint64 {
	g := gridDims(d)
	var k uint64
	for i := range c {
		k = k*g[i] + c[i]
	}
	return k
}
