package partition

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Sentinel errors of whole files; errors returned by this package wrap them
// (test with errors.Is) together with the file name and the details.
var (
	// ErrMissingColumn: the header lacks a required column (source_id, ra, dec).
	ErrMissingColumn = errors.New("missing required column")
	// ErrCorrupt: the bytes are damaged, a truncated or corrupt gzip stream
	// or an unreadable Parquet file.
	ErrCorrupt = errors.New("corrupt or truncated data")
	// ErrFormat: the file is not a partition this package can read: no
	// header, an unsupported ECSV delimiter, a used column named twice, a
	// Parquet column of a non-numeric type, Parquet bytes given to Read.
	ErrFormat = errors.New("unsupported or malformed partition format")
)

// DefaultBlockSize is the number of stars per block when Options.BlockSize is 0.
const DefaultBlockSize = 4096

// maxPrealloc bounds the stars newBlock makes room for, so that a huge
// BlockSize (one block per file) does not allocate for stars never read.
const maxPrealloc = 4 * DefaultBlockSize

// maxRejectText is how much of a rejected row Reject.Text keeps, in bytes.
const maxRejectText = 200

// Options configures reading. The zero value is ready to use.
type Options struct {
	// BlockSize is the largest number of stars in an emitted block; 0 (or
	// less) means DefaultBlockSize.
	BlockSize int
	// Reuse lets the reader refill the block it emitted once emit has
	// returned, for an emit that keeps nothing of it: a partition is then
	// read into one block's memory instead of a new one per block, memory
	// that a new process pays for at its first touch.
	Reuse bool
}

// next returns the block to fill after blk was emitted: blk emptied if o
// allows it, or a new block.
func (o Options) next(blk *star.Block, name string) *star.Block {
	if o.Reuse {
		blk.Reset()
		return blk
	}
	return newBlock(name, o.blockSize())
}

func (o Options) blockSize() int {
	if o.BlockSize <= 0 {
		return DefaultBlockSize
	}
	return o.BlockSize
}

// Counts are the rows of one file and where they went: Rows == Stars + Rejected
// after a successful read. Rows are data rows: header, comment and blank lines
// are not counted.
type Counts struct {
	Rows, Stars, Rejected int64
}

// Add returns the sum of c and d, for totals over files.
func (c Counts) Add(d Counts) Counts {
	return Counts{Rows: c.Rows + d.Rows, Stars: c.Stars + d.Stars, Rejected: c.Rejected + d.Rejected}
}

// Reject is a row that could not be read.
type Reject struct {
	File string // the name given to the reader
	// Line is the 1-based line number in the (decompressed) text, counting
	// header lines; for Parquet it is the 1-based row number in the file.
	Line   int64
	Reason string // what is wrong, naming the column when one did not parse
	Text   string // the row, cut to about 200 bytes
}

func (r Reject) String() string {
	return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason)
}

// Read parses one CSV or ECSV partition, plain or gzipped (see the package
// documentation), from r. It calls emit with blocks of at most
// opt.BlockSize stars, in file order, with File set to name, each newly
// allocated so emit may keep them (unless opt.Reuse); and reject, if not
// nil, with every rejected row. It returns the counts and an error for a problem of the whole file
// (wrapping ErrMissingColumn, ErrCorrupt or ErrFormat), a failure of r, or
// the error of emit, which stops the read. On error the counts cover the
// rows read so far.
func Read(r io.Reader, name string, opt Options, emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
	src := &sourceTracker{r: r}
	br := bufio.NewReaderSize(src, 64<<10)
	head, _ := br.Peek(4) // a failure here comes back at the first read
	var in io.Reader = br
	gzipped := false
	switch {
	case gz.Is(br):
		zr, _, err := gz.Open(br)
		if err != nil {
			return Counts{}, streamError(name, src, true, err)
		}
		in, gzipped = zr, true
	case string(head) == "PAR1":
		return Counts{}, fmt.Errorf("partition: %s: %w: Parquet data; read it with ReadParquet or ReadAny", name, ErrFormat)
	}
	a := newAsyncReader(in, 2)
	defer a.Close()
	lr := newLineReader(a)

	names, delim, err := readHeader(lr)
	if err != nil {
		if errors.Is(err, ErrFormat) || errors.Is(err, ErrMissingColumn) {
			return Counts{}, fmt.Errorf("partition: %s: %w", name, err)
		}
		return Counts{}, streamError(name, src, gzipped, err)
	}
	b, err := bind(names)
	if err != nil {
		return Counts{}, fmt.Errorf("partition: %s: %w", name, err)
	}
	p := newRowParser(b, len(names), delim)

	var cnt Counts
	bs := opt.blockSize()
	blk := newBlock(name, bs)
	for {
		line, ok, err := lr.next()
		if !ok {
			if err != nil {
				return cnt, streamError(name, src, gzipped, err)
			}
			break
		}
		if isBlank(line) {
			continue
		}
		cnt.Rows++
		if reason := p.parse(line); reason != "" {
			cnt.Rejected++
			if reject != nil {
				reject(Reject{File: name, Line: lr.n, Reason: reason, Text: clip(line)})
			}
			continue
		}
		derive(&p.row)
		blk.Append(p.row)
		cnt.Stars++
		if blk.Len() == bs {
			if err := emit(blk); err != nil {
				return cnt, fmt.Errorf("partition: %s: %w", name, err)
			}
			blk = opt.next(blk, name)
		}
	}
	if blk.Len() > 0 {
		if err := emit(blk); err != nil {
			return cnt, fmt.Errorf("partition: %s: %w", name, err)
		}
	}
	return cnt, nil
}

