package gz

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	kgzip "github.com/klauspost/compress/gzip"
)

// inflateRaw decodes a raw DEFLATE stream with the decoder under test, as
// gzMembers drives it, and checks that the stream did not end early.
func inflateRaw(src io.Reader) ([]byte, error) {
	z := newInflater(src)
	z.reset()
	var out []byte
	for {
		out = append(out, z.out[z.rp:z.op]...)
		z.rp = z.op
		if z.state == stateDone {
			return out, z.byteAlign()
		}
		z.slide()
		if err := z.decode(); err != nil {
			return out, err
		}
	}
}

// inflateStd decodes a raw DEFLATE stream with the standard library, the
// independent reference.
func inflateStd(data []byte) ([]byte, error) {
	return io.ReadAll(flate.NewReader(bytes.NewReader(data)))
}

func deflateStd(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// texts are inputs that make every kind of block and match: stored blocks
// (level 0), fixed and dynamic Huffman codes, long runs (distance 1),
// short periods (distances 2-7), far matches across the 32 KiB window and
// output much longer than the decoder's window.
func texts(t testing.TB) map[string][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 300_000)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	var periods bytes.Buffer
	for p := 1; p <= 9; p++ {
		for range 2000 {
			periods.WriteString("abcdefghi"[:p])
		}
	}
	var far bytes.Buffer
	block := random[:30_000]
	for range 40 {
		far.Write(block) // each copy 30,000 bytes back: near the window's end
		far.WriteString("x")
	}
	m67, err := os.ReadFile("../partition/testdata/m67.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	partition, err := gunzipStd(m67)
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"empty":     nil,
		"one byte":  []byte("a"),
		"short":     []byte("ra,dec,parallax\n1,2,3\n"),
		"random":    random,
		"run":       bytes.Repeat([]byte{'0'}, 100_000),
		"periods":   periods.Bytes(),
		"far":       far.Bytes(),
		"partition": partition, // a real Gaia DR2 partition's text (M67 field)
	}
}

// TestInflateMatchesTheStandardLibrary decodes every text at every level,
// whole and one byte per read (the input's slow paths), against
// compress/flate.
func TestInflateMatchesTheStandardLibrary(t *testing.T) {
	for name, text := range texts(t) {
		for _, level := range []int{flate.NoCompression, flate.BestSpeed, 6, flate.BestCompression, flate.HuffmanOnly} {
			data := deflateStd(t, text, level)
			for _, oneByte := range []bool{false, true} {
				var src io.Reader = bytes.NewReader(data)
				if oneByte {
					src = iotest.OneByteReader(src)
				}
				got, err := inflateRaw(src)
				if err != nil || !bytes.Equal(got, text) {
					t.Errorf("%s, level %d, one byte per read %v: %d bytes, %v; want %d bytes", name, level, oneByte, len(got), err, len(text))
				}
			}
		}
	}
}

// TestInflateRealPartition reads the repository's real gzipped partition
// (written by another gzip) through Open, against compress/gzip.
func TestInflateRealPartition(t *testing.T) {
	data, err := os.ReadFile("../partition/testdata/m67.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	want, err := gunzipStd(data)
	if err != nil {
		t.Fatal(err)
	}
	got, gzipped, err := readAll(data)
	if err != nil || !gzipped || got != string(want) {
		t.Fatalf("%d bytes, gzipped %v, %v; want %d bytes", len(got), gzipped, err, len(want))
	}
}

// TestInflateTruncated cuts a stream at every byte: each cut is an error,
// never a panic, a hang or a short text taken as whole.
func TestInflateTruncated(t *testing.T) {
	text := texts(t)["periods"][:5000]
	for _, level := range []int{flate.NoCompression, flate.BestSpeed, flate.BestCompression} {
		data := deflateStd(t, text, level)
		for n := range len(data) {
			_, err := inflateRaw(bytes.NewReader(data[:n]))
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("level %d, %d of %d bytes: %v, want io.ErrUnexpectedEOF", level, n, len(data), err)
			}
		}
	}
}

