package catalog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/gz"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// Slots of a CSV field: where its value goes.
const (
	slotIgnore = -1
	slotSource = -2
	slotIter   = -3
	slotSample = -4
	slotFlags  = -5
	// 0 .. nFloat-1: a float column; slotQ0 + j: quantile j.
	slotQ0 = nFloat
)

// ReadCSV reads a CSV catalog file, gzipped or not, from r (see the package
// doc). name is the file's name in errors, which wrap ErrFormat for bad
// content and say the line and column; an error of r is returned wrapped.
func ReadCSV(r io.Reader, name string) (*distance.Rows, error) {
	src := &sourceErrs{r: r}
	br := bufio.NewReaderSize(src, 64<<10)
	text, gzipped, err := gz.Open(br)
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w: gzip: %w", name, ErrFormat, err)
	}
	if gzipped {
		br = bufio.NewReaderSize(text, 64<<10)
	}
	p := csvParser{name: name, r: br, src: src, gzipped: gzipped}
	if err := p.header(); err != nil {
		return nil, err
	}
	return p.body()
}

type csvParser struct {
	name    string
	src     *sourceErrs // the file's own errors, told from the decompressor's
	gzipped bool
	r       *bufio.Reader
	line    int64
	names   []string // header
	slots   []int    // per field
	nq      int
	long    []byte // a line longer than the bufio buffer
	fields  [][]byte
}

// next returns the next line without its '\n', or io.EOF.
func (p *csvParser) next() ([]byte, error) {
	b, err := p.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		p.long = append(p.long[:0], b...)
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = p.r.ReadSlice('\n')
			p.long = append(p.long, b...)
		}
		b = p.long
	}
	switch {
	case err == nil:
		p.line++
		b = b[:len(b)-1]
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b = b[:len(b)-1]
		}
		return b, nil
	case errors.Is(err, io.EOF) && len(b) == 0:
		return nil, io.EOF
	case errors.Is(err, io.EOF):
		p.line++
		return nil, fmt.Errorf("catalog: %s: line %d: %w: last line not terminated (file truncated?)", p.name, p.line, ErrFormat)
	case errors.Is(err, io.ErrUnexpectedEOF), p.gzipped && p.src.err == nil:
		// A truncated file, or anything the decompressor found in bytes
		// the file gave without error: damaged gzip data.
		return nil, fmt.Errorf("catalog: %s: after line %d: %w: %w", p.name, p.line, ErrFormat, err)
	}
	return nil, fmt.Errorf("catalog: %s: after line %d: %w", p.name, p.line, err)
}

// sourceErrs records the errors of the file's reader, so that an error of
// the decompressor can be told from one of the file (a network error is
// passed on as it is, anything else in gzip data is damage).
type sourceErrs struct {
	r   io.Reader
	err error
}

func (s *sourceErrs) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// split cuts line at commas into p.fields.
func (p *csvParser) split(line []byte) [][]byte {
	f := p.fields[:0]
	for {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			f = append(f, line)
			break
		}
		f = append(f, line[:i])
		line = line[i+1:]
	}
	p.fields = f
	return f
}

func (p *csvParser) header() error {
	line, err := p.next()
	// The ECSV header's '#' lines come before the column names.
	for err == nil && bytes.HasPrefix(bytes.TrimPrefix(line, []byte("\ufeff")), []byte("#")) {
		line, err = p.next()
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("catalog: %s: %w: empty file, no header", p.name, ErrFormat)
	}
	if err != nil {
		return err
	}
	line = bytes.TrimPrefix(line, []byte("\ufeff"))
	index := map[string]int{nameSourceID: slotSource, nameIterations: slotIter, nameSamples: slotSample, nameFlags: slotFlags}
	for i, n := range floatNames {
		index[n] = i
	}
	seen := map[int]bool{}
	var qs []int
	for _, f := range p.split(line) {
		n := string(f)
		p.names = append(p.names, n)
		slot, ok := index[n]
		if !ok {
			if j, isQ := parseQuantileName(n); isQ {
				slot, ok = slotQ0+j, true
				qs = append(qs, j)
			}
		}
		if !ok {
			slot = slotIgnore
		} else if seen[slot] {
			return fmt.Errorf("catalog: %s: line 1: %w: column %s appears twice", p.name, ErrFormat, n)
		}
		seen[slot] = true
		p.slots = append(p.slots, slot)
	}
	for _, n := range Columns(0) {
		if !seen[index[n]] {
			return fmt.Errorf("catalog: %s: line 1: %w: no column %s", p.name, ErrFormat, n)
		}
	}
	p.nq = len(qs)
	for j := 0; j < p.nq; j++ {
		if !seen[slotQ0+j] {
			return fmt.Errorf("catalog: %s: line 1: %w: %d quantile columns but no %s", p.name, ErrFormat, p.nq, QuantileName(j, p.nq))
		}
	}
	return nil
}

func (p *csvParser) body() (*distance.Rows, error) {
	rows := &distance.Rows{NQuantiles: p.nq}
	cols := floatCols(rows)
	var fl [nFloat]float64
	for {
		line, err := p.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		fields := p.split(line)
		if len(fields) != len(p.slots) {
			return nil, fmt.Errorf("catalog: %s: line %d: %w: %d fields, header has %d", p.name, p.line, ErrFormat, len(fields), len(p.slots))
		}
		var (
			id          int64
			iter, samps int32
			flags       uint32
		)
		q0 := len(rows.Quantiles)
		rows.Quantiles = append(rows.Quantiles, make([]float64, p.nq)...)
		qs := rows.Quantiles[q0:]
		for k, f := range fields {
			slot := p.slots[k]
			var err error
			switch {
			case slot == slotIgnore:
			case slot >= slotQ0:
				qs[slot-slotQ0], err = parseFloat(f)
			case slot >= 0:
				fl[slot], err = parseFloat(f)
			case slot == slotSource:
				id, err = strconv.ParseInt(string(f), 10, 64)
			case slot == slotIter:
				var v int64
				v, err = strconv.ParseInt(string(f), 10, 32)
				iter = int32(v)
			case slot == slotSample:
				var v int64
				v, err = strconv.ParseInt(string(f), 10, 32)
				samps = int32(v)
			case slot == slotFlags:
				var v uint64
				v, err = strconv.ParseUint(string(f), 10, 32)
				flags = uint32(v)
			}
			if err != nil {
				return nil, fmt.Errorf("catalog: %s: line %d, column %d (%s): %w: %q: %w",
					p.name, p.line, k+1, p.names[k], ErrFormat, f, errors.Unwrap(err))
			}
		}
		rows.SourceID = append(rows.SourceID, id)
		for i, c := range cols {
			*c = append(*c, fl[i])
		}
		rows.Iterations = append(rows.Iterations, iter)
		rows.Samples = append(rows.Samples, samps)
		rows.Flags = append(rows.Flags, distance.Flag(flags))
	}
	if p.nq == 0 {
		rows.Quantiles = nil
	}
	return rows, nil
}

// parseFloat parses a float field; empty is NaN.
func parseFloat(f []byte) (float64, error) {
	if len(f) == 0 {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(string(f), 64)
}
