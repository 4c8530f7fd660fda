package plot

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/hist"
)

var outDir = flag.String("out", "", "also write the test figures as PNG files to this directory")

// render encodes f, checks that the PNG decodes at f's size, writes it to
// -out if set, and returns the image.
func render(t *testing.T, name string, f *Figure) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := f.WritePNG(&buf); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if buf.Len() == 0 {
		t.Fatalf("%s: empty PNG", name)
	}
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	w, h := f.Pixels()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s: image %v, want %d × %d", name, b, w, h)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, name+".png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// fakeCMD returns a toy colour-magnitude diagram of n stars: a main
// sequence, a red-giant branch, a red clump and white dwarfs, in (bp-rp,
// absolute g) (mag); noise > 0 adds the scatter of noisy distances to g.
func fakeCMD(n int, noise float64, seed uint64) (bprp, g []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < n; i++ {
		var c, m float64
		switch u := rng.Float64(); {
		case u < 0.78: // main sequence
			c = 0.2 + 2.6*math.Pow(rng.Float64(), 1.5)
			m = 1.5 + 3.6*c + 0.25*rng.NormFloat64()
		case u < 0.93: // giant branch
			c = 0.95 + 0.9*rng.Float64()
			m = 3 - 5*(c-0.95) + 0.25*rng.NormFloat64()
		case u < 0.99: // red clump
			c = 1.15 + 0.08*rng.NormFloat64()
			m = 0.5 + 0.12*rng.NormFloat64()
		default: // white dwarfs
			c = -0.2 + 0.8*rng.Float64()
			m = 11.5 + 2.8*c + 0.3*rng.NormFloat64()
		}
		if noise > 0 {
			m += noise * rng.NormFloat64() * (1 + rng.ExpFloat64())
		}
		bprp, g = append(bprp, c), append(g, m)
	}
	return bprp, g
}

// cmdHist bins a CMD as the pipelines do.
func cmdHist(bprp, g []float64) *hist.Hist2D {
	h := hist.NewHist2D(-0.5, 3.5, 200, -5, 17, 220)
	h.Fill(bprp, g, nil)
	return h
}

// nearly reports whether colours a and b are within tol in each channel.
func nearly(a, b color.Color, tol uint32) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) uint32 {
		if x > y {
			return x - y
		}
		return y - x
	}
	return d(ar, br)>>8 <= tol && d(ag, bg)>>8 <= tol && d(ab, bb)>>8 <= tol
}
