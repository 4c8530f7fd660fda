package plot

import (
	"context"
	"fmt"
	"io"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gaiaflow/gaiaflow/io/store"
)

// DPI is the resolution of the PNG files: a Figure of W × H inches is
// W·DPI × H·DPI pixels.
const DPI = 100

// Figure is a drawn figure, encoded to PNG on demand.
type Figure struct {
	W, H vg.Length // size; the PNG is Pixels() in size
	draw func(dc draw.Canvas)
}

// Pixels returns the size of the PNG image in pixels.
func (f *Figure) Pixels() (w, h int) {
	return int(f.W.Dots(DPI) + 0.5), int(f.H.Dots(DPI) + 0.5)
}

// WritePNG draws f and writes it to w as PNG. A panic inside the plotting
// library is returned as an error rather than crashing the caller.
func (f *Figure) WritePNG(w io.Writer) (err error) {
	var c *vgimg.Canvas
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("plot: drawing failed: %v", r)
			}
		}()
		c = vgimg.NewWith(vgimg.UseWH(f.W, f.H), vgimg.UseDPI(DPI))
		dc := draw.New(c)
		dc.SetColor(white)
		dc.Fill(dc.Rectangle.Path())
		f.draw(dc)
	}()
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("plot: png: %w", err)
	}
	return nil
}

// Save writes f as PNG to path, local or gs://, atomically (store.Create):
// on an error nothing appears at path.
func (f *Figure) Save(ctx context.Context, path string) error {
	w, err := store.Create(ctx, path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := f.WritePNG(w); err != nil {
		w.Abort()
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}