// streamError describes a failure to read the text of a file: the source's
// own error as it is, and anything the decompressor found as ErrCorrupt.
func streamError(name string, src *sourceTracker, gzipped bool, err error) error {
	switch {
	case errors.Is(err, ErrFormat):
		return fmt.Errorf("partition: %s: %w", name, err)
	case src.err != nil:
		return fmt.Errorf("partition: reading %s: %w", name, err)
	case gzipped:
		if err == io.ErrUnexpectedEOF {
			return fmt.Errorf("partition: %s: %w: gzip stream ends early (truncated file): %w", name, ErrCorrupt, err)
		}
		return fmt.Errorf("partition: %s: %w: gzip: %w", name, ErrCorrupt, err)
	}
	return fmt.Errorf("partition: reading %s: %w", name, err)
}

// readHeader reads up to and including the row of column names, returning
// the names and the field delimiter.
func readHeader(lr *lineReader) (names []string, delim byte, err error) {
	line, ok, err := lr.next()
	if err != nil {
		return nil, 0, err
	}
	if !ok {
		return nil, 0, fmt.Errorf("%w: empty file, no header line", ErrFormat)
	}
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	delim = ','
	ecsv := bytes.HasPrefix(line, []byte("# %ECSV"))
	if ecsv {
		delim = ' '
	}
	for len(line) == 0 || line[0] == '#' || isBlank(line) {
		if ecsv && len(line) > 0 && line[0] == '#' {
			if d, found, err := ecsvDelimiter(line); err != nil {
				return nil, 0, err
			} else if found {
				delim = d
			}
		}
		line, ok, err = lr.next()
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			return nil, 0, fmt.Errorf("%w: no header line after %d comment lines", ErrFormat, lr.n)
		}
	}
	p := rowParser{delim: delim}
	if reason := p.split(line); reason != "" {
		return nil, 0, fmt.Errorf("%w: header line %d: %s", ErrFormat, lr.n, reason)
	}
	names = make([]string, len(p.offs)/2)
	for i := range names {
		names[i] = string(p.scratch[p.offs[2*i]:p.offs[2*i+1]])
	}
	return names, delim, nil
}

// ecsvDelimiter looks for the top-level YAML key "delimiter" in an ECSV
// header line ("# delimiter: ','").
func ecsvDelimiter(line []byte) (delim byte, found bool, err error) {
	body := bytes.TrimPrefix(line[1:], []byte(" "))
	v, ok := bytes.CutPrefix(body, []byte("delimiter:"))
	if !ok {
		return 0, false, nil
	}
	v = bytes.TrimSpace(v)
	if n := len(v); n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n-1] == v[0] {
		v = v[1 : n-1]
	}
	switch string(v) {
	case ",":
		return ',', true, nil
	case " ":
		return ' ', true, nil
	}
	return 0, false, fmt.Errorf("%w: ECSV delimiter %q (want ',' or ' ')", ErrFormat, v)
}

func isBlank(line []byte) bool {
	return len(line) == 0 || (line[0] <= ' ' && len(bytes.TrimSpace(line)) == 0)
}

// clip returns the start of a rejected line as a string, cut at a rune
// boundary.
func clip(line []byte) string {
	if len(line) <= maxRejectText {
		return string(line)
	}
	n := maxRejectText
	for n > 0 && !utf8.RuneStart(line[n]) {
		n--
	}
	return string(line[:n]) + "..."
}

// newBlock returns an empty block with room for n stars (at most
// maxPrealloc; a larger block grows by append), its float columns carved out
// of one allocation, each with its own capacity so that appending to one
// never overwrites another.
func newBlock(name string, n int) *star.Block {
	n = min(n, maxPrealloc)
	b := &star.Block{File: name, SourceID: make([]int64, 0, n)}
	back := make([]float64, n*star.NumFloatColumns)
	cols := []*[]float64{
		&b.RA, &b.Dec, &b.L, &b.B, &b.Parallax, &b.ParallaxError,
		&b.PMRA, &b.PMRAError, &b.PMDec, &b.PMDecError,
		&b.G, &b.BP, &b.RP, &b.BPRP,
		&b.GFluxOverError, &b.BPFluxOverError, &b.RPFluxOverError,
		&b.Chi2AL, &b.NGoodObsAL, &b.RUWE,
	}
	for i, c := range cols {
		*c = back[i*n : i*n : (i+1)*n]
	}
	return b
}

// ReadAny reads one partition of any supported format from r, which holds
// size bytes: Parquet (by its magic bytes "PAR1") with ReadParquet, anything
// else with Read. The arguments and results are those of Read.
func ReadAny(r io.ReaderAt, size int64, name string, opt Options, emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
	var head [4]byte
	if size >= 4 {
		if _, err := r.ReadAt(head[:], 0); err != nil && err != io.EOF {
			return Counts{}, fmt.Errorf("partition: reading %s: %w", name, err)
		}
	}
	if string(head[:]) == "PAR1" {
		return ReadParquet(r, size, name, opt, emit, reject)
	}
	return Read(io.NewSectionReader(r, 0, size), name, opt, emit, reject)
}

// ReadFile reads the partition file at path, local or gs:// (io/store), with
// ReadAny, naming it path in blocks, rejects and errors.
func ReadFile(ctx context.Context, path string, opt Options, emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
	f, err := store.OpenFile(ctx, path)
	if err != nil {
		return Counts{}, fmt.Errorf("partition: %w", err)
	}
	defer f.Close()
	return ReadAny(f, f.Size(), path, opt, emit, reject)
}
