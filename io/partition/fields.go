package partition

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"

	"github.com/gaiaflow/gaiaflow/model/star"
)

// maxReasonValue is how much of an unparsable field a reject reason quotes.
const maxReasonValue = 40

// want is a used column and its field number in the file.
type want struct {
	field int
	c     col
	dst   *float64 // into rowParser.row; nil for source_id
}

// rowParser turns the text of a data row into rowParser.row. It keeps its
// scratch space between rows, so parsing a row allocates nothing unless the
// row is rejected.
type rowParser struct {
	delim   byte // ',' or ' '
	nfields int  // fields in the header
	wants   []want
	row     star.Row

	// splitting of rows with quotes, or space-delimited ones
	scratch []byte
	offs    []int
}

// newRowParser returns a parser of rows with nfields fields, delimited by
// delim, of which it decodes the columns of b.
func newRowParser(b binding, nfields int, delim byte) *rowParser {
	p := &rowParser{delim: delim, nfields: nfields}
	for c, i := range b.index {
		if i < 0 {
			continue
		}
		w := want{field: i, c: col(c)}
		if col(c) != colSourceID {
			w.dst = floatField(&p.row, col(c))
		}
		p.wants = append(p.wants, w)
	}
	sort.Slice(p.wants, func(i, j int) bool { return p.wants[i].field < p.wants[j].field })
	return p
}

// parse decodes line into p.row. It returns "" on success and otherwise the
// reason the row is rejected.
func (p *rowParser) parse(line []byte) string {
	p.row = star.NewRow()
	if p.delim == ',' && bytes.IndexByte(line, '"') < 0 {
		return p.parseComma(line)
	}
	return p.parseSplit(line)
}

// parseComma is the fast path: a comma-separated row without quotes. Fields
// are found by counting commas eight bytes at a time (skipCommas) and only
// the used ones are decoded; the rest of the row is only counted.
func (p *rowParser) parseComma(line []byte) string {
	var (
		fi, pos int  // field fi starts at line[pos]
		end     bool // the last field has been consumed; fi is the field count
		bad     = -1 // first want that did not parse
		badVal  []byte
	)
	for k := range p.wants {
		w := &p.wants[k]
		if d := w.field - fi; d > 0 {
			next, found := skipCommas(line, pos, d)
			if next < 0 {
				return p.countReason(fi + found + 1)
			}
			pos, fi = next, w.field
		}
		var f []byte
		if next, _ := skipCommas(line, pos, 1); next < 0 {
			f, end = line[pos:], true
		} else {
			f = line[pos : next-1]
			pos = next
		}
		fi++
		if !p.set(w, f) && bad < 0 {
			bad, badVal = k, f
		}
		if end && k+1 < len(p.wants) {
			return p.countReason(fi)
		}
	}
	n := fi
	if !end {
		n += 1 + bytes.Count(line[pos:], []byte{','})
	}
	if n != p.nfields {
		return p.countReason(n)
	}
	if bad >= 0 {
		return parseReason(p.wants[bad].c, badVal)
	}
	return checkRequired(&p.row)
}

// Byte masks of the SWAR comma count in skipCommas.
const (
	low7   = 0x7f7f7f7f7f7f7f7f
	commas = 0x2c2c2c2c2c2c2c2c
)

// skipCommas returns the index just past the n-th comma in line at or after
// pos (n >= 1), or -1 and the number of commas there are if fewer. It reads
// eight bytes at a time: a Gaia row has some 95 fields, most of which the
// reader skips, and a call of bytes.IndexByte per field cost more than the
// decoding of the fields it keeps.
func skipCommas(line []byte, pos, n int) (next, found int) {
	for ; pos+8 <= len(line); pos += 8 {
		// The high bit of each byte of m is set exactly where the byte is
		// a comma (x's byte is zero); no carry crosses a byte.
		x := binary.LittleEndian.Uint64(line[pos:]) ^ commas
		m := ^(((x & low7) + low7) | x | low7)
		c := bits.OnesCount64(m)
		if found+c >= n {
			for ; found+1 < n; found++ {
				m &= m - 1 // drop the lowest comma
			}
			return pos + bits.TrailingZeros64(m)/8 + 1, n
		}
		found += c
	}
	for ; pos < len(line); pos++ {
		if line[pos] == ',' {
			if found++; found == n {
				return pos + 1, n
			}
		}
	}
	return -1, found
}

// parseSplit is the general path: it splits the whole row, honouring quotes
// and collapsing runs of spaces when the delimiter is a space, then decodes
// the used fields.
func (p *rowParser) parseSplit(line []byte) string {
	if reason := p.split(line); reason != "" {
		return reason
	}
	if n := len(p.offs) / 2; n != p.nfields {
		return p.countReason(n)
	}
	for k := range p.wants {
		w := &p.wants[k]
		f := p.scratch[p.offs[2*w.field]:p.offs[2*w.field+1]]
		if !p.set(w, f) {
			return parseReason(w.c, f)
		}
	}
	return checkRequired(&p.row)
}

