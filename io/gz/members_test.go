package gz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

// compress gzips text with the standard library's writer, a writer that is
// not the decompressor under test.
func compress(t *testing.T, text string) []byte {
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
