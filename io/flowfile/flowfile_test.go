package flowfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gaiaflow/gaiaflow/model/flow"
)

// trained returns a small conditional flow trained for two epochs, so that
// every tensor and the metadata are non-trivial.
func trained(t *testing.T) (*flow.Flow, *mat.Dense, *mat.Dense) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	n := 300
	x := mat.NewDense(n, 3, nil)
	c := mat.NewDense(n, 1, nil)
	w := make([]float64, n)
	for i := 0; i < n; i++ {
		c.Set(i, 0, rng.Float64())
		x.Set(i, 0, 5+2*rng.NormFloat64())
		x.Set(i, 1, x.At(i, 0)*0.3+rng.NormFloat64()+c.At(i, 0))
		x.Set(i, 2, rng.ExpFloat64())
		w[i] = 0.5 + rng.Float64()
	}
	f, err := flow.Fit(x, c, w, flow.Config{Blocks: 3, Hidden: []int{16, 12}, Activation: flow.Tanh},
		flow.Train{Epochs: 2, Batch: 64, Seed: 3, HoldOut: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	f.Meta.XNames = []string{"g", "bp_rp", "bp_g"}
	f.Meta.CNames = []string{"mu_lambda"}
	f.Meta.Notes = map[string]string{"source": "test"}
	return f, x, c
}

func encode(t *testing.T, f *flow.Flow) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	f, x, c := trained(t)
	for _, p := range []flow.Precision{flow.Float32, flow.Float64} {
		f.Precision = p
		path := filepath.Join(t.TempDir(), "m.gff")
		if err := Save(context.Background(), path, f); err != nil {
			t.Fatal(err)
		}
		g, err := Load(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if g.Precision != p {
			t.Errorf("precision %v, want %v", g.Precision, p)
		}
		want, got := f.LogProb(nil, x, c), g.LogProb(nil, x, c)
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("row %d: log p %v after the round trip, %v before", i, got[i], want[i])
			}
		}
		ft, gt := f.Tensors(), g.Tensors()
		for i := range ft {
			for j := range ft[i].Data {
				if ft[i].Data[j] != gt[i].Data[j] {
					t.Fatalf("tensor %s differs", ft[i].Name)
				}
			}
		}
		fm, gm := f.Meta, g.Meta
		fm.Train.HeldOutLoss, gm.Train.HeldOutLoss = 0, 0
		a, _ := json.Marshal(fm)
		b, _ := json.Marshal(gm)
		if !bytes.Equal(a, b) {
			t.Errorf("metadata\n%s\nafter the round trip, before\n%s", b, a)
		}
		if f.Meta.Train.HeldOutLoss != g.Meta.Train.HeldOutLoss {
			t.Errorf("held-out loss %v, want %v", g.Meta.Train.HeldOutLoss, f.Meta.Train.HeldOutLoss)
		}
	}
}

// rewrite replaces a file's header by edit(header) and recomputes the
// checksum, making files that are intact but disagree with themselves.
func rewrite(t *testing.T, b []byte, edit func(h map[string]any), data func([]byte) []byte) []byte {
	t.Helper()
	hlen := int(binary.LittleEndian.Uint32(b[12:16]))
	var h map[string]any
	if err := json.Unmarshal(b[16:16+hlen], &h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	hj, _ := json.Marshal(h)
	body := b[16+hlen : len(b)-sha256.Size]
	if data != nil {
		body = data(append([]byte(nil), body...))
	}
	out := append([]byte(nil), b[:12]...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(hj)))
	out = append(out, hj...)
	out = append(out, body...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...)
}

func TestBadFiles(t *testing.T) {
	f, _, _ := trained(t)
	good := encode(t, f)
	hlen := int(binary.LittleEndian.Uint32(good[12:16]))
	flip := func(i int) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= 0x10
		return b
	}
	tensors := func(h map[string]any) []any { return h["tensors"].([]any) }
	cases := []struct {
		name    string
		file    []byte
		want    error
		mention string
	}{
		{"empty", nil, ErrTruncated, "0 bytes"},
		{"csv", []byte("g,bp_rp\n1,2\n"), ErrNotFlowFile, "GFLOWMAF"},
		{"magic only", good[:8], ErrTruncated, "preamble"},
		{"half header", good[:16+hlen/2], ErrTruncated, "header"},
		{"half tensors", good[:(len(good)+16+hlen)/2], ErrTruncated, "describes"},
		{"no checksum", good[:len(good)-5], ErrTruncated, "describes"},
		{"extra bytes", append(append([]byte(nil), good...), 0), ErrMismatch, "after the checksum"},
		{"version 2", func() []byte { b := append([]byte(nil), good...); b[8] = 2; return b }(), ErrVersion, "version 2"},
		{"flipped weight", flip(16 + hlen + 100), ErrChecksum, "SHA-256"},
		{"flipped checksum", flip(len(good) - 1), ErrChecksum, "SHA-256"},
		{"flipped header", flip(16 + 20), ErrChecksum, ""},
		{"wrong shape", rewrite(t, good, func(h map[string]any) {
			tensors(h)[0].(map[string]any)["shape"] = []int{3, 16}
		}, nil), ErrMismatch, "block.0.made.W1"},
		{"hidden size", rewrite(t, good, func(h map[string]any) {
			h["config"].(map[string]any)["hidden"] = []int{16, 13}
		}, nil), ErrMismatch, "shape"},
		{"missing tensor", rewrite(t, good, func(h map[string]any) {
			ts := tensors(h)
			h["tensors"] = ts[:len(ts)-1]
		}, func(d []byte) []byte { return d[:len(d)-8] }), ErrMismatch, "std.c_scale is missing"},
		{"unknown tensor", rewrite(t, good, func(h map[string]any) {
			tensors(h)[1].(map[string]any)["name"] = "block.0.made.b9"
		}, nil), ErrMismatch, "block.0.made.b9"},
		{"bad activation", rewrite(t, good, func(h map[string]any) {
			h["config"].(map[string]any)["activation"] = "sigmoid"
		}, nil), ErrMismatch, "sigmoid"},
		{"negative running variance", rewrite(t, good, nil2, func(d []byte) []byte {
			// block.0.bn.running_var is after W1 (16x3), b1, Wc (16), W2 (12x16), b2, W3 (6x12), b3, log_gamma, beta, running_mean.
			off := 8 * (16*3 + 16 + 16 + 12*16 + 12 + 6*12 + 6 + 3 + 3 + 3)
			binary.LittleEndian.PutUint64(d[off:], math.Float64bits(-1))
			return d
		}), ErrMismatch, "block.0.bn.running_var[0] = -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.file))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %q", err, tc.mention)
			}
		})
	}
}

func nil2(map[string]any) {}
