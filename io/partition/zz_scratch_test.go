package partition

import (
	"bytes"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/star"
)

func TestZZProfile(t *testing.T) {
	raw, _ := os.ReadFile("testdata/fuzz/FuzzParquet/7cbe8a8b7f3815b1")
	lines := strings.Split(string(raw), "\n")
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(s)
	runtime.MemProfileRate = 1
	c, err := ReadAny(bytes.NewReader(data), int64(len(data)), "x", Options{BlockSize: 5}, func(*star.Block) error { return nil }, nil)
	t.Log(c, err)
	f, _ := os.Create("/tmp/fuzzlogs/mem.prof")
	pprof.Lookup("allocs").WriteTo(f, 0)
	f.Close()
}
