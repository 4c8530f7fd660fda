package gz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

// compress gzips text with the standard library's writer, a writer that is
// not the decompressor under test.
func compress(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readAll(data []byte) (string, bool, error) {
	text, gzipped, err := Open(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		return "", gzipped, err
	}
	out, err := io.ReadAll(text)
	return string(out), gzipped, err
}

func TestOpen(t *testing.T) {
	one := compress(t, "a,b\n1,2\n")
	two := append(append([]byte{}, one...), compress(t, "3,4\n")...)
	cases := []struct {
		name    string
		data    []byte
		want    string
		gzipped bool
		fails   string
	}{
		{"plain text passes through", []byte("a,b\n1,2\n"), "a,b\n1,2\n", false, ""},
		{"empty input", nil, "", false, ""},
		{"one member", one, "a,b\n1,2\n", true, ""},
		{"two members read as one text", two, "a,b\n1,2\n3,4\n", true, ""},
		{"zero padding after the last member, as GNU gzip accepts", append(append([]byte{}, one...), make([]byte, 1000)...), "a,b\n1,2\n", true, ""},
		{"other bytes after the last member", append(append([]byte{}, one...), 0, 0, 'x'), "", true, "after the last gzip member"},
		{"truncated member", one[:len(one)-5], "", true, "EOF"},
		{"magic only", []byte{0x1f, 0x8b}, "", true, "EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, gzipped, err := readAll(c.data)
			if gzipped != c.gzipped {
				t.Errorf("gzipped = %v, want %v", gzipped, c.gzipped)
			}
			if c.fails != "" {
				if err == nil || !strings.Contains(err.Error(), c.fails) {
					t.Fatalf("err = %v, want one saying %q", err, c.fails)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// gunzipStd reads the gzip members of data one after another with
// compress/gzip, then accepts only zero bytes to the end: the reference
// for Open (the same framing, another decoder and header parser). A header
// with a reserved flag bit set is an error, as RFC 1952 requires and GNU
// gzip and zlib do (compress/gzip ignores those bits).
func gunzipStd(data []byte) ([]byte, error) {
	br := bufio.NewReader(bytes.NewReader(data))
	var out []byte
	for {
		if head, _ := br.Peek(4); len(head) == 4 && head[3]&0xe0 != 0 {
			return out, errors.New("reserved header flag")
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return out, err
		}
		zr.Multistream(false)
		text, err := io.ReadAll(zr)
		out = append(out, text...)
		if err != nil {
			return out, err
		}
		head, _ := br.Peek(2)
		if isMagic(head) {
			continue
		}
		rest, err := io.ReadAll(br)
		if err != nil {
			return out, err
		}
		if len(bytes.Trim(rest, "\x00")) > 0 {
			return out, errors.New("not gzip data after the last member")
		}
		return out, nil
	}
}

// FuzzOpen reads arbitrary gzip files: never a panic or a hang, and the
// same verdict and text as compress/gzip member by member (gunzipStd).
func FuzzOpen(f *testing.F) {
	one := compress(f, "source_id,ra,dec\n1,2.5,3.5\n")
	f.Add(one)
	f.Add(append(append([]byte{}, one...), one...))
	f.Add(append(append([]byte{}, one...), 0, 0, 0))
	f.Add(withHeaderCRC(one, false))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !isMagic(data[:min(2, len(data))]) {
			return // not gzip: Open passes it through
		}
		want, werr := gunzipStd(data)
		got, _, err := readAll(data)
		if (err == nil) != (werr == nil) || (err == nil && got != string(want)) {
			t.Fatalf("got %d bytes, %v; compress/gzip %d bytes, %v", len(got), err, len(want), werr)
		}
	})
}
