package table

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	text := "id,x,y,w\n1,0.5,2,1\n2,1.5,-3e2,0.5\n"
	plain := filepath.Join(dir, "t.csv")
	os.WriteFile(plain, []byte(text), 0o644)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte(text))
	zw.Close()
	gz := filepath.Join(dir, "t.csv.gz")
	os.WriteFile(gz, zb.Bytes(), 0o644)
	for _, p := range []string{plain, gz} {
		c, err := Read(context.Background(), p, []string{"y", "x"}, nil, []string{"w"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Rows != 2 || c.Data[0].At(1, 0) != -300 || c.Data[0].At(0, 1) != 0.5 || c.Data[1] != nil || c.Data[2].At(1, 0) != 0.5 {
			t.Errorf("%s: %+v", p, c)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("x,y\n1,2\n3,nan\n"), 0o644)
	_, err := Read(context.Background(), bad, []string{"x", "y"})
	if !errors.Is(err, ErrColumn) || !strings.Contains(err.Error(), `line 3`) || !strings.Contains(err.Error(), `"y"`) {
		t.Errorf("NaN value: %v", err)
	}
	_, err = Read(context.Background(), plain, []string{"z"})
	if !errors.Is(err, ErrColumn) || !strings.Contains(err.Error(), `"z"`) {
		t.Errorf("missing column: %v", err)
	}
}