// TestInflateCorrupt flips bytes of streams: the decoder agrees with
// compress/flate on which fail, and on the text of those that do not.
func TestInflateCorrupt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	text := texts(t)["partition"][:20000]
	for _, level := range []int{flate.BestSpeed, flate.BestCompression, flate.HuffmanOnly} {
		data := deflateStd(t, text, level)
		for range 300 {
			bad := bytes.Clone(data)
			bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
			want, werr := inflateStd(bad)
			got, err := inflateRaw(bytes.NewReader(bad))
			if (err == nil) != (werr == nil) || (err == nil && !bytes.Equal(got, want)) {
				t.Fatalf("level %d: got %d bytes, %v; compress/flate %d bytes, %v", level, len(got), err, len(want), werr)
			}
		}
	}
}

// TestInflateHandMade covers what the standard library's writer never
// writes: a distance before the start of the stream, the invalid block
// type, a stored block whose length is not its complement's, a fixed-code
// length symbol 286, and a single-code distance tree (valid).
func TestInflateHandMade(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		fails string
	}{
		// Fixed block: literal 'a' (0x91 reversed...), built bit by bit below.
		{"match before the start", fixedBlock(t, []sym{{lit: 'a'}, {length: 3, dist: 2}}), "too far back"},
		{"match inside", fixedBlock(t, []sym{{lit: 'a'}, {lit: 'b'}, {length: 4, dist: 2}}), ""},
		{"block type 3", []byte{0x07}, "invalid block type"},
		{"stored length against its complement", []byte{0x01, 0x05, 0x00, 0xfa, 0xfe, 'a', 'b', 'c', 'd', 'e'}, "complement"},
		{"stored", []byte{0x01, 0x05, 0x00, 0xfa, 0xff, 'a', 'b', 'c', 'd', 'e'}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, werr := inflateStd(c.data)
			got, err := inflateRaw(bytes.NewReader(c.data))
			if c.fails != "" {
				if err == nil || !strings.Contains(err.Error(), c.fails) || werr == nil {
					t.Fatalf("err = %v (compress/flate: %v), want one saying %q", err, werr, c.fails)
				}
				return
			}
			if err != nil || werr != nil || !bytes.Equal(got, want) {
				t.Fatalf("got %q, %v; compress/flate %q, %v", got, err, want, werr)
			}
		})
	}
}

type sym struct {
	lit          byte
	length, dist int
}

// fixedBlock writes a final block with the fixed codes (RFC 1951, 3.2.6):
// the symbols, then the end of block.
func fixedBlock(t *testing.T, syms []sym) []byte {
	var w bitWriter
	w.bits(1, 1) // final
	w.bits(1, 2) // fixed codes
	for _, s := range syms {
		if s.length == 0 {
			w.code(uint32(s.lit)+0x30, 8)
			continue
		}
		if s.length > 10 || s.dist > 4 {
			t.Fatal("fixedBlock writes only lengths 3-10 and distances 1-4")
		}
		w.code(uint32(s.length-3+1), 7) // symbols 257-264: codes 0000001-0001000
		w.code(uint32(s.dist-1), 5)
	}
	w.code(0, 7) // end of block
	return w.flush()
}

type bitWriter struct {
	out  []byte
	acc  uint32
	nacc uint
}

func (w *bitWriter) bits(v uint32, n uint) {
	for i := range n {
		w.acc |= (v >> i & 1) << w.nacc
		w.nacc++
		if w.nacc == 8 {
			w.out = append(w.out, byte(w.acc))
			w.acc, w.nacc = 0, 0
		}
	}
}

// code writes a Huffman code, most significant bit first.
func (w *bitWriter) code(v uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.bits(v>>uint(i)&1, 1)
	}
}

func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	return w.out
}

