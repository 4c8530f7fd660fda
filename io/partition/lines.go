package partition

import (
	"bytes"
	"fmt"
	"io"
)

const (
	// chunkSize is the unit of reading and of decompression hand-off.
	chunkSize = 256 << 10
	// maxLine bounds a line, so a file without line ends (binary data that
	// is neither gzip nor Parquet) fails instead of filling memory. A Gaia
	// row is 1-3 KB.
	maxLine = 16 << 20
)

// errLineTooLong is returned by lineReader for a line over maxLine bytes.
var errLineTooLong = fmt.Errorf("%w: a line is longer than %d bytes", ErrFormat, maxLine)

// lineReader splits a stream into lines without copying them: a line is
// valid until the next call of next.
type lineReader struct {
	r          io.Reader
	buf        []byte
	start, end int   // unread bytes are buf[start:end]
	err        error // from r; io.EOF at the end
	n          int64 // lines returned so far: the number of the last one
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: r, buf: make([]byte, chunkSize)}
}

// next returns the next line without its "\n" or "\r\n". At the end of the
// stream it returns ok == false; err then tells whether the end was clean
// (nil) or not. A last line without a line end is returned as a line unless
// the stream ended with an error, when it is dropped as incomplete.
func (lr *lineReader) next() (line []byte, ok bool, err error) {
	for {
		if i := bytes.IndexByte(lr.buf[lr.start:lr.end], '\n'); i >= 0 {
			line = lr.buf[lr.start : lr.start+i]
			lr.start += i + 1
			lr.n++
			return trimCR(line), true, nil
		}
		if lr.err != nil {
			if lr.err != io.EOF {
				return nil, false, lr.err
			}
			if lr.start < lr.end {
				line = lr.buf[lr.start:lr.end]
				lr.start = lr.end
				lr.n++
				return trimCR(line), true, nil
			}
			return nil, false, nil
		}
		lr.fill()
	}
}

// fill reads more bytes, first moving the unread ones to the front of the
// buffer and growing it when a line fills it.
func (lr *lineReader) fill() {
	if lr.start > 0 {
		lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start = 0
	}
	if lr.end == len(lr.buf) {
		if len(lr.buf) >= maxLine {
			lr.err = errLineTooLong
			return
		}
		nb := make([]byte, 2*len(lr.buf))
		copy(nb, lr.buf[:lr.end])
		lr.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := lr.r.Read(lr.buf[lr.end:])
		lr.end += n
		if err != nil {
			lr.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	lr.err = io.ErrNoProgress
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// asyncReader reads r in its own goroutine, a chunk ahead of its consumer,
// so that decompression overlaps parsing. Close must be called; it waits for
// the goroutine, after which r is no longer touched.
type asyncReader struct {
	full chan chunk
	free chan []byte
	done chan struct{}
	exit chan struct{}
	cur  chunk
	off  int
	err  error
}

type chunk struct {
	b   []byte
	err error
}

// newAsyncReader starts reading r with depth chunks in flight.
func newAsyncReader(r io.Reader, depth int) *asyncReader {
	a := &asyncReader{
		full: make(chan chunk, depth),
		free: make(chan []byte, depth+1),
		done: make(chan struct{}),
		exit: make(chan struct{}),
	}
	for range depth + 1 {
		a.free <- make([]byte, chunkSize)
	}
	go a.run(r)
	return a
}

func (a *asyncReader) run(r io.Reader) {
	defer close(a.exit)
	for {
		var b []byte
		select {
		case b = <-a.free:
		case <-a.done:
			return
		}
		n, err := readChunk(r, b[:cap(b)])
		select {
		case a.full <- chunk{b[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// readChunk fills b from r, stopping early only at an error (io.EOF
// included), which it returns as r gave it.
func readChunk(r io.Reader, b []byte) (int, error) {
	n, stalls := 0, 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
		if k == 0 {
			if stalls++; stalls > 100 {
				return n, io.ErrNoProgress
			}
		}
	}
	return n, nil
}

func (a *asyncReader) Read(p []byte) (int, error) {
	for a.off == len(a.cur.b) {
		if a.cur.err != nil {
			return 0, a.cur.err
		}
		if a.cur.b != nil {
			a.free <- a.cur.b[:cap(a.cur.b)]
		}
		a.cur = <-a.full
		a.off = 0
	}
	n := copy(p, a.cur.b[a.off:])
	a.off += n
	return n, nil
}

// Close stops the goroutine and waits for it.
func (a *asyncReader) Close() {
	close(a.done)
	<-a.exit
}

// sourceTracker records the errors of the underlying stream, so that an
// error from the decompressor can be told apart: the source's own failure
// (a network error, say) is passed on as it is, anything else is corruption.
type sourceTracker struct {
	r   io.Reader
	err error
}

func (s *sourceTracker) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}