// split copies the fields of line, unquoted, into p.scratch and records their
// bounds in p.offs (start, end pairs).
func (p *rowParser) split(line []byte) string {
	p.scratch, p.offs = p.scratch[:0], p.offs[:0]
	space := p.delim == ' '
	n, i := len(line), 0
	if space {
		i = skipSpaces(line, i)
		if i == n {
			return ""
		}
	}
	for {
		start := len(p.scratch)
		if i < n && line[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(line[i:], '"')
				if j < 0 {
					return "unterminated quoted field"
				}
				p.scratch = append(p.scratch, line[i:i+j]...)
				i += j + 1
				if i < n && line[i] == '"' { // "" is a literal quote
					p.scratch = append(p.scratch, '"')
					i++
					continue
				}
				break
			}
			if i < n && line[i] != p.delim {
				return fmt.Sprintf("text after the closing quote of field %d", len(p.offs)/2+1)
			}
		} else {
			j := bytes.IndexByte(line[i:], p.delim)
			if j < 0 {
				j = n - i
			}
			p.scratch = append(p.scratch, line[i:i+j]...)
			i += j
		}
		p.offs = append(p.offs, start, len(p.scratch))
		if i >= n {
			return ""
		}
		i++ // the delimiter
		if space {
			i = skipSpaces(line, i)
			if i == n {
				return ""
			}
		}
	}
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// set decodes field f into the column w names. It reports whether f parsed.
func (p *rowParser) set(w *want, f []byte) bool {
	if w.dst == nil {
		id, ok := parseID(f)
		p.row.SourceID = id
		return ok
	}
	v, ok := parseFloat(f)
	*w.dst = v
	return ok
}

func (p *rowParser) countReason(n int) string {
	return fmt.Sprintf("row has %d fields, header has %d", n, p.nfields)
}

func parseReason(c col, f []byte) string {
	if c == colSourceID && len(trimSpace(f)) == 0 {
		return "source_id: missing value"
	}
	if len(f) > maxReasonValue {
		f = append(f[:maxReasonValue:maxReasonValue], "..."...)
	}
	return fmt.Sprintf("%s: cannot parse %q as a number", colNames[c], f)
}

// parseFloat decodes a number field. A null (see isNull) is NaN and parses.
func parseFloat(f []byte) (float64, bool) {
	f = trimSpace(f)
	if isNull(f) {
		return math.NaN(), true
	}
	if v, ok := fastFloat(f); ok {
		return v, true
	}
	// string(f) does not allocate: ParseFloat does not keep its argument.
	v, err := strconv.ParseFloat(string(f), 64)
	if err != nil {
		// An out-of-range value is still a number: ParseFloat gives ±Inf or
		// 0 with ErrRange, as a float32 column would hold it.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return v, true
		}
		return math.NaN(), false
	}
	return v, true
}

// parseID decodes a source_id. Unlike other columns it cannot be null.
func parseID(f []byte) (int64, bool) {
	f = trimSpace(f)
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseInt(string(f), 10, 64)
	return v, err == nil
}

// isNull reports whether a trimmed field is a missing number.
func isNull(f []byte) bool {
	switch len(f) {
	case 0:
		return true
	case 2:
		return f[0] == '-' && f[1] == '-'
	case 4:
		return string(f) == "null" || string(f) == "NULL"
	}
	return false
}

func trimSpace(f []byte) []byte {
	for len(f) > 0 && (f[0] == ' ' || f[0] == '\t') {
		f = f[1:]
	}
	for len(f) > 0 && (f[len(f)-1] == ' ' || f[len(f)-1] == '\t') {
		f = f[:len(f)-1]
	}
	return f
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat decodes a plain decimal ([+-]digits[.digits][e[+-]digits]) of at
// most 19 significant digits. Where they fit in 53 bits and the power of ten
// is at most 22 in magnitude, both are exact float64 values and one
// multiplication or division rounds correctly (Clinger 1990); other
// mantissas, such as the 17 digits of Gaia's double columns, go to
// lemireFloat. Either way the result is the one strconv.ParseFloat gives.
// Anything else (more digits, NaN, hex, a syntax error, a case lemireFloat
// cannot decide) returns ok == false, for ParseFloat to decide. It is a good
// deal faster than ParseFloat on every column of a Gaia row.
func fastFloat(s []byte) (v float64, ok bool) {
	i, n := 0, len(s)
	neg := false
	if i < n && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var mant uint64
	exp, digits := 0, 0
	dot := false
	for ; i < n; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if mant >= 1e18 {
				return 0, false // more than 19 digits: not in a uint64
			}
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				exp--
			}
			continue
		case c == '.' && !dot:
			dot = true
			continue
		}
		break
	}
	if digits == 0 {
		return 0, false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < n && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		e, ed := 0, 0
		for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
			if e > 1000 {
				return 0, false
			}
			e = e*10 + int(s[i]-'0')
			ed++
		}
		if ed == 0 {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != n {
		return 0, false
	}
	if mant != 0 && (mant > 1<<53 || exp < -22 || exp > 22) {
		return lemireFloat(mant, exp, neg)
	}
	v = float64(mant)
	switch {
	case mant == 0:
	case exp < 0 && exp >= -22:
		v /= pow10[-exp]
	case exp >= 0 && exp <= 22:
		v *= pow10[exp]
	default:
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}