// TestGzipTrailer checks the member's CRC-32 and length against what was
// decoded, and a header's own CRC (FHCRC) and optional fields.
func TestGzipTrailer(t *testing.T) {
	good := compress(t, strings.Repeat("1,2,3\n", 1000))
	crc := bytes.Clone(good)
	crc[len(crc)-8] ^= 1
	size := bytes.Clone(good)
	size[len(size)-4] ^= 1
	var named bytes.Buffer
	w := gzip.NewWriter(&named)
	w.Name, w.Comment, w.Extra = "part.csv", "a comment", []byte("extra")
	w.Write([]byte("a,b\n"))
	w.Close()
	for _, c := range []struct {
		name  string
		data  []byte
		want  string
		fails string
	}{
		{"good", good, strings.Repeat("1,2,3\n", 1000), ""},
		{"CRC-32", crc, "", "checksum"},
		{"length", size, "", "length"},
		{"name, comment and extra field", named.Bytes(), "a,b\n", ""},
		{"reserved flag", append([]byte{0x1f, 0x8b, 8, 0x20}, good[4:]...), "", "invalid header"},
		{"header CRC", withHeaderCRC(good, false), strings.Repeat("1,2,3\n", 1000), ""},
		{"wrong header CRC", withHeaderCRC(good, true), "", "invalid header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := readAll(c.data)
			if c.fails != "" {
				if err == nil || !strings.Contains(err.Error(), c.fails) {
					t.Fatalf("err = %v, want one saying %q", err, c.fails)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %d bytes, %v", len(got), err)
			}
		})
	}
}

// withHeaderCRC sets FHCRC in a member written without it and inserts the
// header's CRC-16 (wrong if asked).
func withHeaderCRC(member []byte, wrong bool) []byte {
	h := bytes.Clone(member[:10])
	h[3] |= 2
	c := crc16(h)
	if wrong {
		c ^= 1
	}
	return append(append(h, byte(c), byte(c>>8)), member[10:]...)
}

func crc16(h []byte) uint16 {
	// The low half of the header's CRC-32, computed bit by bit (not with
	// hash/crc32, which the decoder uses).
	crc := ^uint32(0)
	for _, b := range h {
		crc ^= uint32(b)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xedb88320
			} else {
				crc >>= 1
			}
		}
	}
	return uint16(^crc)
}

// FuzzInflate decodes arbitrary raw DEFLATE streams: never a panic or a
// hang, and the same verdict and text as compress/flate. Seeds: streams of
// every level.
func FuzzInflate(f *testing.F) {
	for _, level := range []int{0, 1, 6, 9, -2} {
		f.Add(deflateStd(f, []byte("source_id,ra,dec\n1,2.5,3.5\n2,2.5,3.5\n2,2.5,3.5\n"), level))
	}
	f.Add([]byte{0x07})
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := inflateStd(data)
		got, err := inflateRaw(bytes.NewReader(data))
		if (err == nil) != (werr == nil) || (err == nil && !bytes.Equal(got, want)) {
			t.Fatalf("got %d bytes, %v; compress/flate %d bytes, %v", len(got), err, len(want), werr)
		}
	})
}

// BenchmarkGunzipPartition decompresses a gzipped Gaia partition (the
// repository's M67 field repeated 20 times, gzipped at gzip's default level
// as the archive's files are; PARTITION_BENCH_FILE for a file of your own)
// with this decoder, klauspost/compress's and the standard library's: MB of
// text and rows per second.
func BenchmarkGunzipPartition(b *testing.B) {
	gz, text := benchPartition(b)
	rows := float64(bytes.Count(text, []byte("\n")))
	decoders := []struct {
		name string
		open func(*bufio.Reader) (io.Reader, error)
	}{
		{"gaiaflow", func(br *bufio.Reader) (io.Reader, error) { r, _, err := Open(br); return r, err }},
		{"klauspost", func(br *bufio.Reader) (io.Reader, error) { return kgzip.NewReader(br) }},
		{"stdlib", func(br *bufio.Reader) (io.Reader, error) { return gzip.NewReader(br) }},
	}
	buf := make([]byte, 256<<10)
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				r, err := d.open(bufio.NewReaderSize(bytes.NewReader(gz), 64<<10))
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := r.Read(buf)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func benchPartition(b *testing.B) (gz, text []byte) {
	if f := os.Getenv("PARTITION_BENCH_FILE"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		text, err := gunzipStd(data)
		if err != nil {
			b.Fatal(err)
		}
		return data, text
	}
	one := texts(b)["partition"]
	header, rows, _ := bytes.Cut(one, []byte("\n"))
	text = append(append(bytes.Clone(header), '\n'), bytes.Repeat(rows, 20)...)
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(text)
	w.Close()
	return out.Bytes(), text
}
